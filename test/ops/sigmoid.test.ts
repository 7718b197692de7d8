import { describe, expect, it } from 'vitest';
import { sigmoid } from '../../src/ops/sigmoid.js';
import { tensor, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';
import '../../src/ops/methods.js';

describe('sigmoid', () => {
  itMatchesPyTorchNn('sigmoid', ([x]) => sigmoid(x));

  it('gradcheck', () => {
    gradcheck((x) => sigmoid(x), [randn([3, 4], { generator: new Generator(3) }).mul(3).detach().requiresGrad_()]);
  });

  it('method form; int64 input gives float32', () => {
    expect(tensor([0], { dtype: 'float32' }).sigmoid().item()).toBe(0.5);
    const y = sigmoid(tensor([0, 1], { dtype: 'int64' }));
    expect(y.dtype).toBe('float32');
    expect(y.data[1]).toBeCloseTo(0.7310586, 6);
  });

  it('errors name the op', () => {
    expect(() => sigmoid(null as never)).toThrow(/sigmoid: expected input to be a Tensor, got null/);
  });
});
