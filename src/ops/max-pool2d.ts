/** maxPool2d over the last two dims of (N, C, H, W) or (C, H, W) input, like torch.nn.functional.max_pool2d. */
import { optionsArg } from './args.js';
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { activationBuffer, gradBuffer, byteBuffer, releaseBytes } from '../util/grad-pool.js';
import { getBackend } from '../backend/select.js';
import type { Pool2dParams } from '../backend/backend.js';
import { checkAllocation } from '../util/limits.js';
import { pool2dInput, window2d } from './pool2d.js';
import { emptyPoolWindow } from './pool1d.js';

/** Options of `maxPool2d`: stride (default the kernel size), padding, dilation, ceilMode, returnIndices. */
export interface MaxPool2dOptions {
  /** Window step, a number or [sH, sW]; default (or null) = kernelSize. */
  stride?: number | readonly [number, number] | null;
  /** Implicit -inf padding on both sides of each dim, at most half the kernel. Default 0. */
  padding?: number | readonly [number, number];
  /** Spacing between window elements. Default 1. */
  dilation?: number | readonly [number, number];
  /** Use ceil instead of floor for the output size (the last window must start inside the input or left padding). */
  ceilMode?: boolean;
  /** Also return the argmax positions (int64, flat indices h * W + w into each unpadded input plane). */
  returnIndices?: boolean;
}

/**
 * Max over sliding 2-D windows, as PyTorch's CPU kernel: windows are scanned row by row, ties keep the first
 * maximum and a NaN wins (the last NaN of a window). The gradient flows to each window's argmax.
 *
 * Shape: input (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out) or (C, H_out, W_out), with
 * H_out = floor((H + 2 * padH - dilationH * (kH - 1) - 1) / strideH) + 1 (ceil in ceilMode), W_out likewise.
 * @example maxPool2d(x, 2) // 2x2 windows, stride 2
 */
export function maxPool2d(x: Tensor, kernelSize: number | readonly [number, number], opts: MaxPool2dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: number | readonly [number, number], opts?: MaxPool2dOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(x: Tensor, kernelSize: number | readonly [number, number], opts?: MaxPool2dOptions): Tensor | [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: number | readonly [number, number], opts: MaxPool2dOptions = {}): Tensor | [Tensor, Tensor] {
  const op = 'maxPool2d';
  opts = optionsArg(op, opts) as typeof opts;
  const { planes, h, w, outShape } = pool2dInput(op, x);
  const { k, stride, padding, dilation, outH, outW } = window2d(op, x, h, w, kernelSize, opts);
  for (const [d, l, out] of [[0, h, outH], [1, w, outW]] as const) {
    const o = emptyPoolWindow(l, k[d], stride[d], padding[d], dilation[d], out);
    if (o >= 0) {
      throw new RangeError(`${op}: expected every pooling window to cover an input element, got window ${o} of dim ${x.ndim - 2 + d} ` +
        `(size ${l}, kernelSize=${k[d]}, padding=${padding[d]}, dilation=${dilation[d]}) lying wholly in the padding`);
    }
  }
  const count = planes * outH * outW;
  checkAllocation(op, [count, count]); // y and the window argmax
  const y = activationBuffer(count);
  const { arg, release } = argmaxBuffer(count, h * w);
  // (C, H, W) input is one batch of C planes.
  const c = x.ndim === 4 ? x.shape[1]! : x.shape[0]!;
  const p: Pool2dParams = {
    n: c === 0 ? 0 : planes / c, c, inH: h, inW: w, kH: k[0], kW: k[1], strideH: stride[0], strideW: stride[1],
    padH: padding[0], padW: padding[1], dilationH: dilation[0], dilationW: dilation[1], outH, outW,
  };
  getBackend().maxPool2dForward(x.data as Float32Array, y, arg, p);
  const out = record(new Tensor(y, outShape(outH, outW)), 'MaxPool2DWithIndicesBackward0', [x], (g) => {
    const gx = gradBuffer(planes * h * w);
    getBackend().maxPool2dBackward(g.data as Float32Array, arg, gx, p);
    return [new Tensor(gx, x.shape)];
  }, { kernelSize: k, stride, padding, dilation, ceilMode: opts.ceilMode ?? false }, { ownsOutput: true, release });
  const indices = opts.returnIndices ? new Tensor(Float64Array.from(arg), outShape(outH, outW), 'int64') : null;
  if (out.gradFn === null) release(); // no graph: nothing reads the argmax again
  return indices === null ? out : [out, indices];
}

/**
 * The argmax store of `count` outputs over planes of `plane` elements: bytes when every flat index fits
 * in one, else int32 viewed over pooled bytes (so a training loop reuses the same storage every step);
 * `release` recycles it once the autograd node is spent.
 */
function argmaxBuffer(count: number, plane: number): { arg: Uint8Array | Int32Array; release: () => void } {
  if (plane <= 256) {
    const b = byteBuffer(count);
    return { arg: b, release: () => releaseBytes(b) };
  }
  const b = byteBuffer(count * 4);
  if (b.byteOffset % 4 !== 0) return { arg: new Int32Array(count), release: () => releaseBytes(b) };
  return { arg: new Int32Array(b.buffer, b.byteOffset, count), release: () => releaseBytes(b) };
}
