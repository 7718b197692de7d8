import type { BatchNormParams } from '../backend.js';

/*
 * Reference batchNorm kernels over x (n, c, inner): element (b, ch, i) is at (b * c + ch) * inner + i.
 * Sums are float64; per-element results are computed in float64 and rounded once to float32.
 */

/** y = x * scale + shift per channel (then relu if p.relu); in training, first mean / invstd from the batch. */
export function batchNormForward(
  x: Float32Array, weight: Float32Array | null, bias: Float32Array | null,
  mean: Float64Array, invstd: Float64Array, y: Float32Array, p: BatchNormParams,
): void {
  const { n, c, inner, training, eps, relu } = p;
  const at = (b: number, ch: number, i: number) => (b * c + ch) * inner + i;
  for (let ch = 0; ch < c; ch++) {
    if (training) {
      // Sums of x - shift and its square, shifted by the channel's first value so the variance does not
      // cancel when |mean| >> std.
      const count = n * inner;
      const shift = x[at(0, ch, 0)]!;
      let s = 0;
      let q = 0;
      for (let b = 0; b < n; b++) {
        for (let i = 0; i < inner; i++) {
          const d = x[at(b, ch, i)]! - shift;
          s += d;
          q += d * d;
        }
      }
      mean[ch] = shift + s / count;
      invstd[ch] = 1 / Math.sqrt(Math.max(q - (s * s) / count, 0) / count + eps);
    }
    const scale = invstd[ch]! * (weight ? weight[ch]! : 1);
    const shift = (bias ? bias[ch]! : 0) - mean[ch]! * scale;
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < inner; i++) {
        const v = Math.fround(x[at(b, ch, i)]! * scale + shift);
        y[at(b, ch, i)] = relu && v < 0 ? 0 : v; // relu of the float32 result, as reluForward
      }
    }
  }
}

/** gx / gw / gb of batchNormForward (each skipped when null); gx may be gy itself. */
export function batchNormBackward(
  gy: Float32Array, x: Float32Array, weight: Float32Array | null, mean: Float64Array, invstd: Float64Array,
  gx: Float32Array | null, gw: Float32Array | null, gb: Float32Array | null, p: BatchNormParams,
): void {
  const { n, c, inner, training } = p;
  const at = (b: number, ch: number, i: number) => (b * c + ch) * inner + i;
  const count = n * inner;
  for (let ch = 0; ch < c; ch++) {
    const m = mean[ch]!;
    const is = invstd[ch]!;
    let sum = 0;
    let dot = 0;
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < inner; i++) {
        const g = gy[at(b, ch, i)]!;
        sum += g;
        dot += g * (x[at(b, ch, i)]! - m);
      }
    }
    if (gw) gw[ch] = dot * is;
    if (gb) gb[ch] = sum;
    if (!gx) continue;
    const s = is * (weight ? weight[ch]! : 1);
    const k = training ? (dot * is * is) / count : 0;
    const gm = training ? sum / count : 0;
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < inner; i++) {
        const o = at(b, ch, i);
        gx[o] = training ? (gy[o]! - (x[o]! - m) * k - gm) * s : gy[o]! * s;
      }
    }
  }
}
