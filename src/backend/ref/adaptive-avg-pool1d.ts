import type { AdaptivePool1dParams } from '../backend.js';

/*
 * Reference adaptive average pooling over rows of length l: window o covers input positions
 * [floor(o * l / lOut), ceil((o + 1) * l / lOut)), so neighbouring windows overlap when lOut does not divide l.
 */

/** First position of window o. */
export function windowStart(o: number, l: number, lOut: number): number {
  return Math.floor((o * l) / lOut);
}

/** One past the last position of window o. */
export function windowEnd(o: number, l: number, lOut: number): number {
  return Math.ceil(((o + 1) * l) / lOut);
}

/** y = the window's values summed in float64 in input order, divided by its length, rounded once. */
export function adaptiveAvgPool1dForward(x: Float32Array, y: Float32Array, p: AdaptivePool1dParams): void {
  const { rows, l, lOut } = p;
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < lOut; o++) {
      const lo = windowStart(o, l, lOut);
      const hi = windowEnd(o, l, lOut);
      let s = 0;
      for (let q = lo; q < hi; q++) s += x[r * l + q]!;
      y[r * lOut + o] = s / (hi - lo);
    }
  }
}

/** gx = +0, then for every window in order and every position q in it: gx[q] = fround(gx[q] + gy / length). */
export function adaptiveAvgPool1dBackward(gy: Float32Array, gx: Float32Array, p: AdaptivePool1dParams): void {
  const { rows, l, lOut } = p;
  gx.fill(0, 0, rows * l);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < lOut; o++) {
      const lo = windowStart(o, l, lOut);
      const hi = windowEnd(o, l, lOut);
      const v = gy[r * lOut + o]! / (hi - lo);
      for (let q = lo; q < hi; q++) gx[r * l + q] += v;
    }
  }
}
