/**
 * 2-D convolution layers (torch.nn.Conv2d, ConvTranspose1d, ConvTranspose2d) over the backend's conv2d
 * kernels, and the constructor checks they share.
 */
import { Tensor, shapeStr } from '../tensor.js';
import { conv2d, conv2dRelu } from '../ops/conv2d.js';
import { convTranspose1d } from '../ops/conv-transpose1d.js';
import { convTranspose2d } from '../ops/conv-transpose2d.js';
import { pairArg } from '../ops/pair.js';
import { tensorArg } from '../ops/args.js';
import type { Generator } from '../util/generator.js';
import type { Parameter } from './parameter.js';
import { WeightAndBiasLayer } from './weight-and-bias.js';
import { FusibleConv } from './fusible-conv.js';
import { single } from '../ops/pool1d.js';
import { describeValue } from '../util/describe.js';

type Pair = number | readonly [number, number];

/** A Python tuple of ints as PyTorch prints it: (3, 3) or (3,). */
function pyTuple(t: readonly number[]): string {
  return t.length === 1 ? `(${t[0]},)` : `(${t.join(', ')})`;
}

/** groups, channel divisibility and paddingMode, checked as PyTorch's _ConvNd does. */
function convBase(layer: string, inChannels: number, outChannels: number, groups: unknown, paddingMode: unknown): number {
  single(layer, 'inChannels', inChannels, 0);
  single(layer, 'outChannels', outChannels, 0);
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) {
    throw new RangeError(`${layer}: groups must be a positive integer, got ${describeValue(groups)}`);
  }
  if (inChannels % groups !== 0) throw new RangeError(`${layer}: in_channels must be divisible by groups, got inChannels=${inChannels}, groups=${groups}`);
  if (outChannels % groups !== 0) throw new RangeError(`${layer}: out_channels must be divisible by groups, got outChannels=${outChannels}, groups=${groups}`);
  if (paddingMode !== 'zeros') {
    const known = ['reflect', 'replicate', 'circular'].includes(paddingMode as string);
    throw new RangeError(known
      ? `${layer}: paddingMode '${String(paddingMode)}' is not supported yet; only 'zeros' is`
      : `${layer}: padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode=${describeValue(paddingMode)}`);
  }
  return groups;
}

/** The repr tail PyTorch's _ConvNd.extra_repr prints after stride. */
function convReprTail(m: { dilation: readonly number[]; groups: number; bias: Parameter | null }, padding: readonly number[] | string, outputPadding?: readonly number[]): string {
  let s = '';
  if (typeof padding === 'string') s += `, padding=${padding}`;
  else if (padding.some((v) => v !== 0)) s += `, padding=${pyTuple(padding)}`;
  if (m.dilation.some((v) => v !== 1)) s += `, dilation=${pyTuple(m.dilation)}`;
  if (outputPadding && outputPadding.some((v) => v !== 0)) s += `, output_padding=${pyTuple(outputPadding)}`;
  if (m.groups !== 1) s += `, groups=${m.groups}`;
  if (m.bias === null) s += ', bias=False';
  return s;
}

/** Options of `nn.Conv2d`, PyTorch's keywords: stride, padding, dilation, groups, bias, paddingMode ('zeros') and the initialisation generator. */
export interface Conv2dLayerOptions {
  /** Default 1. */
  stride?: Pair;
  /** Zero padding: a number, [padH, padW], 'valid' (0) or 'same' (stride 1 only). Default 0. */
  padding?: Pair | 'same' | 'valid';
  /** Default 1. */
  dilation?: Pair;
  /** Split channels into groups convolved separately; inChannels and outChannels must divide. Default 1. */
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Only 'zeros' (the default) is supported. */
  paddingMode?: 'zeros';
  /** Random source for the initialisation (default the global generator). */
  generator?: Generator;
}

/**
 * 2-D convolution over (N, C_in, H, W) images. Initialised like PyTorch: weight ~ kaiming-uniform (a = sqrt(5)),
 * bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = inChannels / groups * kH * kW. State dict: weight, bias.
 *
 * Shape: input (N, C_in, H, W) or (C_in, H, W) -> (N, C_out, H_out, W_out), H_out = floor((H + 2 * padH -
 * dilationH * (kH - 1) - 1) / strideH) + 1 (W_out likewise). Parameters: weight (C_out, C_in / groups, kH, kW),
 * bias (C_out).
 * @example new nn.Conv2d(3, 16, 3, { padding: 1 })
 */
