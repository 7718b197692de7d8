import type { BatchNormParams } from '../backend.js';
import { reluForward } from './relu.js';

/*
 * The wasm backend's batchNorm kernels in TypeScript (the naive spec is src/backend/ref/batch-norm.ts), over x (n, c, inner): channel ch is the runs [b * c * inner + ch * inner,
 * + inner) for b < n. Every sum is float64 with two accumulators per sum (shorter float dependency
 * chains); the per-element results are float64, rounded once.
 */

/** y = x * scale + shift per channel, then relu if p.relu; in training, first mean / invstd from the batch. */
export function batchNormForward(
  x: Float32Array, weight: Float32Array | null, bias: Float32Array | null,
  mean: Float64Array, invstd: Float64Array, y: Float32Array, p: BatchNormParams,
): void {
  const { n, c, inner, training, eps, relu } = p;
  const rowStride = c * inner;
  if (training) {
    const count = n * inner;
    for (let ch = 0; ch < c; ch++) {
      // One pass: sums of x - shift and of its square, shifted by the channel's first value so the
      // variance does not cancel when |mean| >> std.
      const shift = x[ch * inner];
      let s = 0;
      let q = 0;
      for (let b = 0, o = ch * inner; b < n; b++, o += rowStride) {
        const sq = channelSums(x, o, o + inner, shift);
        s += sq[0];
        q += sq[1];
      }
      const v = Math.max(q - (s * s) / count, 0); // sum of squared deviations
      mean[ch] = shift + s / count;
      invstd[ch] = 1 / Math.sqrt(v / count + eps);
    }
  }
  for (let ch = 0; ch < c; ch++) {
    const scale = invstd[ch] * (weight ? weight[ch] : 1);
    const shift = (bias ? bias[ch] : 0) - mean[ch] * scale;
    for (let b = 0, o = ch * inner; b < n; b++, o += rowStride) affine(x, y, o, o + inner, scale, shift);
  }
  if (relu) reluForward(y, y);
}

/** gx / gw / gb of batchNormForward (each skipped when null); gx may be gy itself. */
export function batchNormBackward(
  gy: Float32Array, x: Float32Array, weight: Float32Array | null, mean: Float64Array, invstd: Float64Array,
  gx: Float32Array | null, gw: Float32Array | null, gb: Float32Array | null, p: BatchNormParams,
): void {
  const { n, c, inner, training } = p;
  const rowStride = c * inner;
  const count = n * inner;
  for (let ch = 0; ch < c; ch++) {
    const m = mean[ch];
    let sum = 0;
    let dot = 0;
    for (let b = 0, o = ch * inner; b < n; b++, o += rowStride) {
      const sd = gradSums(gy, x, o, o + inner, m);
      sum += sd[0];
      dot += sd[1];
    }
    const is = invstd[ch];
    if (gw) gw[ch] = dot * is;
    if (gb) gb[ch] = sum;
    if (!gx) continue;
    const s = is * (weight ? weight[ch] : 1);
    if (training) {
      const k = (dot * is * is) / count;
      const gm = sum / count;
      for (let b = 0, o = ch * inner; b < n; b++, o += rowStride) gradInput(gy, x, gx, o, o + inner, m, k, gm, s);
    } else {
      for (let b = 0, o = ch * inner; b < n; b++, o += rowStride) scaleInto(gy, gx, o, o + inner, s);
    }
  }
}

const pair = new Float64Array(2);

/** [sum (x - shift), sum (x - shift)^2] over xd[p..e), in `pair` (read it before the next call). */
function channelSums(xd: Float32Array, p: number, e: number, shift: number): Float64Array {
  let s0 = 0;
  let s1 = 0;
  let q0 = 0;
  let q1 = 0;
  for (; p + 1 < e; p += 2) {
    const d0 = xd[p] - shift;
    const d1 = xd[p + 1] - shift;
    s0 += d0;
    q0 += d0 * d0;
    s1 += d1;
    q1 += d1 * d1;
  }
  if (p < e) {
    const d = xd[p] - shift;
    s0 += d;
    q0 += d * d;
  }
  pair[0] = s0 + s1;
  pair[1] = q0 + q1;
  return pair;
}

/** [sum g, sum g * (x - m)] over [p, e), in `pair` (read it before the next call). */
function gradSums(gd: Float32Array, xd: Float32Array, p: number, e: number, m: number): Float64Array {
  let s0 = 0;
  let s1 = 0;
  let d0 = 0;
  let d1 = 0;
  for (; p + 1 < e; p += 2) {
    const g0 = gd[p];
    const g1 = gd[p + 1];
    s0 += g0;
    d0 += g0 * (xd[p] - m);
    s1 += g1;
    d1 += g1 * (xd[p + 1] - m);
  }
  if (p < e) {
    s0 += gd[p];
    d0 += gd[p] * (xd[p] - m);
  }
  pair[0] = s0 + s1;
  pair[1] = d0 + d1;
  return pair;
}

/** y = x * scale + shift over [p, e). */
function affine(xd: Float32Array, y: Float32Array, p: number, e: number, scale: number, shift: number): void {
  for (; p < e; p++) y[p] = xd[p] * scale + shift;
}

/** gx = (g - (x - m) * k - gm) * s over [p, e). */
function gradInput(gd: Float32Array, xd: Float32Array, gx: Float32Array, p: number, e: number, m: number, k: number, gm: number, s: number): void {
  for (; p < e; p++) gx[p] = (gd[p] - (xd[p] - m) * k - gm) * s;
}

/** gx = g * s over [p, e). */
function scaleInto(gd: Float32Array, gx: Float32Array, p: number, e: number, s: number): void {
  for (; p < e; p++) gx[p] = gd[p] * s;
}
