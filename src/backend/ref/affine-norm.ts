import type { AffineNormParams } from '../backend.js';

/** The affine index of element e of row r (see AffineNormParams). */
function affineIndex(r: number, e: number, p: AffineNormParams): number {
  return Math.floor(((r % p.groups) * p.d + e) / p.spatial);
}

/**
 * Reference layer / group norm forward: per row of d, mean and rstd = 1 / sqrt(biased variance + eps) in
 * float64 (two passes), then y = (x - mean) * rstd * weight[k] + bias[k] rounded once.
 */
export function affineNormForward(
  x: Float32Array, weight: Float32Array | null, bias: Float32Array | null, y: Float32Array, mean: Float64Array, rstd: Float64Array,
  p: AffineNormParams,
): void {
  const { rows, d, eps } = p;
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let s = 0;
    for (let e = 0; e < d; e++) s += x[o + e];
    const m = d > 0 ? s / d : 0;
    let v = 0;
    for (let e = 0; e < d; e++) v += (x[o + e] - m) * (x[o + e] - m);
    const rs = 1 / Math.sqrt((d > 0 ? v / d : 0) + eps);
    mean[r] = m;
    rstd[r] = rs;
    for (let e = 0; e < d; e++) {
      const k = affineIndex(r, e, p);
      y[o + e] = (x[o + e] - m) * rs * (weight ? weight[k] : 1) + (bias ? bias[k] : 0);
    }
  }
}

/**
 * Reference layer / group norm backward: xhat = (x - mean) * rstd, gh = gy * weight[k];
 * gx = rstd * (gh - mean(gh) - xhat * mean(gh * xhat)) per row; gw[k] = sum gy * xhat, gb[k] = sum gy.
 */
export function affineNormBackward(
  gy: Float32Array, x: Float32Array, weight: Float32Array | null, mean: Float64Array, rstd: Float64Array,
  gx: Float32Array | null, gw: Float32Array | null, gb: Float32Array | null, p: AffineNormParams,
): void {
  const { rows, d } = p;
  const nAff = p.groups * Math.floor(d / p.spatial);
  const accW = new Float64Array(nAff);
  const accB = new Float64Array(nAff);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let sumGh = 0;
    let sumGhH = 0;
    for (let e = 0; e < d; e++) {
      const k = affineIndex(r, e, p);
      const h = (x[o + e] - mean[r]) * rstd[r];
      const gh = gy[o + e] * (weight ? weight[k] : 1);
      sumGh += gh;
      sumGhH += gh * h;
      accW[k] += gy[o + e] * h;
      accB[k] += gy[o + e];
    }
    if (!gx) continue;
    for (let e = 0; e < d; e++) {
      const k = affineIndex(r, e, p);
      const h = (x[o + e] - mean[r]) * rstd[r];
      const gh = gy[o + e] * (weight ? weight[k] : 1);
      gx[o + e] = rstd[r] * (gh - sumGh / d - h * (sumGhH / d));
    }
  }
  if (gw) gw.set(accW);
  if (gb) gb.set(accB);
}
