import { describe, expect, it } from 'vitest';
import { cat } from '../../src/ops/cat.js';
import { tensor, randn, zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';

describe('cat', () => {
  itMatchesPyTorchNn('cat', (ins, a) => cat(ins, a.dim));

  it('gradcheck over three inputs', () => {
    const g = new Generator(11);
    const ts = [randn([2, 1, 3], { generator: g }), randn([2, 2, 3], { generator: g }), randn([2, 3, 3], { generator: g })].map((t) => t.requiresGrad_());
    gradcheck((a, b, c) => cat([a, b, c], 1), ts);
  });

  it('mixed dtypes promote; bool + int64 gives int64', () => {
    const r = cat([tensor([1, 2], { dtype: 'int64' }), tensor([0.5])]);
    expect(r.dtype).toBe('float32');
    expect(Array.from(r.data)).toEqual([1, 2, 0.5]);
    const ri = cat([tensor([true, false]), tensor([3], { dtype: 'int64' })]);
    expect(ri.dtype).toBe('int64');
    expect(Array.from(ri.data)).toEqual([1, 0, 3]);
  });

  it('errors name the op, the argument, expected and actual', () => {
    expect(() => cat([])).toThrow(/cat: expected a non-empty list of Tensors/);
    expect(() => cat([zeros([2, 3]), zeros([3, 3])], 1)).toThrow(RangeError);
    expect(() => cat([zeros([2, 3]), zeros([3, 3])], 1)).toThrow(
      /cat: sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 for tensor number 1 in the list \(shapes \(2, 3\) and \(3, 3\)\)/,
    );
    expect(() => cat([zeros([2, 3]), zeros([3])])).toThrow(/cat: tensors must have same number of dimensions: got 2 and 1/);
    expect(() => cat([zeros([2]), zeros([])])).toThrow(/cat: zero-dimensional tensor \(at position 1\) cannot be concatenated/);
    expect(() => cat([zeros([2])], 1)).toThrow(/cat: dimension out of range/);
    expect(() => cat(zeros([2]) as never)).toThrow(TypeError);
    expect(() => cat([zeros([2]), 3 as never])).toThrow(/cat: expected a Tensor at position 1, got 3$/);
  });
});
