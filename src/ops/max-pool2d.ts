/** maxPool2d over the last two dims of (N, C, H, W) or (C, H, W) input, like torch.nn.functional.max_pool2d. */
import { optionsArg } from './args.js';
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { gradBufferZeroed } from '../util/grad-pool.js';
import { uninitF32 } from '../util/alloc.js';
import { pool2dInput, window2d } from './pool2d.js';

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
  const xd = x.data as Float32Array;
  const outPlane = outH * outW;
  const y = uninitF32(planes * outPlane);
  const arg = new Int32Array(planes * outPlane); // flat index into the input plane
  for (let pl = 0; pl < planes; pl++) {
    const xo = pl * h * w;
    for (let r = 0; r < outH; r++) {
      let h0 = r * stride[0] - padding[0];
      const h1 = Math.min(h0 + (k[0] - 1) * dilation[0] + 1, h);
      while (h0 < 0) h0 += dilation[0];
      for (let s = 0; s < outW; s++) {
        let w0 = s * stride[1] - padding[1];
        const w1 = Math.min(w0 + (k[1] - 1) * dilation[1] + 1, w);
        while (w0 < 0) w0 += dilation[1];
        let best = h0 * w + w0;
        let max = -Infinity;
        for (let i = h0; i < h1; i += dilation[0]) {
          for (let j = w0; j < w1; j += dilation[1]) {
            const v = xd[xo + i * w + j]!;
            if (v > max || Number.isNaN(v)) {
              max = v;
              best = i * w + j;
            }
          }
        }
        const o = pl * outPlane + r * outW + s;
        y[o] = max;
        arg[o] = best;
      }
    }
  }
  const out = record(new Tensor(y, outShape(outH, outW)), 'MaxPool2DWithIndicesBackward0', [x], (g) => {
    const gd = g.data as Float32Array;
    const gx = gradBufferZeroed(planes * h * w);
    for (let o = 0; o < arg.length; o++) gx[Math.floor(o / outPlane) * h * w + arg[o]!] += gd[o]!;
    return [new Tensor(gx, x.shape)];
  }, { kernelSize: k, stride, padding, dilation, ceilMode: opts.ceilMode ?? false });
  if (!opts.returnIndices) return out;
  return [out, new Tensor(Float64Array.from(arg), outShape(outH, outW), 'int64')];
}
