import { describe, expect, it } from 'vitest';
import { reshape, flatten, squeeze, unsqueeze } from '../../src/ops/reshape.js';
import { arange, randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('reshape family', () => {
  itMatchesPyTorch('reshape', ([x], a) => reshape(x, a.shape));
  itMatchesPyTorch('flatten', ([x], a) => flatten(x, a.startDim, a.endDim));
  itMatchesPyTorch('squeeze', ([x], a) => squeeze(x, a.dim));
  itMatchesPyTorch('unsqueeze', ([x], a) => unsqueeze(x, a.dim));

  it('gradcheck', () => {
    const x = randn([2, 1, 3], { generator: new Generator(36), requiresGrad: true });
    gradcheck((v) => reshape(v, [3, -1]), [x]);
    gradcheck((v) => flatten(v, 1), [x]);
    gradcheck((v) => squeeze(v), [x]);
    gradcheck((v) => unsqueeze(v, -1), [x]);
  });

  it('share storage, method forms (view, varargs)', () => {
    const x = arange(6);
    const y = x.view(2, 3);
    expect(y.data).toBe(x.data);
    expect(x.reshape([3, 2]).shape).toEqual([3, 2]);
    expect(y.flatten().shape).toEqual([6]);
    expect(y.unsqueeze(1).squeeze(1).shape).toEqual([2, 3]);
  });

  it('errors name the op and the argument', () => {
    const x = arange(6);
    expect(() => reshape(x, [4, -1])).toThrow(RangeError);
    expect(() => reshape(x, [4, -1])).toThrow(/reshape: shape \(4, -1\) is invalid for input of size 6/);
    expect(() => reshape(x, [-1, -1])).toThrow(/reshape: only one dimension can be inferred/);
    expect(() => reshape(x, [2, -2])).toThrow(/reshape: invalid shape dimension -2/);
    expect(() => flatten(randn([2, 3, 4]), 2, 1)).toThrow(/flatten: startDim \(2\) cannot come after endDim \(1\)/);
    expect(() => flatten(randn([2, 3]), 2)).toThrow(/flatten: dimension out of range/);
    expect(() => squeeze(randn([2, 3]), 2)).toThrow(/squeeze: dimension out of range/);
    expect(() => unsqueeze(randn([2, 3]), 3)).toThrow(/unsqueeze: dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)/);
    expect(() => tensor([1], { dtype: 'float32' }).view(2)).toThrow(/view: shape \(2,\) is invalid for input of size 1/);
  });
});
