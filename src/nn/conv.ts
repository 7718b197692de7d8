/** Conv1d layer (torch.nn.Conv1d) over the backend's conv1d kernels. */
import { Tensor, shapeStr } from '../tensor.js';
import { conv1d, conv1dRelu } from '../ops/conv1d.js';
import type { Generator } from '../util/generator.js';
import { FusibleConv } from './fusible-conv.js';
import { pyTuple1 } from './repr.js';
import { tensorArg, optionsArg } from '../ops/args.js';

/** Options of `nn.Conv1d`, PyTorch's keywords: stride, padding, dilation, groups, bias, paddingMode, and the initialisation generator. */
export interface Conv1dLayerOptions {
  /** Default 1. */
  stride?: number | readonly number[];
  /** Zero padding on both sides: a number, 'valid' (0) or 'same' (stride 1 only). Default 0. */
  padding?: number | readonly number[] | 'same' | 'valid';
  /** Default 1. */
  dilation?: number | readonly number[];
  /** Split channels into groups convolved separately; inChannels and outChannels must divide. Default 1. */
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Random source for the initialisation (default the global generator). */
  generator?: Generator;
}

function single(name: string, v: unknown, min: number): number {
  const n = Array.isArray(v) ? (v.length === 1 ? v[0] : Number.NaN) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new TypeError(`Conv1d: expected ${name} to be an integer or a 1-element array of one, got ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`);
  }
  if (n < min) throw new RangeError(`Conv1d: expected ${name} to be >= ${min}, got ${n}`);
  return n;
}

/**
 * 1-D convolution over (N, C_in, L) signals. Initialised like PyTorch: weight ~ kaiming-uniform
 * (a = sqrt(5)), bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = inChannels / groups * kernelSize.
 *
 * Shape: input (N, C_in, L) or (C_in, L) -> (N, C_out, L_out), L_out = floor((L + 2 * padding -
 * dilation * (kernelSize - 1) - 1) / stride) + 1. Parameters: weight (C_out, C_in / groups, kernelSize),
 * bias (C_out).
 * @example new nn.Conv1d(1, 32, 7, { stride: 2, padding: 3 })
 */
export class Conv1d extends FusibleConv {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number | 'same' | 'valid';
  readonly dilation: number;
  readonly groups: number;

  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], opts: Conv1dLayerOptions = {}) {
    super();
    opts = optionsArg('Conv1d', opts) as typeof opts;
    this.inChannels = single('inChannels', inChannels, 0);
    this.outChannels = single('outChannels', outChannels, 0);
    this.kernelSize = single('kernelSize', kernelSize, 1);
    this.stride = single('stride', opts.stride ?? 1, 1);
    this.dilation = single('dilation', opts.dilation ?? 1, 1);
    const groups = opts.groups ?? 1;
    if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) {
      throw new RangeError(`Conv1d: groups must be a positive integer, got ${String(groups)}`);
    }
    this.groups = groups;
    if (inChannels % groups !== 0) throw new RangeError(`Conv1d: inChannels must be divisible by groups, got inChannels=${inChannels}, groups=${groups}`);
    if (outChannels % groups !== 0) throw new RangeError(`Conv1d: outChannels must be divisible by groups, got outChannels=${outChannels}, groups=${groups}`);
    const pad = opts.padding ?? 0;
    if (typeof pad === 'string') {
      if (pad !== 'same' && pad !== 'valid') throw new RangeError(`Conv1d: invalid padding string '${pad}', should be one of 'valid', 'same'`);
      if (pad === 'same' && this.stride !== 1) throw new RangeError(`Conv1d: padding='same' is not supported for strided convolutions, got stride=${this.stride}`);
      this.padding = pad;
    } else {
      this.padding = single('padding', pad, 0);
    }
    this.initWeightAndBias('Conv1d', [outChannels, inChannels / groups, this.kernelSize], outChannels, opts.bias, opts.generator);
  }

  protected convolve(x: Tensor, relu: boolean): Tensor {
    tensorArg('Conv1d', 'input', x);
    const c = this.inChannels;
    if ((x.ndim !== 3 && x.ndim !== 2) || x.shape[x.ndim - 2] !== c) {
      throw new RangeError(`Conv1d: expected input of shape (N, C_in=${c}, L) or (C_in=${c}, L), got ${shapeStr(x.shape)}`);
    }
    const opts = { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
    return (relu ? conv1dRelu : conv1d)(x, this.weight, this.bias, opts);
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple1(this.kernelSize)}, stride=${pyTuple1(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding !== 0) s += `, padding=${pyTuple1(this.padding)}`;
    if (this.dilation !== 1) s += `, dilation=${pyTuple1(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}
