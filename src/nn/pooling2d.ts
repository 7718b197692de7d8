/** 2-D pooling layers (torch.nn.modules.pooling): MaxPool2d, AvgPool2d, AdaptiveAvgPool2d. */
import type { Tensor } from '../tensor.js';
import { maxPool2d } from '../ops/max-pool2d.js';
import { avgPool2d } from '../ops/avg-pool2d.js';
import { adaptiveAvgPool2d } from '../ops/adaptive-avg-pool2d.js';
import { Module } from './module.js';
import { pyBool } from './repr.js';

type Pair = number | readonly [number, number];

/** How PyTorch prints a size the user gave as an int or a tuple: 2 or (2, 3). */
function pySize(v: Pair | readonly (number | null)[]): string {
  return typeof v === 'number' ? String(v) : `(${v.map((e) => (e === null ? 'None' : e)).join(', ')})`;
}

/** Options of `nn.MaxPool2d`: stride (default the kernel size), padding, dilation, ceilMode and returnIndices. */
export interface MaxPool2dLayerOptions<RI extends boolean = boolean> {
  /** Default (or null): kernelSize. */
  stride?: Pair | null;
  /** -inf padding on both sides of each dim, at most half the kernel. Default 0. */
  padding?: Pair;
  /** Default 1. */
  dilation?: Pair;
  /** forward returns [values, indices]. Default false. */
  returnIndices?: RI;
  /** Ceil instead of floor for the output size. Default false. */
  ceilMode?: boolean;
}

type MaybeIndices<RI extends boolean> = RI extends true ? [Tensor, Tensor] : Tensor;

/**
 * Max over sliding 2-D windows (see maxPool2d). Sizes are kept as given (an int or a pair) and
 * checked by the op at forward, as PyTorch does.
 *
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out) or (C, H_out, W_out).
 * @example new nn.MaxPool2d(2)
 */
export class MaxPool2d<RI extends boolean = false> extends Module<[Tensor], MaybeIndices<RI>> {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly returnIndices: RI;
  readonly ceilMode: boolean;

  constructor(kernelSize: Pair, opts: MaxPool2dLayerOptions<RI> = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.returnIndices = (opts.returnIndices ?? false) as RI;
    this.ceilMode = opts.ceilMode ?? false;
  }

  override forward(x: Tensor): MaybeIndices<RI> {
    return maxPool2d(x, this.kernelSize, {
      stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices,
    }) as MaybeIndices<RI>;
  }

  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${pySize(this.padding)}, dilation=${pySize(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/** Options of `nn.AvgPool2d`: stride (default the kernel size), padding, ceilMode, countIncludePad and divisorOverride. */
export interface AvgPool2dLayerOptions {
  /** Default (or null): kernelSize. */
  stride?: Pair | null;
  /** Zero padding on both sides of each dim, at most half the kernel. Default 0. */
  padding?: Pair;
  /** Ceil instead of floor for the output size. Default false. */
  ceilMode?: boolean;
  /** Count the zero padding in the divisor. Default true. */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead. Default null. */
  divisorOverride?: number | null;
}

/**
 * Mean over sliding 2-D windows (see avgPool2d).
 *
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out) or (C, H_out, W_out).
 * @example new nn.AvgPool2d(2)
 */
export class AvgPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: Pair, opts: AvgPool2dLayerOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }

  override forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${pySize(this.padding)}`;
  }
}

/**
 * Average pooling to a fixed output size (see adaptiveAvgPool2d); a null in outputSize keeps that input dim.
 *
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C, oh, ow) or (C, oh, ow).
 * @example new nn.AdaptiveAvgPool2d(1) // global average pooling
 */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: number | readonly [number | null, number | null];

  constructor(outputSize: number | readonly [number | null, number | null]) {
    super();
    this.outputSize = outputSize;
  }

  override forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${pySize(this.outputSize)}`;
  }
}
