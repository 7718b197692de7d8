import { describe, expect, it } from 'vitest';
import { indexSelect } from '../../src/ops/index-select.js';
import { randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import { gradBuffer, releaseGrad } from '../../src/util/grad-pool.js';
import '../../src/ops/methods.js';

const long = (v: number[] | number[][]) => tensor(v, { dtype: 'int64' });

describe('indexSelect', () => {
  itMatchesPyTorch('indexSelect', ([x, i], a) => indexSelect(x, a.dim, i));

  it('gradcheck', () => {
    const x = randn([3, 4], { generator: new Generator(21), requiresGrad: true });
    gradcheck((v) => indexSelect(v, 1, long([3, 0, 3])), [x]);
    gradcheck((v) => indexSelect(v, 0, long([2])), [x]);
  });

  it('backward: permutations copied, repeats summed in index order, unselected zero, over recycled storage', () => {
    const [outer, size, inner] = [2, 8, 70]; // 1120 elements: pooled gradient storage
    const gen = new Generator(5);
    for (const index of [[7, 6, 5, 4, 3, 2, 1, 0], [3, 0, 3, 3, 5], [2]]) {
      // Leave garbage in the pool's free list of the gradient's length: a skipped zeroing would show.
      const junk = gradBuffer(outer * size * inner);
      junk.fill(Number.NaN);
      releaseGrad(junk);
      const x = randn([outer, size, inner], { generator: gen, requiresGrad: true });
      const gy = randn([outer, index.length, inner], { generator: gen });
      indexSelect(x, 1, long(index)).backward(gy);
      const want = new Float32Array(outer * size * inner);
      const gd = gy.data as Float32Array;
      for (let o = 0; o < outer; o++) {
        index.forEach((p, j) => {
          for (let i = 0; i < inner; i++) want[(o * size + p) * inner + i] += gd[(o * index.length + j) * inner + i]!;
        });
      }
      expect(Array.from(x.grad!.data as Float32Array)).toEqual(Array.from(want));
    }
    // A -0 gradient lands as 0 + -0 = +0, as PyTorch's index_add into zeros gives.
    const x = randn([2, 3], { generator: gen, requiresGrad: true });
    indexSelect(x, 0, long([1, 0])).backward(tensor([[-0, 1, -0], [2, -0, 3]], { dtype: 'float32' }));
    expect(Array.from(x.grad!.data as Float32Array).map((v) => Object.is(v, -0))).toEqual([false, false, false, false, false, false]);
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
