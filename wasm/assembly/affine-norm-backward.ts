/*
 * affineNormBackward: gradients of affineNormForward. With xhat = (x - mean) * rstd and gh = gy * weight[k]
 * (float64): gx = rstd * (gh - mean_row(gh) - xhat * mean_row(gh * xhat)); gw[k] = sum gy * xhat and
 * gb[k] = sum gy over every element using parameter k. gx, gw, gb are written only when not 0 (null).
 * Exactly src/backend/ref/affine-norm.ts (same order of the float64 sums).
 * Workspace: ws holds the float64 sums of gw then gb, 2 * groups * (d / spatial) doubles (affineNormBackwardWorkspace).
 * Aliasing: gx, gw, gb overlap nothing.
 */
// @ts-ignore: decorator
@inline function f(p: usize, i: i32): f64 {
  return <f64>load<f32>(p + (<usize>i << 2));
}

export function affineNormBackward(
  gy: usize, x: usize, weight: usize, mean: usize, rstd: usize, gx: usize, gw: usize, gb: usize, ws: usize,
  rows: i32, d: i32, groups: i32, spatial: i32, eps: f64,
): void {
  const nAff = groups * (d / spatial);
  const accW = ws;
  const accB = ws + (<usize>nAff << 3);
  memory.fill(ws, 0, <usize>nAff << 4);
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r * d) << 2;
    const m = load<f64>(mean + (<usize>r << 3));
    const rs = load<f64>(rstd + (<usize>r << 3));
    const a0 = (r % groups) * d;
    let sumGh: f64 = 0;
    let sumGhH: f64 = 0;
    for (let e = 0; e < d; e++) {
      const k = (a0 + e) / spatial;
      const h = (f(x + off, e) - m) * rs;
      const g = f(gy + off, e);
      const gh = g * (weight != 0 ? f(weight, k) : 1);
      sumGh += gh;
      sumGhH += gh * h;
      const kw = accW + (<usize>k << 3);
      const kb = accB + (<usize>k << 3);
      store<f64>(kw, load<f64>(kw) + g * h);
      store<f64>(kb, load<f64>(kb) + g);
    }
    if (gx == 0) continue;
    const mGh = sumGh / d;
    const mGhH = sumGhH / d;
    for (let e = 0; e < d; e++) {
      const k = (a0 + e) / spatial;
      const h = (f(x + off, e) - m) * rs;
      const gh = f(gy + off, e) * (weight != 0 ? f(weight, k) : 1);
      store<f32>(gx + off + (<usize>e << 2), <f32>(rs * (gh - mGh - h * mGhH)));
    }
  }
  for (let k = 0; k < nAff; k++) {
    if (gw != 0) store<f32>(gw + (<usize>k << 2), <f32>load<f64>(accW + (<usize>k << 3)));
    if (gb != 0) store<f32>(gb + (<usize>k << 2), <f32>load<f64>(accB + (<usize>k << 3)));
  }
}
