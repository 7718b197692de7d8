import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { randn, tensor, zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';

describe('nn.Linear and nn.Identity', () => {
  it('weight (out, in), bias (out); maps the last dim', () => {
    const lin = new nn.Linear(3, 5);
    expect(lin.weight.shape).toEqual([5, 3]);
    expect(lin.bias!.shape).toEqual([5]);
    expect(lin.call(randn([2, 4, 3])).shape).toEqual([2, 4, 5]);
    expect(new nn.Linear(3, 5, { bias: false }).bias).toBeNull();
  });

  it('resetParameters redraws reproducibly from a generator', () => {
    const a = new nn.Linear(4, 4, { generator: new Generator(1) });
    const b = new nn.Linear(4, 4);
    b.resetParameters(new Generator(1));
    expect(Array.from(b.weight.data)).toEqual(Array.from(a.weight.data));
    expect(Array.from(b.bias!.data)).toEqual(Array.from(a.bias!.data));
  });

  it('Identity returns its input', () => {
    const x = tensor([1, 2], { dtype: 'float32' });
    expect(new nn.Identity().call(x)).toBe(x);
  });

  it('errors name the layer and the argument', () => {
    expect(() => new nn.Linear(-1, 2)).toThrow(/Linear: expected inFeatures to be >= 0, got -1/);
    expect(() => new nn.Linear(2, 1.5)).toThrow(/Linear: expected outFeatures to be an integer, got 1.5/);
    expect(() => new nn.Linear(64, 2).call(zeros([8, 32]))).toThrow(/linear: expected input of shape \(\*, in_features=64\), got \(8, 32\)/);
  });
});
