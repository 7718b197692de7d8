import { describe, expect, it } from 'vitest';
import { variance } from '../../src/ops/var.js';
import * as nt from '../../src/index.js';
import { tensor, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('var', () => {
  itMatchesPyTorch('var', ([x], args) => variance(x, args.dim, { correction: args.correction, unbiased: args.unbiased, keepdim: args.keepdim }));

  it('gradcheck', () => {
    const x = randn([3, 4], { generator: new Generator(8), requiresGrad: true });
    gradcheck((t) => variance(t), [x]);
    gradcheck((t) => variance(t, 1, { keepdim: true }), [x]);
    gradcheck((t) => variance(t, [0, 1], { correction: 0 }), [x]);
    gradcheck((t) => variance(t, -2, { correction: 2 }), [x]);
  });

  it('is exported as var and as a method', () => {
    expect(nt.var).toBe(variance);
    const x = tensor([1, 2, 3, 4], { dtype: 'float32' });
    expect(x.var().item()).toBeCloseTo(5 / 3, 6);
    expect(x.var(0, { unbiased: false }).item()).toBeCloseTo(1.25, 6);
  });

  it('errors name the op and the argument', () => {
    expect(() => variance(tensor([1, 2], { dtype: 'int64' }))).toThrow(TypeError);
    expect(() => variance(tensor([1, 2], { dtype: 'int64' }))).toThrow(/var: only supports floating point input, got input of dtype int64/);
    expect(() => variance(tensor([1, 2], { dtype: 'float32' }), 0, { correction: 1, unbiased: true })).toThrow(/var: cannot pass both correction and unbiased/);
    expect(() => variance(tensor([1, 2], { dtype: 'float32' }), 1)).toThrow(/var: dim out of range/);
    expect(() => variance(tensor([[1, 2]], { dtype: 'float32' }), [0, -2])).toThrow(/var: dim 0 appears multiple times/);
    expect(() => variance(tensor([1, 2], { dtype: 'float32' }), 0, { correction: '1' as never })).toThrow(/var: expected correction to be a number/);
    expect(() => variance(tensor([1, 2], { dtype: 'float32' }), 0, { keepdim: 1 as never })).toThrow(/var: expected keepdim to be a boolean/);
    expect(() => variance(tensor([1, 2], { dtype: 'float32' }), 'a' as never)).toThrow(/var: expected dim to be an integer or an array/);
  });
});
