/** Shared argument checks and shape math for the 2-D pooling ops (maxPool2d, avgPool2d, adaptiveAvgPool2d). */
import { Tensor, shapeStr } from '../tensor.js';
import { tensorArg } from './args.js';
import { pairArg } from './pair.js';
import { checkPoolWindow } from './pool1d.js';

/** A 2-D pooling input viewed as `planes` independent H x W images: (N, C, H, W) or unbatched (C, H, W). */
export interface Pool2dInput {
  planes: number;
  h: number;
  w: number;
  /** The output shape with the last two dims replaced. */
  outShape(oh: number, ow: number): number[];
}

export function pool2dInput(op: string, x: Tensor): Pool2dInput {
  tensorArg(op, 'input', x);
  if (x.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 tensor, got ${x.dtype}`);
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new RangeError(`${op}: expected 3D (C, H, W) or 4D (N, C, H, W) input, got input of shape ${shapeStr(x.shape)}`);
  }
  for (let i = x.ndim === 4 ? 1 : 0; i < x.ndim; i++) {
    if (x.shape[i] === 0) throw new RangeError(`${op}: expected input with non-zero size for non-batch dimensions, got ${shapeStr(x.shape)}`);
  }
  const h = x.shape[x.ndim - 2]!;
  const w = x.shape[x.ndim - 1]!;
  const lead = x.shape.slice(0, -2);
  return { planes: x.numel() / (h * w), h, w, outShape: (oh, ow) => [...lead, oh, ow] };
}

/** The window of a sliding 2-D pooling, checked per dim (padding at most half the kernel, output size >= 1). */
export interface Window2d {
  k: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  outH: number;
  outW: number;
}

export function window2d(
  op: string, x: Tensor, h: number, w: number, kernelSize: unknown,
  opts: { stride?: unknown; padding?: unknown; dilation?: unknown; ceilMode?: boolean },
): Window2d {
  const k = pairArg(op, 'kernelSize', kernelSize, 1);
  const stride = opts.stride === undefined || opts.stride === null ? k : pairArg(op, 'stride', opts.stride, 1);
  const padding = pairArg(op, 'padding', opts.padding ?? 0, 0);
  const dilation = pairArg(op, 'dilation', opts.dilation ?? 1, 1);
  const ceil = opts.ceilMode ?? false;
  const outH = checkPoolWindow(op, x, h, k[0], stride[0], padding[0], dilation[0], ceil);
  const outW = checkPoolWindow(op, x, w, k[1], stride[1], padding[1], dilation[1], ceil);
  return { k, stride, padding, dilation, outH, outW };
}
