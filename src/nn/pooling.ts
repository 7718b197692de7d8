/** Pooling layers (torch.nn.modules.pooling): MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool1d. */
import { optionsArg } from '../ops/args.js';
import type { Tensor } from '../tensor.js';
import { maxPool1d } from '../ops/max-pool1d.js';
import { avgPool1d } from '../ops/avg-pool1d.js';
import { adaptiveAvgPool1d } from '../ops/adaptive-avg-pool1d.js';
import { adaptiveMaxPool1d } from '../ops/adaptive-max-pool1d.js';
import { single } from '../ops/pool1d.js';
import { Module } from './module.js';
import { pyBool, pyTuple1 } from './repr.js';

/** Options of `nn.MaxPool1d`: stride (default the kernel size), padding, dilation, ceilMode and returnIndices. */
export interface MaxPool1dLayerOptions<RI extends boolean = boolean> {
  /** Default (or null): kernelSize. */
  stride?: number | readonly number[] | null;
  /** -inf padding on both sides, at most kernelSize / 2. Default 0. */
  padding?: number | readonly number[];
  /** Default 1. */
  dilation?: number | readonly number[];
  /** forward returns [values, indices]. Default false. */
  returnIndices?: RI;
  /** Ceil instead of floor for the output length. Default false. */
  ceilMode?: boolean;
}

type MaybeIndices<RI extends boolean> = RI extends true ? [Tensor, Tensor] : Tensor;

/**
 * Max over sliding windows of the last dim (see maxPool1d).
 *
 * Shape: (N, C, L) or (C, L) -> (N, C, L_out) or (C, L_out).
 * @example new nn.MaxPool1d(3, { stride: 2, padding: 1 })
 */
export class MaxPool1d<RI extends boolean = false> extends Module<[Tensor], MaybeIndices<RI>> {
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly returnIndices: RI;
  readonly ceilMode: boolean;

  constructor(kernelSize: number | readonly number[], opts: MaxPool1dLayerOptions<RI> = {}) {
    super();
    opts = optionsArg('MaxPool1d', opts) as typeof opts;
    this.kernelSize = single('MaxPool1d', 'kernelSize', kernelSize, 1);
    this.stride = opts.stride === undefined || opts.stride === null ? this.kernelSize : single('MaxPool1d', 'stride', opts.stride, 1);
    this.padding = single('MaxPool1d', 'padding', opts.padding ?? 0, 0);
    this.dilation = single('MaxPool1d', 'dilation', opts.dilation ?? 1, 1);
    this.returnIndices = (opts.returnIndices ?? false) as RI;
    this.ceilMode = opts.ceilMode ?? false;
  }

  override forward(x: Tensor): MaybeIndices<RI> {
    return maxPool1d(x, this.kernelSize, {
      stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices,
    }) as MaybeIndices<RI>;
  }

  override extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}, dilation=${this.dilation}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/** Options of `nn.AvgPool1d`: stride (default the kernel size), padding, ceilMode and countIncludePad. */
export interface AvgPool1dLayerOptions {
  /** Default (or null): kernelSize. */
  stride?: number | readonly number[] | null;
  /** Zero padding on both sides, at most kernelSize / 2. Default 0. */
  padding?: number | readonly number[];
  /** Ceil instead of floor for the output length. Default false. */
  ceilMode?: boolean;
  /** Count padding in the divisor. Default true. */
  countIncludePad?: boolean;
}

/**
 * Mean over sliding windows of the last dim (see avgPool1d).
 *
 * Shape: (N, C, L) or (C, L) -> (N, C, L_out) or (C, L_out).
 * @example new nn.AvgPool1d(3, { stride: 2 })
 */
export class AvgPool1d extends Module {
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: number | readonly number[], opts: AvgPool1dLayerOptions = {}) {
    super();
    opts = optionsArg('AvgPool1d', opts) as typeof opts;
    this.kernelSize = single('AvgPool1d', 'kernelSize', kernelSize, 1);
    this.stride = opts.stride === undefined || opts.stride === null ? this.kernelSize : single('AvgPool1d', 'stride', opts.stride, 1);
    this.padding = single('AvgPool1d', 'padding', opts.padding ?? 0, 0);
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
  }

  override forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyTuple1(this.kernelSize)}, stride=${pyTuple1(this.stride)}, padding=${pyTuple1(this.padding)}`;
  }
}

/**
 * Average pooling to a fixed length: window i covers [floor(i * L / out), ceil((i + 1) * L / out)).
 *
 * Shape: (N, C, L) or (C, L) -> (N, C, outputSize) or (C, outputSize).
 * @example new nn.AdaptiveAvgPool1d(1) // global average pooling
 */
export class AdaptiveAvgPool1d extends Module {
  readonly outputSize: number;

  constructor(outputSize: number | readonly number[]) {
    super();
    this.outputSize = single('AdaptiveAvgPool1d', 'outputSize', outputSize, 0);
  }

  override forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}

/**
 * Max pooling to a fixed length (windows as in AdaptiveAvgPool1d).
 *
 * Shape: (N, C, L) or (C, L) -> (N, C, outputSize) or (C, outputSize).
 * @example new nn.AdaptiveMaxPool1d(4)
 */
export class AdaptiveMaxPool1d<RI extends boolean = false> extends Module<[Tensor], MaybeIndices<RI>> {
  readonly outputSize: number;
  readonly returnIndices: RI;

  constructor(outputSize: number | readonly number[], opts: { returnIndices?: RI } = {}) {
    super();
    opts = optionsArg('AdaptiveMaxPool1d', opts) as typeof opts;
    this.outputSize = single('AdaptiveMaxPool1d', 'outputSize', outputSize, 0);
    this.returnIndices = (opts.returnIndices ?? false) as RI;
  }

  override forward(x: Tensor): MaybeIndices<RI> {
    return adaptiveMaxPool1d(x, this.outputSize, { returnIndices: this.returnIndices }) as MaybeIndices<RI>;
  }

  override extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}
