/** avgPool2d over the last two dims of (N, C, H, W) or (C, H, W) input, like torch.nn.functional.avg_pool2d. */
import { optionsArg } from './args.js';
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { gradBufferZeroed } from '../util/grad-pool.js';
import { intArg } from './args.js';
import { pool2dInput, window2d } from './pool2d.js';

/** Options of `avgPool2d`: stride (default the kernel size), padding, ceilMode, countIncludePad, divisorOverride. */
export interface AvgPool2dOptions {
  /** Window step, a number or [sH, sW]; default (or null) = kernelSize. */
  stride?: number | readonly [number, number] | null;
  /** Implicit zero padding on both sides of each dim, at most half the kernel. Default 0. */
  padding?: number | readonly [number, number];
  /** Use ceil instead of floor for the output size. */
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead (a non-zero integer). Default null. */
  divisorOverride?: number | null;
}

/**
 * Mean over sliding 2-D windows, as PyTorch's CPU kernel: each window is clipped to the padded input; its
 * divisor is divisorOverride if given, else with countIncludePad the clipped window's size, else the number
 * of real elements.
 *
 * Shape: input (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out) or (C, H_out, W_out), with
 * H_out = floor((H + 2 * padH - kH) / strideH) + 1 (ceil in ceilMode), W_out likewise.
 * @example avgPool2d(x, 2)
 */
export function avgPool2d(x: Tensor, kernelSize: number | readonly [number, number], opts: AvgPool2dOptions = {}): Tensor {
  const op = 'avgPool2d';
  opts = optionsArg(op, opts) as typeof opts;
  const { planes, h, w, outShape } = pool2dInput(op, x);
  const { k, stride, padding, outH, outW } = window2d(op, x, h, w, kernelSize, { ...opts, dilation: 1 });
  const divisor = opts.divisorOverride ?? null;
  if (divisor !== null && intArg(op, 'divisorOverride', divisor) === 0) throw new RangeError(`${op}: divisor must be not zero`);
  const countIncludePad = opts.countIncludePad ?? true;
  // Per output position (the same in every plane): the real window rows [lo, hi) and columns, and the divisor.
  const outPlane = outH * outW;
  const win = new Int32Array(4 * outPlane);
  const div = new Float64Array(outPlane);
  for (let r = 0; r < outH; r++) {
    for (let s = 0; s < outW; s++) {
      const h0 = r * stride[0] - padding[0];
      const w0 = s * stride[1] - padding[1];
      const h1 = Math.min(h0 + k[0], h + padding[0]);
      const w1 = Math.min(w0 + k[1], w + padding[1]);
      const t = r * outW + s;
      win.set([Math.max(h0, 0), Math.min(h1, h), Math.max(w0, 0), Math.min(w1, w)], 4 * t);
      const real = (win[4 * t + 1]! - win[4 * t]!) * (win[4 * t + 3]! - win[4 * t + 2]!);
      div[t] = divisor ?? (countIncludePad ? (h1 - h0) * (w1 - w0) : real);
    }
  }
  const xd = x.data as Float32Array;
  const y = new Float32Array(planes * outPlane);
  for (let pl = 0; pl < planes; pl++) {
    const xo = pl * h * w;
    for (let t = 0; t < outPlane; t++) {
      let sum = 0;
      for (let i = win[4 * t]!; i < win[4 * t + 1]!; i++) {
        for (let j = win[4 * t + 2]!; j < win[4 * t + 3]!; j++) sum += xd[xo + i * w + j]!;
      }
      y[pl * outPlane + t] = sum / div[t]!;
    }
  }
  return record(new Tensor(y, outShape(outH, outW)), 'AvgPool2DBackward0', [x], (g) => {
    const gd = g.data as Float32Array;
    const gx = gradBufferZeroed(planes * h * w);
    for (let pl = 0; pl < planes; pl++) {
      const xo = pl * h * w;
      for (let t = 0; t < outPlane; t++) {
        const v = gd[pl * outPlane + t]! / div[t]!;
        for (let i = win[4 * t]!; i < win[4 * t + 1]!; i++) {
          for (let j = win[4 * t + 2]!; j < win[4 * t + 3]!; j++) gx[xo + i * w + j] += v;
        }
      }
    }
    return [new Tensor(gx, x.shape)];
  }, { kernelSize: k, stride, padding, ceilMode: opts.ceilMode ?? false, countIncludePad, divisorOverride: divisor });
}
