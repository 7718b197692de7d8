/**
 * The shared body of layerNorm and groupNorm on the backend's affineNormForward / affineNormBackward
 * kernels: each of `rows` contiguous runs of `d` elements is normalised to zero mean and unit (biased)
 * variance, then scaled and shifted by per-element affine parameters.
 *
 * Affine index: element e of row r uses weight[((r % groups) * d + e) / spatial] (integer division):
 * layerNorm has groups = spatial = 1 (weight over the normalised dims); groupNorm has rows = (n, group),
 * d = channelsPerGroup * spatial, so the index is the channel.
 */
import { Tensor } from '../tensor.js';
import { record, type OpAttrs } from '../autograd/record.js';
import { getBackend } from '../backend/select.js';
import type { AffineNormParams } from '../backend/backend.js';
import { uninitF32 } from '../util/alloc.js';

export interface AffineNormLayout {
  rows: number;
  d: number;
  groups: number;
  spatial: number;
}

/**
 * y = (x - mean_r) * rstd_r * w + b, rstd = 1 / sqrt(var + eps), statistics in float64.
 * Backward (xhat = normalised x, gh = gy * w):
 *   gx = rstd * (gh - mean_r(gh) - xhat * mean_r(gh * xhat)), gw = sum gy * xhat, gb = sum gy.
 */
export function affineNorm(
  gradName: string, x: Tensor, lay: AffineNormLayout, weight: Tensor | null, bias: Tensor | null, eps: number,
  attrs?: OpAttrs,
): Tensor {
  const p: AffineNormParams = { ...lay, eps };
  const xd = x.data as Float32Array;
  const wd = weight ? (weight.data as Float32Array) : null;
  const n = lay.rows * lay.d;
  const y = uninitF32(n);
  const mean = new Float64Array(lay.rows);
  const rstd = new Float64Array(lay.rows);
  // an empty input (e.g. group norm over 0 positions) has no rows to normalise: its gradients are zeros
  if (n > 0) getBackend().affineNormForward(xd, wd, bias ? (bias.data as Float32Array) : null, y, mean, rstd, p);
  return record(new Tensor(y, x.shape), gradName, [x, weight, bias], (g) => {
    const gx = x.requiresGrad ? uninitF32(n) : null;
    const gw = weight?.requiresGrad ? new Float32Array(weight.numel()) : null;
    const gb = bias?.requiresGrad ? new Float32Array(bias.numel()) : null;
    if (n > 0) getBackend().affineNormBackward(g.data as Float32Array, xd, wd, mean, rstd, gx, gw, gb, p);
    return [
      gx ? new Tensor(gx, x.shape) : null,
      gw ? new Tensor(gw, weight!.shape) : null,
      gb ? new Tensor(gb, bias!.shape) : null,
    ];
  }, { eps, ...attrs });
}
