import type { Pool1dParams } from '../backend.js';

/*
 * Reference maxPool1d kernels over n * c rows of length l: window o of a row covers input positions
 * o * stride - padding + j * dilation for j < k; positions outside [0, l) are padding (-inf, never chosen).
 */

/**
 * y = the max of each window, idx = its offset j in the window. Ties keep the first maximum; a NaN wins
 * (the last NaN of a window: PyTorch's `v > max || isnan(v)`); -0 and +0 tie.
 */
export function maxPool1dForward(x: Float32Array, y: Float32Array, idx: Uint8Array | Int32Array, p: Pool1dParams): void {
  const { n, c, l, k, stride, padding, dilation, lOut } = p;
  for (let r = 0; r < n * c; r++) {
    for (let o = 0; o < lOut; o++) {
      let max = -Infinity;
      let arg = -1;
      for (let j = 0; j < k; j++) {
        const q = o * stride - padding + j * dilation;
        if (q < 0 || q >= l) continue;
        const v = x[r * l + q]!;
        if (arg < 0 || v > max || Number.isNaN(v)) {
          max = v;
          arg = j;
        }
      }
      y[r * lOut + o] = max;
      idx[r * lOut + o] = arg;
    }
  }
}

/** gx = 0, then gx[window start + idx * dilation] += gy for every output, in output order. */
export function maxPool1dBackward(gy: Float32Array, idx: Uint8Array | Int32Array, gx: Float32Array, p: Pool1dParams): void {
  const { n, c, l, stride, padding, dilation, lOut } = p;
  gx.fill(0, 0, n * c * l);
  for (let r = 0; r < n * c; r++) {
    for (let o = 0; o < lOut; o++) {
      const q = o * stride - padding + idx[r * lOut + o]! * dilation;
      if (q >= 0 && q < l) gx[r * l + q] += gy[r * lOut + o]!;
    }
  }
}
