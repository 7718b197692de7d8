/**
 * Reference softmax kernels over contiguous rows (the last dim): plain loops in float64, each output rounded
 * to float32 once per store. These are the loops src/ops/softmax.ts ran before the kernel existed, so the
 * PyTorch fixtures of softmax, attention and the transformer layers check them unchanged.
 */
import type { SoftmaxParams } from '../backend.js';

/**
 * y = softmax(z) per row, z = x + mask row r % maskRows (the sum rounded to float32, as a separate add
 * would) or x alone. m = max z (NaN if any is NaN); e = exp(z - m) stored, s = sum e; y = e / s.
 * y may be x itself: each element is read before it is written.
 */
export function softmaxForward(x: Float32Array, mask: Float32Array | null, y: Float32Array, p: SoftmaxParams): void {
  const { rows, d, maskRows } = p;
  for (let r = 0; r < rows; r++) {
    const base = r * d;
    const mb = (r % maskRows) * d;
    const z = (e: number) => (mask === null ? x[base + e]! : Math.fround(x[base + e]! + mask[mb + e]!));
    let m = -Infinity;
    for (let e = 0; e < d; e++) {
      const v = z(e);
      if (v > m || v !== v) m = v;
    }
    let s = 0;
    for (let e = 0; e < d; e++) {
      const ex = Math.exp(z(e) - m);
      y[base + e] = ex;
      s += ex;
    }
    const inv = 1 / s;
    for (let e = 0; e < d; e++) y[base + e] *= inv;
  }
}

/** gx = y * (gy - dot) per row, dot = sum gy * y (float64). gx may be gy itself (dot is taken first). */
export function softmaxBackward(y: Float32Array, gy: Float32Array, gx: Float32Array, p: SoftmaxParams): void {
  const { rows, d } = p;
  for (let r = 0; r < rows; r++) {
    const base = r * d;
    let dot = 0;
    for (let e = 0; e < d; e++) dot += gy[base + e]! * y[base + e]!;
    for (let e = 0; e < d; e++) gx[base + e] = y[base + e]! * (gy[base + e]! - dot);
  }
}
