import { describe, expect, it } from 'vitest';
import { permute } from '../../src/ops/permute.js';
import { tensor, randn, arange } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('permute', () => {
  itMatchesPyTorch('permute', ([x], a) => permute(x, a.dims));

  it('gradcheck', () => {
    const x = randn([2, 3, 4], { generator: new Generator(14), requiresGrad: true });
    gradcheck((v) => permute(v, [2, 0, 1]), [x]);
    gradcheck((v) => permute(v, [-2, -1, 0]), [x]);
  });

  it('method form takes varargs or an array; inverse permutation restores', () => {
    const x = arange(24).reshape(2, 3, 4);
    expect(x.permute(1, 2, 0).shape).toEqual([3, 4, 2]);
    expect(x.permute([1, 2, 0]).permute(2, 0, 1).toArray()).toEqual(x.toArray());
    // the identity permutation is a view over the same storage (contiguous, so data is that storage)
    expect(x.permute(0, 1, 2).data).toBe(x.data);
    expect(tensor([[1, 2], [3, 4]], { dtype: 'float32' }).permute(1, 0).toArray()).toEqual([[1, 3], [2, 4]]);
  });

  it('errors name the op and the argument', () => {
    const x = randn([2, 3]);
    expect(() => permute(x, [0])).toThrow(RangeError);
    expect(() => permute(x, [0])).toThrow(/permute: number of dims don't match.*input has 2 dims/);
    expect(() => permute(x, [0, 0])).toThrow(/permute: repeated dim 0 in dims/);
    expect(() => permute(x, [0, 2])).toThrow(/permute: dims out of range/);
    expect(() => permute(x, 1 as never)).toThrow(TypeError);
    expect(() => permute(x, [0, 1.5])).toThrow(/permute: expected dims to be an integer/);
  });
});
