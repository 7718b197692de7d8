/** avgPool1d over the last dim of (N, C, L) or (C, L) input, like torch.nn.functional.avg_pool1d. */
import { optionsArg } from './args.js';
import { checkAllocation } from '../util/limits.js';
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { gradBufferZeroed } from '../util/grad-pool.js';
import { checkPoolWindow, poolInput, single } from './pool1d.js';

/** Options of `nn.functional.avgPool1d`: stride (default the kernel size), padding, ceilMode, countIncludePad. */
export interface AvgPool1dOptions {
  /** Window step; default (or null) = kernelSize. */
  stride?: number | readonly number[] | null;
  /** Implicit zero padding on both sides, at most kernelSize / 2. Default 0. */
  padding?: number | readonly number[];
  /** Use ceil instead of floor for the output length (the last window must start inside the input or left padding). */
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
}

/**
 * Mean over sliding windows. With countIncludePad the divisor is the window size clipped to the padded
 * input (a ceil-mode window hanging past the right padding counts only up to it); without it, the
 * number of real elements, as in PyTorch.
 *
 * Shape: input (N, C, L) or (C, L) -> (N, C, L_out) or (C, L_out), with
 * L_out = floor((L + 2 * padding - kernelSize) / stride) + 1 (ceil in ceilMode).
 * @example avgPool1d(x, 3, { stride: 2, padding: 1, countIncludePad: false })
 */
export function avgPool1d(x: Tensor, kernelSize: number | readonly number[], opts: AvgPool1dOptions = {}): Tensor {
  opts = optionsArg('avgPool1d', opts) as typeof opts;
  const op = 'avgPool1d';
  const { rows, l, outShape } = poolInput(op, x);
  const k = single(op, 'kernelSize', kernelSize, 1);
  const stride = opts.stride === undefined || opts.stride === null ? k : single(op, 'stride', opts.stride, 1);
  const padding = single(op, 'padding', opts.padding ?? 0, 0);
  const ceilMode = opts.ceilMode ?? false;
  const countIncludePad = opts.countIncludePad ?? true;
  const lOut = checkPoolWindow(op, x, l, k, stride, padding, 1, ceilMode);

  // Per output position: first and last+1 real element and the divisor (same for every row).
  const lo = new Int32Array(lOut);
  const hi = new Int32Array(lOut);
  const inv = new Float64Array(lOut);
  for (let o = 0; o < lOut; o++) {
    const start = o * stride - padding;
    const end = Math.min(start + k, l + padding);
    const s = Math.max(start, 0);
    const e = Math.min(end, l);
    lo[o] = s;
    hi[o] = e;
    inv[o] = 1 / (countIncludePad ? end - start : e - s);
  }
  const xd = x.data as Float32Array;
  checkAllocation(op, rows * lOut);
  const y = new Float32Array(rows * lOut);
  for (let r = 0; r < rows; r++) {
    const xo = r * l;
    const yo = r * lOut;
    for (let o = 0; o < lOut; o++) {
      let s = 0;
      for (let p = xo + lo[o], e = xo + hi[o]; p < e; p++) s += xd[p];
      y[yo + o] = s * inv[o];
    }
  }
  return record(new Tensor(y, outShape(lOut)), 'AvgPool2DBackward0', [x], (g) => {
    const gd = g.data;
    const gx = gradBufferZeroed(rows * l);
    for (let r = 0; r < rows; r++) {
      const xo = r * l;
      const yo = r * lOut;
      for (let o = 0; o < lOut; o++) {
        const v = gd[yo + o] * inv[o];
        for (let p = xo + lo[o], e = xo + hi[o]; p < e; p++) gx[p] += v;
      }
    }
    return [new Tensor(gx, x.shape)];
  }, { kernelSize: k, stride, padding, ceilMode, countIncludePad });
}
