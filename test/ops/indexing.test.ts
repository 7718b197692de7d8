import { describe, expect, it } from 'vitest';
import { index } from '../../src/ops/indexing.js';
import { randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('index', () => {
  itMatchesPyTorch('index', ([x, i]) => index(x, i));

  it('gradcheck: int rows with repeats, 2-D index, bool mask', () => {
    const x = randn([4, 3], { generator: new Generator(20), requiresGrad: true });
    gradcheck((v) => index(v, tensor([0, -1, 2, 0], { dtype: 'int64' })), [x]);
    gradcheck((v) => index(v, [[1, 1], [3, 0]]), [x]);
    gradcheck((v) => index(v, tensor([true, false, true, true])), [x]);
    gradcheck((v) => index(v, [[true, false, true], [false, false, false], [true, true, true], [false, true, false]]), [x]);
  });

  it('accepts arrays and a number (select), as a method', () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    expect(x.index([2, 0]).toArray()).toEqual([[5, 6], [1, 2]]);
    expect(x.index(-1).toArray()).toEqual([5, 6]);
    expect(x.index([true, false, true]).toArray()).toEqual([[1, 2], [5, 6]]);
  });

  it('repeated rows accumulate gradient', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.index([0, 0, 2, 0]).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([3, 0, 1]);
  });

  it('errors name the op and the argument', () => {
    const x = randn([3, 2]);
    expect(() => index(x, [3])).toThrow(RangeError);
    expect(() => index(x, [3])).toThrow(/index: index 3 in idx is out of bounds for dimension 0 with size 3/);
    expect(() => index(x, [-4])).toThrow(/index: index -4 in idx is out of bounds/);
    expect(() => index(x, tensor([0]))).toThrow(TypeError);
    expect(() => index(x, tensor([0]))).toThrow(/index: tensors used as indices \(idx\) must be int64 or bool, got float32/);
    expect(() => index(x, [0.5])).toThrow(/index: expected idx to hold integers or booleans/);
    expect(() => index(x, tensor([true, false]))).toThrow(/index: the shape of the mask idx \(2,\) does not match the shape of the indexed tensor \(3, 2\)/);
    expect(() => index(x, 'a' as never)).toThrow(/index: expected idx to be a Tensor, an array or an integer, got 'a'$/);
    expect(() => index(tensor(1), [0])).toThrow(/index: cannot index a 0-d tensor \(input\)/);
    expect(() => index(null as never, [0])).toThrow(/index: expected input to be a Tensor/);
  });
});
