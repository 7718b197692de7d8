/**
 * A non-contiguous view with unit-stride rows is gathered row by row, by a plain loop below a row length
 * and by a typed-array copy from there on: both sides of that cut, and the int64 storage, give every
 * element from where the view says it is.
 */
import { describe, expect, it } from 'vitest';
import '../../src/ops/methods.js';
import { Tensor } from '../../src/tensor.js';

describe('gathering views with unit-stride rows', () => {
  for (const row of [1, 5, 32, 127, 128, 129, 300]) {
    it(`rows of ${row}`, () => {
      const [a, b] = [3, 2];
      const base = new Tensor(Float32Array.from({ length: a * b * row }, (_, i) => i + 0.5), [a, b, row]);
      const got = base.transpose(0, 1).data as Float32Array; // (b, a, row): rows of `row` at stride b * row
      const want = new Float32Array(a * b * row);
      for (let j = 0; j < b; j++) for (let i = 0; i < a; i++) for (let k = 0; k < row; k++) want[(j * a + i) * row + k] = (i * b + j) * row + k + 0.5;
      expect(Array.from(got)).toEqual(Array.from(want));
      const ints = new Tensor(Float64Array.from({ length: a * b * row }, (_, i) => i), [a, b, row], 'int64');
      expect(Array.from(ints.transpose(0, 1).data as Float64Array)).toEqual(Array.from(want, (v) => v - 0.5));
    });
  }
});

describe('gathering float32 views of 0 to 4 dims', () => {
  const base = new Tensor(Float32Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i), [2, 3, 4, 5]);
  /** The element of base at (a, b, c, d). */
  const at = (a: number, b: number, c: number, d: number) => ((a * 3 + b) * 4 + c) * 5 + d;

  it('a 4-D permute', () => {
    const got = Array.from(base.permute([3, 1, 0, 2]).data as Float32Array);
    const want: number[] = [];
    for (let d = 0; d < 5; d++) for (let b = 0; b < 3; b++) for (let a = 0; a < 2; a++) for (let c = 0; c < 4; c++) want.push(at(a, b, c, d));
    expect(got).toEqual(want);
  });

  it('a strided 1-D view, a 0-D select and an empty view', () => {
    const line = base.reshape([-1]).index({ start: 3, step: 7 });
    expect(Array.from(line.data as Float32Array)).toEqual(Array.from({ length: 17 }, (_, i) => 3 + 7 * i));
    expect(Array.from(base.select(0, 1).select(0, 2).select(0, 3).select(0, 4).data as Float32Array)).toEqual([at(1, 2, 3, 4)]);
    expect((base.transpose(0, 3).narrow(1, 0, 0).data as Float32Array).length).toBe(0);
  });
});