export class Conv2d extends FusibleConv {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode = 'zeros';

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, opts: Conv2dLayerOptions = {}) {
    super();
    const layer = 'Conv2d';
    this.groups = convBase(layer, inChannels, outChannels, opts.groups ?? 1, opts.paddingMode ?? 'zeros');
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = pairArg(layer, 'kernelSize', kernelSize, 1);
    this.stride = pairArg(layer, 'stride', opts.stride ?? 1, 1);
    this.dilation = pairArg(layer, 'dilation', opts.dilation ?? 1, 1);
    const pad = opts.padding ?? 0;
    if (typeof pad === 'string') {
      if (pad !== 'same' && pad !== 'valid') throw new RangeError(`${layer}: Invalid padding string '${pad}', should be one of ['valid', 'same']`);
      if (pad === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1)) throw new RangeError(`${layer}: padding='same' is not supported for strided convolutions`);
      this.padding = pad;
    } else {
      this.padding = pairArg(layer, 'padding', pad, 0);
    }
    this.initWeightAndBias(layer, [outChannels, inChannels / this.groups, ...this.kernelSize], outChannels, opts.bias, opts.generator);
  }

  protected convolve(x: Tensor, relu: boolean): Tensor {
    tensorArg('Conv2d', 'input', x);
    const c = this.inChannels;
    if ((x.ndim !== 4 && x.ndim !== 3) || x.shape[x.ndim - 3] !== c) {
      throw new RangeError(`Conv2d: expected input of shape (N, C_in=${c}, H, W) or (C_in=${c}, H, W), got ${shapeStr(x.shape)}`);
    }
    const opts = { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
    return (relu ? conv2dRelu : conv2d)(x, this.weight, this.bias, opts);
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`
      + convReprTail(this, this.padding);
  }
}

/** Options of `nn.ConvTranspose1d` / `nn.ConvTranspose2d`: stride, padding, outputPadding, groups, bias, dilation and the initialisation generator. */
export interface ConvTransposeLayerOptions<S> {
  /** Default 1. */
  stride?: S;
  /** dilation * (kernelSize - 1) - padding zeros are added to each side of the input. Default 0. */
  padding?: S;
  /** Extra size added to one side of each output dim, smaller than stride. Default 0. */
  outputPadding?: S;
  /** Default 1. */
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Default 1. */
  dilation?: S;
  /** Only 'zeros' (the default) is supported. */
  paddingMode?: 'zeros';
  /** Random source for the initialisation (default the global generator). */
  generator?: Generator;
}

/** What ConvTranspose1d and ConvTranspose2d share: the checks, parameters, initialisation and repr. */
abstract class ConvTransposeNd extends WeightAndBiasLayer {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly groups: number;
  readonly paddingMode = 'zeros';
  abstract readonly kernelSize: readonly number[];
  abstract readonly stride: readonly number[];
  abstract readonly padding: readonly number[];
  abstract readonly outputPadding: readonly number[];
  abstract readonly dilation: readonly number[];

  constructor(layer: string, inChannels: number, outChannels: number, opts: ConvTransposeLayerOptions<unknown>) {
    super();
    this.groups = convBase(layer, inChannels, outChannels, opts.groups ?? 1, opts.paddingMode ?? 'zeros');
    this.inChannels = inChannels;
    this.outChannels = outChannels;
  }

  /** Registers weight (C_in, C_out / groups, ...kernelSize) and bias, PyTorch's initialisation (fan_in from the weight's dim 1). */
  protected initParameters(bias: boolean | undefined, generator: Generator | undefined): void {
    const weightShape = [this.inChannels, this.outChannels / this.groups, ...this.kernelSize];
    this.initWeightAndBias(this.constructor.name, weightShape, this.outChannels, bias, generator);
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`
      + convReprTail(this, this.padding, this.outputPadding);
  }
}

/**
 * Transposed 1-D convolution (see convTranspose1d). State dict: weight (C_in, C_out / groups, K), bias (C_out).
 *
 * Shape: (N, C_in, L) or (C_in, L) -> (N, C_out, L_out), L_out = (L - 1) * stride - 2 * padding +
 * dilation * (K - 1) + outputPadding + 1.
 * @example new nn.ConvTranspose1d(16, 8, 4, { stride: 2, padding: 1 })
 */
export class ConvTranspose1d extends ConvTransposeNd {
  readonly kernelSize: [number];
  readonly stride: [number];
  readonly padding: [number];
  readonly outputPadding: [number];
  readonly dilation: [number];

  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly [number], opts: ConvTransposeLayerOptions<number | readonly [number]> = {}) {
    super('ConvTranspose1d', inChannels, outChannels, opts);
    const layer = 'ConvTranspose1d';
    this.kernelSize = [single(layer, 'kernelSize', kernelSize, 1)];
    this.stride = [single(layer, 'stride', opts.stride ?? 1, 1)];
    this.padding = [single(layer, 'padding', opts.padding ?? 0, 0)];
    this.outputPadding = [single(layer, 'outputPadding', opts.outputPadding ?? 0, 0)];
    this.dilation = [single(layer, 'dilation', opts.dilation ?? 1, 1)];
    this.initParameters(opts.bias, opts.generator);
  }

  override forward(x: Tensor): Tensor {
    tensorArg('ConvTranspose1d', 'input', x);
    return convTranspose1d(x, this.weight, this.bias, {
      stride: this.stride[0], padding: this.padding[0], outputPadding: this.outputPadding[0], groups: this.groups, dilation: this.dilation[0],
    });
  }
}

/**
 * Transposed 2-D convolution (see convTranspose2d). State dict: weight (C_in, C_out / groups, kH, kW), bias (C_out).
 *
 * Shape: (N, C_in, H, W) or (C_in, H, W) -> (N, C_out, H_out, W_out), H_out = (H - 1) * strideH - 2 * padH +
 * dilationH * (kH - 1) + outputPaddingH + 1 (W_out likewise).
 * @example new nn.ConvTranspose2d(16, 8, 2, { stride: 2 })
 */
export class ConvTranspose2d extends ConvTransposeNd {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, opts: ConvTransposeLayerOptions<Pair> = {}) {
    super('ConvTranspose2d', inChannels, outChannels, opts);
    const layer = 'ConvTranspose2d';
    this.kernelSize = pairArg(layer, 'kernelSize', kernelSize, 1);
    this.stride = pairArg(layer, 'stride', opts.stride ?? 1, 1);
    this.padding = pairArg(layer, 'padding', opts.padding ?? 0, 0);
    this.outputPadding = pairArg(layer, 'outputPadding', opts.outputPadding ?? 0, 0);
    this.dilation = pairArg(layer, 'dilation', opts.dilation ?? 1, 1);
    this.initParameters(opts.bias, opts.generator);
  }

  override forward(x: Tensor): Tensor {
    tensorArg('ConvTranspose2d', 'input', x);
    return convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, groups: this.groups, dilation: this.dilation,
    });
  }
}
