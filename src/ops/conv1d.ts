/**
 * conv1d over NCL input (or unbatched CL), like torch.nn.functional.conv1d, on the backend's conv1d
 * kernels. padding may be a number, 'valid' (0) or 'same' (stride 1 only; an odd total pads the extra
 * element on the right, as PyTorch does).
 */
import { Tensor, shapeStr } from '../tensor.js';
import { kernelIntArg, optionsArg } from './args.js';
import { record } from '../autograd/record.js';
import { reshape } from './reshape.js';
import { convGrads } from './conv-grads.js';
import { activationBuffer } from '../util/grad-pool.js';
import { getBackend } from '../backend/select.js';
import { convOutLength, type Conv1dParams } from '../backend/backend.js';
import { checkAllocation } from '../util/limits.js';
import { describeValue } from '../util/describe.js';

/** Options of `conv1d`, as torch.nn.functional.conv1d: stride, padding (a number, 'same' or 'valid'), dilation and groups. */
export interface Conv1dOptions {
  stride?: number;
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
}

/** Shape: input (N, C_in, L) or (C_in, L); weight (C_out, C_in / groups, K); bias (C_out); out (N, C_out, L_out). */
export function conv1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: Conv1dOptions = {}): Tensor {
  return convolve(input, weight, bias, opts, false);
}

/**
 * relu(conv1d(...)) with the relu applied by the conv kernel while each output block is in cache, and one
 * autograd node: the same values and gradients as the two ops (nn.Sequential uses it for Conv1d followed
 * by ReLU, src/nn/fusion.ts).
 */
export function conv1dRelu(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: Conv1dOptions = {}): Tensor {
  return convolve(input, weight, bias, opts, true);
}

function convolve(input: Tensor, weight: Tensor, bias: Tensor | null, opts: Conv1dOptions, relu: boolean): Tensor {
  if (!(input instanceof Tensor)) throw new TypeError('conv1d: expected input to be a Tensor');
  if (!(weight instanceof Tensor)) throw new TypeError('conv1d: expected weight to be a Tensor');
  if (input.dtype !== 'float32' || weight.dtype !== 'float32' || (bias && bias.dtype !== 'float32')) {
    throw new TypeError(`conv1d: expected float32 input, weight and bias, got ${input.dtype}, ${weight.dtype}${bias ? `, ${bias.dtype}` : ''}`);
  }
  if (input.ndim === 2) {
    const out = convolve(reshape(input, [1, ...input.shape]), weight, bias, opts, relu);
    return reshape(out, [out.shape[1], out.shape[2]]);
  }
  if (input.ndim !== 3) throw new RangeError(`conv1d: expected 2D (unbatched) or 3D (batched) input, got input of shape ${shapeStr(input.shape)}`);
  if (weight.ndim !== 3) throw new RangeError(`conv1d: expected 3D weight (C_out, C_in/groups, K), got weight of shape ${shapeStr(weight.shape)}`);
  opts = optionsArg<Conv1dOptions>('conv1d', opts);
  const stride = kernelIntArg('conv1d', 'stride', opts.stride ?? 1, 1);
  const dilation = kernelIntArg('conv1d', 'dilation', opts.dilation ?? 1, 1);
  const groups = kernelIntArg('conv1d', 'groups', opts.groups ?? 1, 1);
  const [n, cIn, l] = input.shape;
  const [cOut, cInG, k] = weight.shape;
  if (cOut % groups !== 0) throw new RangeError(`conv1d: out_channels (${cOut}) must be divisible by groups (${groups})`);
  if (cInG * groups !== cIn) {
    throw new RangeError(`conv1d: expected input ${shapeStr(input.shape)} to have ${cInG * groups} channels (weight ${shapeStr(weight.shape)} with groups=${groups}), but got ${cIn} channels`);
  }
  if (k < 1) throw new RangeError(`conv1d: expected a kernel size >= 1, got weight of shape ${shapeStr(weight.shape)}`);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== cOut)) {
    throw new RangeError(`conv1d: expected bias of shape (${cOut},), got ${shapeStr(bias.shape)}`);
  }
  let padding: number;
  let extraRight = 0;
  const pad = opts.padding ?? 0;
  if (pad === 'valid') padding = 0;
  else if (pad === 'same') {
    if (stride !== 1) throw new RangeError("conv1d: padding='same' is not supported for strided convolutions");
    const total = dilation * (k - 1);
    padding = Math.floor(total / 2);
    extraRight = total - 2 * padding;
  } else if (typeof pad === 'number') padding = kernelIntArg('conv1d', 'padding', pad, 0);
  else throw new TypeError(`conv1d: expected padding to be a number, 'same' or 'valid', got ${describeValue(pad)}`);

  if (extraRight > 0) {
    // Asymmetric 'same': zero-extend the input on the right, then pad symmetrically.
    return convolve(padRight(input, extraRight), weight, bias, { stride, padding, dilation, groups }, relu);
  }
  const lOut = convOutLength(l, k, stride, padding, dilation);
  if (lOut < 1) {
    throw new RangeError(`conv1d: calculated output size (${n}x${cOut}x${lOut}) is too small for input ${shapeStr(input.shape)}, kernel ${k}, padding ${padding}, dilation ${dilation}`);
  }
  const p: Conv1dParams = { n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut, relu };
  const be = getBackend();
  checkAllocation('conv1d', n * cOut * lOut);
  const y = activationBuffer(n * cOut * lOut);
  be.conv1dForward(input.data as Float32Array, weight.data as Float32Array, bias ? (bias.data as Float32Array) : null, y, p);
  const out = new Tensor(y, [n, cOut, lOut]);
  return record(out, relu ? 'ReluBackward0' : 'ConvolutionBackward0', [input, weight, bias], (g, owned, pending) => convGrads(g, owned, y, relu, input, weight, bias, {
    input: (gy, w, gx) => be.conv1dBackwardInput(gy, w, gx, null, p),
    inputInto: (gy, w, sum) => be.conv1dBackwardInput(gy, w, sum, sum, p),
    weight: (x, gy, gw, gb) => be.conv1dBackwardWeight(x, gy, gw, gb, p),
  }, pending), { stride, padding, dilation, groups, ...(relu ? { fused: 'ConvolutionBackward0' } : {}) }, { ownsOutput: true });
}

/** (N, C, L) -> (N, C, L + r) with zeros on the right; gradient is the left part. */
function padRight(x: Tensor, r: number): Tensor {
  const [n, c, l] = x.shape;
  const out = new Float32Array(n * c * (l + r));
  for (let row = 0; row < n * c; row++) out.set((x.data as Float32Array).subarray(row * l, row * l + l), row * (l + r));
  return record(new Tensor(out, [n, c, l + r]), 'ConstantPadNdBackward0', [x], (g) => {
    const gx = new Float32Array(n * c * l);
    const gd = g.data as Float32Array;
    for (let row = 0; row < n * c; row++) gx.set(gd.subarray(row * (l + r), row * (l + r) + l), row * l);
    return [new Tensor(gx, x.shape)];
  }, { right: r });
}
