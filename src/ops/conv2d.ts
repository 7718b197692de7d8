/**
 * conv2d over NCHW input (or unbatched CHW), like torch.nn.functional.conv2d, on the backend's conv2d
 * kernels. padding may be a number, a pair, 'valid' (0) or 'same' (stride 1 only; an odd total pads the
 * extra row / column at the bottom / right, as PyTorch does).
 */
import { optionsArg } from './args.js';
import { Tensor, shapeStr } from '../tensor.js';
import { intArg } from './args.js';
import { pairArg } from './pair.js';
import { record } from '../autograd/record.js';
import { reshape } from './reshape.js';
import { convGrads } from './conv-grads.js';
import { activationBuffer, gradBuffer } from '../util/grad-pool.js';
import { getBackend } from '../backend/select.js';
import { convOutLength, type Conv2dParams } from '../backend/backend.js';
import { describeValue } from '../util/describe.js';

/** Options of `conv2d`, as torch.nn.functional.conv2d: stride, padding (a number, a pair, 'same' or 'valid'), dilation and groups. */
export interface Conv2dOptions {
  /** Default 1. */
  stride?: number | readonly [number, number];
  /** Zeros on both sides of each spatial dim: a number, [padH, padW], 'valid' (0) or 'same'. Default 0. */
  padding?: number | readonly [number, number] | 'same' | 'valid';
  /** Default 1. */
  dilation?: number | readonly [number, number];
  /** Default 1. */
  groups?: number;
}

/**
 * 2-D convolution (cross-correlation, as PyTorch) of input with weight, plus bias.
 *
 * Shape: input (N, C_in, H, W) or (C_in, H, W); weight (C_out, C_in / groups, kH, kW); bias (C_out);
 * out (N, C_out, H_out, W_out), H_out = floor((H + 2 * padH - dilationH * (kH - 1) - 1) / strideH) + 1
 * (W_out likewise).
 * @example conv2d(x, weight, bias, { stride: 2, padding: 1 })
 */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: Conv2dOptions = {}): Tensor {
  opts = optionsArg('conv2d', opts) as typeof opts;
  return convolve(input, weight, bias, opts, false);
}

/**
 * relu(conv2d(...)) with the relu applied by the conv kernel while each output block is in cache, and one
 * autograd node: the same values and gradients as the two ops (nn.Sequential uses it for Conv2d followed
 * by ReLU, src/nn/fusion.ts).
 */
export function conv2dRelu(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: Conv2dOptions = {}): Tensor {
  return convolve(input, weight, bias, opts, true);
}

/** The checked sizes of a conv2d call (shared with convTranspose2d, which runs the same kernels). */
export interface Conv2dGeometry {
  stride: [number, number];
  dilation: [number, number];
  groups: number;
}

/** stride, dilation and groups of a conv2d-like call, checked. */
export function conv2dGeometry(op: string, opts: { stride?: unknown; dilation?: unknown; groups?: unknown }): Conv2dGeometry {
  return {
    stride: pairArg(op, 'stride', opts.stride ?? 1, 1),
    dilation: pairArg(op, 'dilation', opts.dilation ?? 1, 1),
    groups: intArg(op, 'groups', opts.groups ?? 1, 1),
  };
}

/** Type and rank checks of a conv2d-like call's tensors. */
export function checkConv2dTensors(op: string, input: Tensor, weight: Tensor, bias: Tensor | null): void {
  if (!(input instanceof Tensor)) throw new TypeError(`${op}: expected input to be a Tensor, got ${describeValue(input)}`);
  if (!(weight instanceof Tensor)) throw new TypeError(`${op}: expected weight to be a Tensor, got ${describeValue(weight)}`);
  if (bias !== null && !(bias instanceof Tensor)) throw new TypeError(`${op}: expected bias to be a Tensor or null, got ${describeValue(bias)}`);
  if (input.dtype !== 'float32' || weight.dtype !== 'float32' || (bias && bias.dtype !== 'float32')) {
    throw new TypeError(`${op}: expected float32 input, weight and bias, got ${input.dtype}, ${weight.dtype}${bias ? `, ${bias.dtype}` : ''}`);
  }
  if (weight.ndim !== 4) throw new RangeError(`${op}: expected 4D weight, got weight of shape ${shapeStr(weight.shape)}`);
}

