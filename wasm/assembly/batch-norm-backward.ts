/*
 * batchNormBackward: per channel (float64 sums) sum = sum gy, dot = sum gy * (x - mean); gw = dot * invstd,
 * gb = sum (each written only when its pointer is not 0); gx (when not 0) = training
 * ? (gy - (x - mean) * dot * invstd^2 / count - sum / count) * invstd * weight : gy * invstd * weight,
 * count = n * inner, weight == 0 (null) meaning 1; every element computed in float64 and rounded once.
 * Exactly src/backend/ref/batch-norm.ts up to the order of the float64 sums (f64x2 lanes here).
 * Layout: channel ch is the rows [(b * c + ch) * inner, + inner) for b < n of gy, x and gx.
 * Aliasing: gx may be gy itself (a channel's sums are taken before its gx is written); nothing else overlaps.
 */
import { at, channelSums, load2, round4, sumA, sumAB } from './batch-norm';

export function batchNormBackward(
  gy: usize, x: usize, weight: usize, mean: usize, invstd: usize, gx: usize, gw: usize, gb: usize,
  n: i32, c: i32, inner: i32, training: i32, eps: f64, relu: i32,
): void {
  const row = (<usize>c * inner) << 2;
  const count = <f64>n * inner;
  for (let ch = 0; ch < c; ch++) {
    const m = load<f64>(mean + (<usize>ch << 3));
    const vm = f64x2.splat(m);
    const off = (<usize>ch * inner) << 2;
    channelSums(false, gy, 0, x, m, n, c, inner, ch);
    const sum = sumA;
    const dot = sumAB;
    const is = load<f64>(invstd + (<usize>ch << 3));
    if (gw != 0) store<f32>(gw + (<usize>ch << 2), <f32>(dot * is));
    if (gb != 0) store<f32>(gb + (<usize>ch << 2), <f32>sum);
    if (gx == 0) continue;
    const s = is * (weight != 0 ? <f64>load<f32>(weight + (<usize>ch << 2)) : 1);
    const k = training ? (dot * is * is) / count : 0;
    const gm = training ? sum / count : 0;
    const vk = f64x2.splat(k);
    const vgm = f64x2.splat(gm);
    const vs = f64x2.splat(s);
    for (let b = 0; b < n; b++) {
      const g = gy + <usize>b * row + off;
      const xr = x + <usize>b * row + off;
      const out = gx + <usize>b * row + off;
      let i = 0;
      if (training) {
        for (; i + 4 <= inner; i += 4) {
          const o = <usize>i << 2;
          const lo = f64x2.mul(f64x2.sub(f64x2.sub(load2(g + o, 0), f64x2.mul(f64x2.sub(load2(xr + o, 0), vm), vk)), vgm), vs);
          const hi = f64x2.mul(f64x2.sub(f64x2.sub(load2(g + o, 8), f64x2.mul(f64x2.sub(load2(xr + o, 8), vm), vk)), vgm), vs);
          v128.store(out + o, round4(lo, hi));
        }
        for (; i < inner; i++) store<f32>(out + (<usize>i << 2), <f32>((at(g, i) - (at(xr, i) - m) * k - gm) * s));
      } else {
        for (; i + 4 <= inner; i += 4) {
          const o = <usize>i << 2;
          v128.store(out + o, round4(f64x2.mul(load2(g + o, 0), vs), f64x2.mul(load2(g + o, 8), vs)));
        }
        for (; i < inner; i++) store<f32>(out + (<usize>i << 2), <f32>(at(g, i) * s));
      }
    }
  }
}
