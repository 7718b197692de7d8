import { describe, expect, it } from 'vitest';
import { split } from '../../src/ops/split.js';
import { arange, randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { Tensor } from '../../src/tensor.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('split', () => {
  itMatchesPyTorch('split', ([x], a) => split(x, a.splitSize, a.dim));

  it('gradcheck over all pieces', () => {
    const x = randn([5, 3], { generator: new Generator(16), requiresGrad: true });
    gradcheck((v) => split(v, 2), [x]);
    gradcheck((v) => split(v, [1, 2], -1), [x]);
  });

  it('method form; a piece not used gets zero gradient', () => {
    expect(arange(5).split(2).map((p) => p.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    const x = tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
    x.split([2, 1])[1].sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 1]);
    expect(split(new Tensor(new Float32Array(0), [0]), 0).length).toBe(1);
  });

  it('errors name the op and the argument', () => {
    const x = arange(5);
    expect(() => split(x, [2, 2])).toThrow(RangeError);
    expect(() => split(x, [2, 2])).toThrow(/split: expected splitSize to sum exactly to 5.*splitSize=\[2, 2\]/);
    expect(() => split(x, [2, -1, 4])).toThrow(/split: expected splitSize\[1\] >= 0, got -1/);
    expect(() => split(x, 0)).toThrow(/split: splitSize can only be 0 if dimension size is 0/);
    expect(() => split(x, 1.5)).toThrow(TypeError);
    expect(() => split(x, 'a' as never)).toThrow(/split: expected splitSize to be an integer or an array/);
    expect(() => split(x, 2, 1)).toThrow(/split: dim out of range/);
    expect(() => split(tensor(1, { dtype: 'float32' }), 1)).toThrow(/split: expected a tensor with at least 1 dimension/);
  });
});
