/*
 * affineNormForward: layer / group normalisation over `rows` rows of d floats (src/backend/backend.ts
 * AffineNormParams). Per row, in float64: mean = sum x / d, rstd = 1 / sqrt(sum (x - mean)^2 / d + eps)
 * (two passes); y = (x - mean) * rstd * weight[k] + bias[k] rounded once, k = ((r % groups) * d + e) /
 * spatial; weight / bias == 0 (null) mean 1 / 0. mean and rstd are rows doubles each.
 * Exactly src/backend/ref/affine-norm.ts (same order of the float64 sums).
 * Aliasing: y, mean, rstd overlap nothing.
 */
// @ts-ignore: decorator
@inline function f(p: usize, i: i32): f64 {
  return <f64>load<f32>(p + (<usize>i << 2));
}

export function affineNormForward(
  x: usize, weight: usize, bias: usize, y: usize, mean: usize, rstd: usize, rows: i32, d: i32, groups: i32, spatial: i32, eps: f64,
): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>r * d) << 2);
    const yr = y + ((<usize>r * d) << 2);
    let s: f64 = 0;
    for (let e = 0; e < d; e++) s += f(xr, e);
    const m = d > 0 ? s / d : 0;
    let v: f64 = 0;
    for (let e = 0; e < d; e++) {
      const c = f(xr, e) - m;
      v += c * c;
    }
    const rs = 1 / Math.sqrt((d > 0 ? v / d : 0) + eps);
    store<f64>(mean + (<usize>r << 3), m);
    store<f64>(rstd + (<usize>r << 3), rs);
    const a0 = (r % groups) * d;
    for (let e = 0; e < d; e++) {
      const k = (a0 + e) / spatial;
      const w = weight != 0 ? f(weight, k) : 1;
      const b = bias != 0 ? f(bias, k) : 0;
      store<f32>(yr + (<usize>e << 2), <f32>((f(xr, e) - m) * rs * w + b));
    }
  }
}
