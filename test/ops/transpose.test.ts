import { describe, expect, it } from 'vitest';
import { transpose, t } from '../../src/ops/transpose.js';
import { tensor, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('transpose', () => {
  itMatchesPyTorch('transpose', ([x], a) => transpose(x, a.dim0, a.dim1));
  itMatchesPyTorch('t', ([x]) => t(x));

  it('gradcheck', () => {
    const x = randn([2, 3, 4], { generator: new Generator(12), requiresGrad: true });
    gradcheck((v) => transpose(v, 0, 2), [x]);
    gradcheck((v) => transpose(v, -1, 1), [x]);
    gradcheck((v) => t(v), [randn([3, 2], { generator: new Generator(13), requiresGrad: true })]);
  });

  it('is a view (writes reach the input) and works as a method', () => {
    const x = tensor([[1, 2, 3]], { dtype: 'float32' });
    const y = x.transpose(0, 1);
    expect(y.toArray()).toEqual([[1], [2], [3]]);
    y.data[0] = 100;
    expect(x.data[0]).toBe(100);
    expect(x.t().shape).toEqual([3, 1]);
    expect(tensor(5, { dtype: 'float32' }).transpose(0, -1).item()).toBe(5);
  });

  it('errors name the op and the argument', () => {
    const x = tensor([[1, 2]], { dtype: 'float32' });
    expect(() => transpose(x, 2, 0)).toThrow(RangeError);
    expect(() => transpose(x, 2, 0)).toThrow(/transpose: dim0 out of range \(expected to be in range of \[-2, 1\], but got 2\)/);
    expect(() => transpose(x, 0, -3)).toThrow(/transpose: dim1 out of range/);
    expect(() => transpose(x, 0, 0.5)).toThrow(TypeError);
    expect(() => transpose(x, 0, 0.5)).toThrow(/transpose: expected dim1 to be an integer, got 0.5/);
    expect(() => t(randn([2, 2, 2]))).toThrow(/t: expects a tensor with <= 2 dimensions, but input has 3/);
    expect(() => transpose(null as never, 0, 1)).toThrow(/transpose: expected input to be a Tensor, got null/);
  });
});
