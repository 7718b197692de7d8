/** Reference columnSum: each column of a (rows, cols) matrix summed in float64 in row order, rounded once. */
import type { ColumnSumParams } from '../backend.js';

/** out[j] = sum over r of x[r * cols + j] (float64 from +0, rows in order, one float32 rounding). */
export function columnSum(x: Float32Array, out: Float32Array, p: ColumnSumParams): void {
  const { rows, cols } = p;
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) acc[j] += x[o + j]!;
  }
  out.set(acc);
}
