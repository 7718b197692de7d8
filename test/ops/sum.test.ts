import { describe, expect, it } from 'vitest';
import { sum, mean } from '../../src/ops/sum.js';
import { randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('sum', () => {
  itMatchesPyTorch('sum', ([x], a) => sum(x, a.dim, a.keepdim ?? false));

  it('gradcheck', () => {
    const x = randn([2, 3, 4], { generator: new Generator(33), requiresGrad: true });
    gradcheck((v) => sum(v), [x]);
    gradcheck((v) => sum(v, [0, 2], true), [x]);
    gradcheck((v) => sum(v, -2), [x]);
  });

  it('method form; float64 accumulation', () => {
    expect(tensor([[1, 2], [3, 4]], { dtype: 'float32' }).sum(1).toArray()).toEqual([3, 7]);
    const big = tensor(new Float32Array(1 << 20).fill(0.1));
    expect(big.sum().item()).toBeCloseTo(Math.fround(0.1) * (1 << 20), 0);
  });

  it('errors name the op and the argument', () => {
    expect(() => sum(tensor([1, 2], { dtype: 'float32' }), 1)).toThrow(RangeError);
    expect(() => sum(tensor([1, 2], { dtype: 'float32' }), 1)).toThrow(/sum: dimension out of range/);
    expect(() => sum(tensor([[1, 2]], { dtype: 'float32' }), [0, -2])).toThrow(/sum: dim 0 appears multiple times in the list of dims/);
  });
});

describe('mean', () => {
  itMatchesPyTorch('mean', ([x], a) => mean(x, a.dim, a.keepdim ?? false));

  it('gradcheck', () => {
    const x = randn([3, 4], { generator: new Generator(34), requiresGrad: true });
    gradcheck((v) => mean(v), [x]);
    gradcheck((v) => mean(v, 0, true), [x]);
  });

  it('method form', () => {
    expect(tensor([[1, 2], [3, 5]], { dtype: 'float32' }).mean(0).toArray()).toEqual([2, 3.5]);
  });

  it('errors name the op and the argument', () => {
    expect(() => mean(tensor([1, 2], { dtype: 'int64' }))).toThrow(TypeError);
    expect(() => mean(tensor([1, 2], { dtype: 'int64' }))).toThrow(/mean: .*input dtype must be float32, got int64/);
    expect(() => mean(tensor([1, 2], { dtype: 'float32' }), -2)).toThrow(/mean: dimension out of range/);
  });
});
