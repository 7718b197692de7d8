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
