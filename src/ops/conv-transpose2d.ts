/**
 * convTranspose2d, like torch.nn.functional.conv_transpose2d: the adjoint of conv2d, so its forward is the
 * conv2d backward-input kernel, its input gradient the conv2d forward kernel and its weight gradient the
 * conv2d backward-weight kernel with the roles of input and output swapped (no kernels of its own).
 */
import { optionsArg } from './args.js';
import { Tensor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { reshape } from './reshape.js';
import { pairArg } from './pair.js';
import { gradBuffer } from '../util/grad-pool.js';
import { getBackend } from '../backend/select.js';
import type { Conv2dParams } from '../backend/backend.js';
import { uninitF32 } from '../util/alloc.js';
import { checkConv2dTensors, conv2dGeometry } from './conv2d.js';

/** Options of `convTranspose2d`: stride, padding, outputPadding, groups and dilation (numbers or pairs). */
export interface ConvTranspose2dOptions {
  /** Default 1. */
  stride?: number | readonly [number, number];
  /** dilation * (kernelSize - 1) - padding zeros are added to each side of the input. Default 0. */
  padding?: number | readonly [number, number];
  /** Extra size added to one side of each output dim; smaller than stride. Default 0. */
  outputPadding?: number | readonly [number, number];
  /** Default 1. */
  groups?: number;
  /** Default 1. */
  dilation?: number | readonly [number, number];
}

/**
 * Transposed 2-D convolution ("deconvolution") of input with weight, plus bias.
 *
 * Shape: input (N, C_in, H, W) or (C_in, H, W); weight (C_in, C_out / groups, kH, kW); bias (C_out);
 * out (N, C_out, H_out, W_out), H_out = (H - 1) * strideH - 2 * padH + dilationH * (kH - 1) + outputPaddingH + 1.
 * Differs from PyTorch in one corner: outputPadding must be smaller than stride (PyTorch also accepts it
 * smaller than dilation).
 * @example convTranspose2d(x, weight, bias, { stride: 2, padding: 1, outputPadding: 1 })
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvTranspose2dOptions = {}): Tensor {
  opts = optionsArg('convTranspose2d', opts) as typeof opts;
  return transposed('convTranspose2d', input, weight, bias, opts);
}

/** convTranspose2d under the name of the op the user called (convTranspose1d runs through it). */
export function transposed(op: string, input: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvTranspose2dOptions): Tensor {
  checkConv2dTensors(op, input, weight, bias);
  if (input.ndim === 3) {
    const out = transposed(op, reshape(input, [1, ...input.shape]), weight, bias, opts);
    return reshape(out, out.shape.slice(1));
  }
  if (input.ndim !== 4) throw new RangeError(`${op}: expected 3D (unbatched) or 4D (batched) input, got input of shape ${shapeStr(input.shape)}`);
  const { stride, dilation, groups } = conv2dGeometry(op, opts);
  const padding = pairArg(op, 'padding', opts.padding ?? 0, 0);
  const outputPadding = pairArg(op, 'outputPadding', opts.outputPadding ?? 0, 0);
  if (outputPadding[0] >= stride[0] || outputPadding[1] >= stride[1]) {
    throw new RangeError(`${op}: output padding must be smaller than stride, but got outputPadding=[${outputPadding.join(', ')}] and stride=[${stride.join(', ')}]`);
  }
  const [n, cIn, inH, inW] = input.shape as [number, number, number, number];
  const [wIn, cOutG, kH, kW] = weight.shape as [number, number, number, number];
  if (wIn !== cIn) {
    throw new RangeError(`${op}: Given transposed=1, weight of size ${shapeStr(weight.shape)}, expected input${shapeStr(input.shape)} to have ${wIn} channels, but got ${cIn} channels instead`);
  }
  if (cIn % groups !== 0) {
    throw new RangeError(`${op}: Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${shapeStr(weight.shape)} instead`);
  }
  const cOut = cOutG * groups;
  if (kH < 1 || kW < 1) throw new RangeError(`${op}: expected a kernel size >= 1, got weight of shape ${shapeStr(weight.shape)}`);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== cOut)) {
    throw new RangeError(`${op}: Given transposed=1, weight of size ${shapeStr(weight.shape)}, expected bias to be 1-dimensional with ${cOut} elements, but got bias of size ${shapeStr(bias.shape)} instead`);
  }
  const outH = (inH - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kH - 1) + outputPadding[0] + 1;
  const outW = (inW - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kW - 1) + outputPadding[1] + 1;
  if (outH < 1 || outW < 1) {
    throw new RangeError(`${op}: Given input size per channel: (${inH} x ${inW}). Calculated output size per channel: (${outH} x ${outW}). Output size is too small`);
  }
  // The conv2d this is the adjoint of: from the output (outH x outW, cOut channels) to the input.
  const p: Conv2dParams = {
    n, cIn: cOut, cOut: cIn, inH: outH, inW: outW, kH, kW, strideH: stride[0], strideW: stride[1],
    padH: padding[0], padW: padding[1], dilationH: dilation[0], dilationW: dilation[1], groups, outH: inH, outW: inW, relu: false,
  };
  const be = getBackend();
  const plane = outH * outW;
  const y = uninitF32(n * cOut * plane);
  be.conv2dBackwardInput(input.data as Float32Array, weight.data as Float32Array, y, p);
  if (bias) {
    const bd = bias.data as Float32Array;
    for (let b = 0; b < n; b++) {
      for (let o = 0; o < cOut; o++) {
        const base = (b * cOut + o) * plane;
        for (let t = 0; t < plane; t++) y[base + t] += bd[o]!;
      }
    }
  }
  return record(new Tensor(y, [n, cOut, outH, outW]), 'ConvolutionBackward0', [input, weight, bias], (g) => {
    const gd = g.data as Float32Array;
    let gx: Tensor | null = null;
    if (input.requiresGrad) {
      const buf = gradBuffer(input.numel());
      be.conv2dForward(gd, weight.data as Float32Array, null, buf, p);
      gx = new Tensor(buf, input.shape);
    }
    let gw: Tensor | null = null;
    if (weight.requiresGrad) {
      const buf = gradBuffer(weight.numel());
      be.conv2dBackwardWeight(gd, input.data as Float32Array, buf, null, p);
      gw = new Tensor(buf, weight.shape);
    }
    let gb: Tensor | null = null;
    if (bias && bias.requiresGrad) {
      const buf = gradBuffer(cOut);
      for (let o = 0; o < cOut; o++) {
        let s = 0;
        for (let b = 0; b < n; b++) for (let t = 0, base = (b * cOut + o) * plane; t < plane; t++) s += gd[base + t]!;
        buf[o] = s;
      }
      gb = new Tensor(buf, [cOut]);
    }
    return [gx, gw, gb];
  }, { transposed: true, stride, padding, outputPadding, dilation, groups });
}
