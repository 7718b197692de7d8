/** adaptiveMaxPool1d: max pooling to a fixed output length, like torch.nn.functional.adaptive_max_pool1d. */
import { optionsArg } from './args.js';
import { checkAllocation } from '../util/limits.js';
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { gradBufferZeroed } from '../util/grad-pool.js';
import { poolInput, single } from './pool1d.js';
import { adaptiveWindows } from './adaptive-avg-pool1d.js';

/** Options of `nn.functional.adaptiveMaxPool1d`: whether to return the indices too. */
export interface AdaptiveMaxPool1dOptions {
  /** Also return the argmax positions (int64, indices into L). */
  returnIndices?: boolean;
}

/**
 * Max over `outputSize` windows [floor(i * L / out), ceil((i + 1) * L / out)) of the last dim. Ties pick
 * the first maximum; NaN wins. The gradient flows to each window's argmax.
 *
 * Shape: input (N, C, L) or (C, L) -> (N, C, outputSize) or (C, outputSize).
 * @example adaptiveMaxPool1d(x, 4)
 */
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | readonly number[], opts: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | readonly number[], opts?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | readonly number[], opts?: AdaptiveMaxPool1dOptions): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | readonly number[], opts: AdaptiveMaxPool1dOptions = {}): Tensor | [Tensor, Tensor] {
  opts = optionsArg('adaptiveMaxPool1d', opts) as typeof opts;
  const op = 'adaptiveMaxPool1d';
  const { rows, l, outShape } = poolInput(op, x);
  const lOut = single(op, 'outputSize', outputSize, 0);
  const { lo, hi } = adaptiveWindows(l, lOut);
  const xd = x.data as Float32Array;
  checkAllocation(op, rows * lOut);
  const y = new Float32Array(rows * lOut);
  const idx = new Int32Array(rows * lOut);
  for (let r = 0; r < rows; r++) {
    const xo = r * l;
    for (let o = 0; o < lOut; o++) {
      let m = -Infinity;
      let best = lo[o];
      for (let p = lo[o]; p < hi[o]; p++) {
        const v = xd[xo + p];
        if (v > m || v !== v) {
          m = v;
          best = p;
        }
      }
      y[r * lOut + o] = m;
      idx[r * lOut + o] = best;
    }
  }
  const out = record(new Tensor(y, outShape(lOut)), 'AdaptiveMaxPool2DBackward0', [x], (g) => {
    const gd = g.data;
    const gx = gradBufferZeroed(rows * l);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < lOut; o++) gx[r * l + idx[r * lOut + o]] += gd[r * lOut + o];
    }
    return [new Tensor(gx, x.shape)];
  }, { outputSize: lOut });
  if (!opts.returnIndices) return out;
  return [out, new Tensor(Float64Array.from(idx), outShape(lOut), 'int64')];
}
