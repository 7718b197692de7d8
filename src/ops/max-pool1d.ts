/** maxPool1d over the last dim of (N, C, L) or (C, L) input, like torch.nn.functional.max_pool1d. */
import { optionsArg } from './args.js';
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { checkPoolWindow, poolInput, single } from './pool1d.js';
import { activationBuffer, gradBuffer, byteBuffer, releaseBytes } from '../util/grad-pool.js';
import { getBackend } from '../backend/select.js';
import type { Pool1dParams } from '../backend/backend.js';
import { checkAllocation } from '../util/limits.js';

/** Options of `nn.functional.maxPool1d`: stride (default the kernel size), padding, dilation, ceilMode, returnIndices. */
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
  opts = optionsArg('maxPool1d', opts) as typeof opts;
  const op = 'maxPool1d';
  const { rows, l, outShape } = poolInput(op, x);
  const k = single(op, 'kernelSize', kernelSize, 1);
  const stride = opts.stride === undefined || opts.stride === null ? k : single(op, 'stride', opts.stride, 1);
  const padding = single(op, 'padding', opts.padding ?? 0, 0);
  const dilation = single(op, 'dilation', opts.dilation ?? 1, 1);
  const ceilMode = opts.ceilMode ?? false;
  const lOut = checkPoolWindow(op, x, l, k, stride, padding, dilation, ceilMode);

  checkAllocation(op, [rows * lOut, rows * lOut]); // y and the window argmax
  const y = activationBuffer(rows * lOut);
  // The argmax of each window as its offset j in the window (position o * stride - padding + j * dilation):
  // one byte per output for the usual kernel sizes.
  // The bytes never leave this op (returnIndices copies them), so they are recycled once the node is spent.
  const arg: Uint8Array | Int32Array = k <= 256 ? byteBuffer(rows * lOut) : new Int32Array(rows * lOut);
  const release = () => {
    if (arg instanceof Uint8Array) releaseBytes(arg);
  };
  // (C, L) input is one batch of C rows.
  const c = x.ndim === 3 ? x.shape[1] : x.shape[0];
  const p: Pool1dParams = { n: c === 0 ? 0 : rows / c, c, l, k, stride, padding, dilation, lOut };
  getBackend().maxPool1dForward(x.data as Float32Array, y, arg, p);
  const out = record(new Tensor(y, outShape(lOut)), 'MaxPool2DWithIndicesBackward0', [x], (g) => {
    const gx = gradBuffer(rows * l);
    getBackend().maxPool1dBackward(g.data as Float32Array, arg, gx, p);
    return [new Tensor(gx, x.shape)];
  }, { kernelSize: k, stride, padding, dilation, ceilMode }, { ownsOutput: true, release });
  let indices: Float64Array | null = null;
  if (opts.returnIndices) {
    indices = new Float64Array(rows * lOut);
    for (let i = 0; i < indices.length; i++) indices[i] = (i % lOut) * stride - padding + arg[i] * dilation;
  }
  if (out.gradFn === null) release(); // no graph: nothing reads the bytes again
  return indices === null ? out : [out, new Tensor(indices, outShape(lOut), 'int64')];
}
