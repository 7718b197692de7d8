/**
 * The shared body of layerNorm and groupNorm: normalise each of `rows` contiguous runs of `d` elements
 * to zero mean and unit (biased) variance, then scale and shift by per-element affine parameters.
 *
 * Affine index: element e of row r uses weight[((r % groups) * d + e) / spatial] (integer division):
 * layerNorm has groups = spatial = 1 (weight over the normalised dims); groupNorm has rows = (n, group),
 * d = channelsPerGroup * spatial, so the index is the channel.
 */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';

export interface AffineNormLayout {
  rows: number;
  d: number;
  groups: number;
  spatial: number;
  /** Number of affine parameters (weight and bias length). */
  affineSize: number;
}

/**
 * y = (x - mean_r) * rstd_r * w + b, rstd = 1 / sqrt(var + eps), statistics in float64.
 * Backward (xhat = normalised x, gh = gy * w):
 *   gx = rstd * (gh - mean_r(gh) - xhat * mean_r(gh * xhat)), gw = sum gy * xhat, gb = sum gy.
 */
export function affineNorm(
  gradName: string, x: Tensor, lay: AffineNormLayout, weight: Tensor | null, bias: Tensor | null, eps: number,
): Tensor {
  const { rows, d, groups, spatial, affineSize } = lay;
  const xd = x.data as Float32Array;
  const wd = weight ? (weight.data as Float32Array) : null;
  const bd = bias ? (bias.data as Float32Array) : null;
  const n = rows * d;
  const xhat = new Float32Array(n);
  const rstd = new Float64Array(rows);
  const y = new Float32Array(n);
  // affine index of each (group, element) pair, computed once
  const aff = new Int32Array(groups * d);
  for (let i = 0; i < aff.length; i++) aff[i] = spatial === 1 ? i : Math.floor(i / spatial);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let s = 0;
    for (let e = 0; e < d; e++) s += xd[o + e];
    const mean = d > 0 ? s / d : 0;
    let v = 0;
    for (let e = 0; e < d; e++) {
      const c = xd[o + e] - mean;
      v += c * c;
    }
    const rs = 1 / Math.sqrt((d > 0 ? v / d : 0) + eps);
    rstd[r] = rs;
    const a0 = (r % groups) * d;
    for (let e = 0; e < d; e++) {
      const h = (xd[o + e] - mean) * rs;
      xhat[o + e] = h;
      const k = aff[a0 + e];
      y[o + e] = (wd ? h * wd[k] : h) + (bd ? bd[k] : 0);
    }
  }
  return record(new Tensor(y, x.shape), gradName, [x, weight, bias], (g) => {
    const gd = g.data as Float32Array;
    const gw = weight?.requiresGrad ? new Float64Array(affineSize) : null;
    const gb = bias?.requiresGrad ? new Float64Array(affineSize) : null;
    const gx = x.requiresGrad ? new Float32Array(n) : null;
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      const a0 = (r % groups) * d;
      let sumGh = 0;
      let sumGhH = 0;
      for (let e = 0; e < d; e++) {
        const k = aff[a0 + e];
        const gy = gd[o + e];
        const h = xhat[o + e];
        const gh = wd ? gy * wd[k] : gy;
        sumGh += gh;
        sumGhH += gh * h;
        if (gw) gw[k] += gy * h;
        if (gb) gb[k] += gy;
      }
      if (!gx) continue;
      const mGh = sumGh / d;
      const mGhH = sumGhH / d;
      const rs = rstd[r];
      for (let e = 0; e < d; e++) {
        const gh = wd ? gd[o + e] * wd[aff[a0 + e]] : gd[o + e];
        gx[o + e] = rs * (gh - mGh - xhat[o + e] * mGhH);
      }
    }
    return [
      gx ? new Tensor(gx, x.shape) : null,
      gw ? new Tensor(Float32Array.from(gw), weight!.shape) : null,
      gb ? new Tensor(Float32Array.from(gb), bias!.shape) : null,
    ];
  });
}
