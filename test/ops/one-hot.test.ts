import { describe, expect, it } from 'vitest';
import { oneHot } from '../../src/ops/one-hot.js';
import { tensor } from '../../src/creation.js';
import { Tensor } from '../../src/tensor.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';

const long = (v: number[]) => tensor(v, { dtype: 'int64' });

describe('oneHot', () => {
  itMatchesPyTorch('oneHot', ([l], a) => oneHot(l, a.numClasses));

  it('int64 rows; empty labels with numClasses', () => {
    const r = oneHot(long([1, 0]), 3);
    expect(r.dtype).toBe('int64');
    expect(r.toArray()).toEqual([[0, 1, 0], [1, 0, 0]]);
    expect(oneHot(new Tensor(new Float64Array(0), [0], 'int64'), 4).shape).toEqual([0, 4]);
  });

  it('errors name the op and the argument', () => {
    expect(() => oneHot(long([0, 3]), 3)).toThrow(RangeError);
    expect(() => oneHot(long([0, 3]), 3)).toThrow(/oneHot: class values in labels must be smaller than numClasses \(3\), got 3/);
    expect(() => oneHot(long([0, -1]), 3)).toThrow(/oneHot: class values in labels must be non-negative, got -1/);
    expect(() => oneHot(tensor([0, 1], { dtype: 'float32' }), 3)).toThrow(TypeError);
    expect(() => oneHot(tensor([0, 1], { dtype: 'float32' }), 3)).toThrow(/oneHot: is only applicable to index tensors: expected labels of dtype int64, got float32/);
    expect(() => oneHot(long([0]), 2.5)).toThrow(/oneHot: expected numClasses to be an integer/);
    expect(() => oneHot(long([0]), -2)).toThrow(/oneHot: expected numClasses >= -1, got -2/);
    expect(() => oneHot(new Tensor(new Float64Array(0), [0], 'int64'))).toThrow(/oneHot: can not infer numClasses from empty labels/);
    expect(() => oneHot([0] as never)).toThrow(/oneHot: expected labels to be a Tensor/);
  });
});