function convolve(input: Tensor, weight: Tensor, bias: Tensor | null, opts: Conv2dOptions, relu: boolean): Tensor {
  const op = 'conv2d';
  checkConv2dTensors(op, input, weight, bias);
  if (input.ndim === 3) {
    const out = convolve(reshape(input, [1, ...input.shape]), weight, bias, opts, relu);
    return reshape(out, out.shape.slice(1));
  }
  if (input.ndim !== 4) throw new RangeError(`${op}: expected 3D (unbatched) or 4D (batched) input, got input of shape ${shapeStr(input.shape)}`);
  const { stride, dilation, groups } = conv2dGeometry(op, opts);
  const [n, cIn, inH, inW] = input.shape as [number, number, number, number];
  const [cOut, cInG, kH, kW] = weight.shape as [number, number, number, number];
  if (cOut % groups !== 0) {
    throw new RangeError(`${op}: Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${shapeStr(weight.shape)} instead`);
  }
  if (cInG * groups !== cIn) {
    throw new RangeError(`${op}: Given groups=${groups}, weight of size ${shapeStr(weight.shape)}, expected input${shapeStr(input.shape)} to have ${cInG * groups} channels, but got ${cIn} channels instead`);
  }
  if (kH < 1 || kW < 1) throw new RangeError(`${op}: expected a kernel size >= 1, got weight of shape ${shapeStr(weight.shape)}`);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== cOut)) {
    throw new RangeError(`${op}: Given weight of size ${shapeStr(weight.shape)}, expected bias to be 1-dimensional with ${cOut} elements, but got bias of size ${shapeStr(bias.shape)} instead`);
  }
  const pad = opts.padding ?? 0;
  let padding: [number, number];
  if (pad === 'valid') padding = [0, 0];
  else if (pad === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new RangeError(`${op}: padding='same' is not supported for strided convolutions`);
    const total = [dilation[0] * (kH - 1), dilation[1] * (kW - 1)];
    padding = [Math.floor(total[0]! / 2), Math.floor(total[1]! / 2)];
    const extra: [number, number] = [total[0]! - 2 * padding[0], total[1]! - 2 * padding[1]];
    if (extra[0] > 0 || extra[1] > 0) {
      // Asymmetric 'same': zero-extend the input at the bottom / right, then pad symmetrically.
      return convolve(padBottomRight(input, extra), weight, bias, { stride, padding, dilation, groups }, relu);
    }
  } else if (typeof pad === 'string') {
    throw new RangeError(`${op}: Invalid padding string '${pad}', should be one of 'valid', 'same'`);
  } else {
    padding = pairArg(op, 'padding', pad, 0);
  }
  const outH = convOutLength(inH, kH, stride[0], padding[0], dilation[0]);
  const outW = convOutLength(inW, kW, stride[1], padding[1], dilation[1]);
  if (outH < 1 || outW < 1) {
    const ph = inH + 2 * padding[0];
    const pw = inW + 2 * padding[1];
    throw new RangeError(`${op}: Calculated padded input size per channel: (${ph} x ${pw}). Kernel size: (${dilation[0] * (kH - 1) + 1} x ${dilation[1] * (kW - 1) + 1}). Kernel size can't be greater than actual input size`);
  }
  const p: Conv2dParams = {
    n, cIn, cOut, inH, inW, kH, kW, strideH: stride[0], strideW: stride[1], padH: padding[0], padW: padding[1],
    dilationH: dilation[0], dilationW: dilation[1], groups, outH, outW, relu,
  };
  const be = getBackend();
  // From the pool, and recorded as owned: a graph-internal output is recycled after backward (as conv1d's).
  const y = activationBuffer(n * cOut * outH * outW);
  be.conv2dForward(input.data as Float32Array, weight.data as Float32Array, bias ? (bias.data as Float32Array) : null, y, p);
  return record(new Tensor(y, [n, cOut, outH, outW]), relu ? 'ReluBackward0' : 'ConvolutionBackward0', [input, weight, bias], (g, owned) => convGrads(g, owned, y, relu, input, weight, bias, {
    input: (gy, w, gx) => be.conv2dBackwardInput(gy, w, gx, p),
    weight: (x, gy, gw, gb) => be.conv2dBackwardWeight(x, gy, gw, gb, p),
  }), { stride, padding, dilation, groups, ...(relu ? { fused: 'ConvolutionBackward0' } : {}) }, { ownsOutput: true });
}

/** (N, C, H, W) -> (N, C, H + [0], W + [1]) with zeros at the bottom and right; the gradient is the top-left part. */
function padBottomRight(x: Tensor, [eh, ew]: [number, number]): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const h2 = h + eh;
  const w2 = w + ew;
  const out = new Float32Array(n * c * h2 * w2);
  const xd = x.data as Float32Array;
  for (let plane = 0; plane < n * c; plane++) {
    for (let r = 0; r < h; r++) out.set(xd.subarray((plane * h + r) * w, (plane * h + r + 1) * w), (plane * h2 + r) * w2);
  }
  return record(new Tensor(out, [n, c, h2, w2]), 'ConstantPadNdBackward0', [x], (g) => {
    const gx = gradBuffer(n * c * h * w);
    const gd = g.data as Float32Array;
    for (let plane = 0; plane < n * c; plane++) {
      for (let r = 0; r < h; r++) gx.set(gd.subarray((plane * h2 + r) * w2, (plane * h2 + r) * w2 + w), (plane * h + r) * w);
    }
    return [new Tensor(gx, x.shape)];
  }, { bottom: eh, right: ew });
}
