import { describe, expect, it } from 'vitest';
import { stridedIndex } from '../../src/ops/strided-index.js';
import { broadcastIndex } from '../../src/ops/broadcast.js';
import { planReduce } from '../../src/ops/reduction.js';
import { zeros } from '../../src/creation.js';

describe('stridedIndex', () => {
  it('row-major strides give the identity', () => {
    expect(Array.from(stridedIndex([2, 3], [3, 1]))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('swapped strides walk the transpose', () => {
    expect(Array.from(stridedIndex([3, 2], [1, 3]))).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('a zero stride repeats along that dim', () => {
    expect(Array.from(stridedIndex([2, 3], [0, 1]))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(Array.from(stridedIndex([2, 1, 3], [1, 0, 0]))).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('0-d gives one index, an empty dim none', () => {
    expect(Array.from(stridedIndex([], []))).toEqual([0]);
    expect(Array.from(stridedIndex([2, 0, 3], [3, 3, 1]))).toEqual([]);
  });

  it('serves broadcastIndex and planReduce', () => {
    expect(Array.from(broadcastIndex([3, 1], [2, 3, 2])!)).toEqual([0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2]);
    expect(Array.from(planReduce('sum', zeros([2, 3, 2]), 1, false).outIndex)).toEqual([0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3]);
  });
});
