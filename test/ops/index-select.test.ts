import { describe, expect, it } from 'vitest';
import { indexSelect } from '../../src/ops/index-select.js';
import { randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

const long = (v: number[] | number[][]) => tensor(v, { dtype: 'int64' });

describe('indexSelect', () => {
  itMatchesPyTorch('indexSelect', ([x, i], a) => indexSelect(x, a.dim, i));

  it('gradcheck', () => {
    const x = randn([3, 4], { generator: new Generator(21), requiresGrad: true });
    gradcheck((v) => indexSelect(v, 1, long([3, 0, 3])), [x]);
    gradcheck((v) => indexSelect(v, 0, long([2])), [x]);
  });

  it('method form', () => {
    expect(tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' }).indexSelect(1, long([2, 0])).toArray()).toEqual([[3, 1], [6, 4]]);
  });

  it('errors name the op and the argument', () => {
    const x = randn([3, 4]);
    expect(() => indexSelect(x, 0, long([3]))).toThrow(RangeError);
    expect(() => indexSelect(x, 0, long([3]))).toThrow(/indexSelect: index 3 is out of range for dimension 0 of input with size 3/);
    expect(() => indexSelect(x, 0, long([-1]))).toThrow(/indexSelect: index -1 is out of range/);
    expect(() => indexSelect(x, 0, long([[1]]))).toThrow(/indexSelect: index is supposed to be a vector, got index of shape \(1, 1\)/);
    expect(() => indexSelect(x, 0, tensor([1], { dtype: 'float32' }))).toThrow(TypeError);
    expect(() => indexSelect(x, 0, tensor([1], { dtype: 'float32' }))).toThrow(/indexSelect: expected index of dtype int64, got float32/);
    expect(() => indexSelect(x, 2, long([0]))).toThrow(/indexSelect: dim out of range/);
    expect(() => indexSelect(x, 0, [0] as never)).toThrow(/indexSelect: expected index to be a Tensor, got an array/);
  });
});
