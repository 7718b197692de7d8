/*
 * batchNormForward: y (n, c, inner) = (x - mean) * invstd * weight + bias per channel, computed in float64
 * as x * scale + shift (scale = invstd * weight, shift = bias - mean * scale) and rounded once to float32;
 * weight / bias == 0 (null) mean 1 / 0. relu != 0: y = relu of that (`v < 0 ? +0 : v` on the float32,
 * f32x4.pmax with 0). training != 0: first mean = the batch mean and invstd = 1 / sqrt(biased batch
 * variance + eps) of each channel into mean / invstd (c doubles each), from float64 sums of x - x[first of
 * the channel] and of its square (shifted so the variance does not cancel when |mean| >> std); needs
 * n * inner >= 1. Otherwise mean and invstd are read. Exactly src/backend/ref/batch-norm.ts up to the
 * order of the float64 sums (f64x2 lanes here).
 * Layout: channel ch is the rows x[(b * c + ch) * inner .. + inner) for b < n.
 * Aliasing: y overlaps nothing.
 */
import { at, channelSums, load2, round4, sumA, sumAB } from './batch-norm';

/** The batch mean and invstd of channel ch into mean[ch] / invstd[ch], from the sums of x - shift and its square. */
function channelStats(x: usize, n: i32, c: i32, inner: i32, ch: i32, eps: f64, mean: usize, invstd: usize): void {
  const shift = at(x + ((<usize>ch * inner) << 2), 0);
  channelSums(true, x, shift, 0, 0, n, c, inner, ch);
  const count = <f64>n * inner;
  const v = max(sumAB - (sumA * sumA) / count, 0); // sum of squared deviations
  store<f64>(mean + (<usize>ch << 3), shift + sumA / count);
  store<f64>(invstd + (<usize>ch << 3), 1 / Math.sqrt(v / count + eps));
}

/** y = x * scale + shift over one row of inner floats (then relu), in float64, rounded once. */
// @ts-ignore: decorator
@inline function affineRow(xr: usize, yr: usize, inner: i32, scale: f64, shift: f64, relu: bool): void {
  const vScale = f64x2.splat(scale);
  const vShift = f64x2.splat(shift);
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= inner; i += 4) {
    const o = <usize>i << 2;
    const lo = f64x2.add(f64x2.mul(load2(xr + o, 0), vScale), vShift);
    const hi = f64x2.add(f64x2.mul(load2(xr + o, 8), vScale), vShift);
    const v = round4(lo, hi);
    v128.store(yr + o, relu ? f32x4.pmax(v, zero) : v);
  }
  for (; i < inner; i++) {
    const v = <f32>(at(xr, i) * scale + shift);
    store<f32>(yr + (<usize>i << 2), relu && v < 0 ? 0 : v);
  }
}

export function batchNormForward(
  x: usize, weight: usize, bias: usize, mean: usize, invstd: usize, y: usize,
  n: i32, c: i32, inner: i32, training: i32, eps: f64, relu: i32,
): void {
  const row = (<usize>c * inner) << 2;
  for (let ch = 0; ch < c; ch++) {
    if (training) channelStats(x, n, c, inner, ch, eps, mean, invstd);
    const scale = load<f64>(invstd + (<usize>ch << 3)) * (weight != 0 ? <f64>load<f32>(weight + (<usize>ch << 2)) : 1);
    const shift = (bias != 0 ? <f64>load<f32>(bias + (<usize>ch << 2)) : 0) - load<f64>(mean + (<usize>ch << 3)) * scale;
    const off = (<usize>ch * inner) << 2;
    for (let b = 0; b < n; b++) {
      const r = <usize>b * row + off;
      if (relu) affineRow(x + r, y + r, inner, scale, shift, true);
      else affineRow(x + r, y + r, inner, scale, shift, false);
    }
  }
}
