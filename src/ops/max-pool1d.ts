/** maxPool1d over the last dim of (N, C, L) or (C, L) input, like torch.nn.functional.max_pool1d. */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { checkPoolWindow, poolInput, single } from './pool1d.js';

export interface MaxPool1dOptions {
  /** Window step; default (or null) = kernelSize. */
  stride?: number | readonly number[] | null;
  /** Implicit -inf padding on both sides, at most kernelSize / 2. Default 0. */
  padding?: number | readonly number[];
  /** Spacing between window elements. Default 1. */
  dilation?: number | readonly number[];
  /** Use ceil instead of floor for the output length (the last window must start inside the input or left padding). */
  ceilMode?: boolean;
  /** Also return the argmax positions (int64, indices into the unpadded L). */
  returnIndices?: boolean;
}

/**
 * Max over sliding windows. Ties pick the first maximum; a NaN in the window wins (and propagates), as
 * in PyTorch. The gradient flows to each window's argmax.
 *
 * Shape: input (N, C, L) or (C, L) -> (N, C, L_out) or (C, L_out), with
 * L_out = floor((L + 2 * padding - dilation * (kernelSize - 1) - 1) / stride) + 1 (ceil in ceilMode).
 * @example maxPool1d(x, 3, { stride: 2, padding: 1 })
 */
export function maxPool1d(x: Tensor, kernelSize: number | readonly number[], opts: MaxPool1dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: number | readonly number[], opts?: MaxPool1dOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(x: Tensor, kernelSize: number | readonly number[], opts?: MaxPool1dOptions): Tensor | [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: number | readonly number[], opts: MaxPool1dOptions = {}): Tensor | [Tensor, Tensor] {
  const op = 'maxPool1d';
  const { rows, l, outShape } = poolInput(op, x);
  const k = single(op, 'kernelSize', kernelSize, 1);
  const stride = opts.stride === undefined || opts.stride === null ? k : single(op, 'stride', opts.stride, 1);
  const padding = single(op, 'padding', opts.padding ?? 0, 0);
  const dilation = single(op, 'dilation', opts.dilation ?? 1, 1);
  const ceilMode = opts.ceilMode ?? false;
  const lOut = checkPoolWindow(op, x, l, k, stride, padding, dilation, ceilMode);

  const xd = x.data as Float32Array;
  const y = new Float32Array(rows * lOut);
  const idx = new Int32Array(rows * lOut);
  for (let r = 0; r < rows; r++) {
    const xo = r * l;
    const yo = r * lOut;
    for (let o = 0; o < lOut; o++) {
      let p = o * stride - padding;
      let j = 0;
      while (p < 0) {
        p += dilation;
        j++;
      }
      let best = p;
      let m = -Infinity;
      for (; j < k && p < l; j++, p += dilation) {
        const v = xd[xo + p];
        if (v > m || v !== v) {
          m = v;
          best = p;
        }
      }
      y[yo + o] = m;
      idx[yo + o] = best;
    }
  }
  const out = record(new Tensor(y, outShape(lOut)), 'MaxPool2DWithIndicesBackward0', [x], (g) => {
    const gd = g.data;
    const gx = new Float32Array(rows * l);
    for (let r = 0; r < rows; r++) {
      const xo = r * l;
      const yo = r * lOut;
      for (let o = 0; o < lOut; o++) {
        const p = idx[yo + o];
        if (p < l) gx[xo + p] += gd[yo + o];
      }
    }
    return [new Tensor(gx, x.shape)];
  });
  if (!opts.returnIndices) return out;
  return [out, new Tensor(Float64Array.from(idx), outShape(lOut), 'int64')];
}
