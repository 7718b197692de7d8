/** Batch normalisation layers (torch.nn.BatchNorm1d, BatchNorm2d): one base class, the input rank apart. */
import { checkAllocation } from '../util/limits.js';
import { Tensor, shapeStr } from '../tensor.js';
import { ones, zeros } from '../creation.js';
import { batchNorm, batchNormRelu } from '../ops/batch-norm.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyBool, pyFloat } from './repr.js';
import { tensorArg } from '../ops/args.js';

/** Options of `nn.BatchNorm1d`: eps, momentum (null: cumulative average), affine and trackRunningStats, as in PyTorch. */
export interface BatchNorm1dOptions {
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Running-statistics update factor (default 0.1); null = cumulative moving average (1 / batches seen). */
  momentum?: number | null;
  /** Learn a per-channel scale and shift (weight, bias). Default true. */
  affine?: boolean;
  /** Keep running_mean / running_var / num_batches_tracked buffers (default true); otherwise batch statistics are used in eval too. */
  trackRunningStats?: boolean;
}

/**
 * What BatchNorm1d and BatchNorm2d share (PyTorch's _BatchNorm): the parameters, buffers, running-statistics
 * update and repr. Subclasses name themselves and check the input's rank.
 */
abstract class BatchNormNd extends Module {
  readonly numFeatures: number;
  eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  /** The layer's name in messages. */
  protected abstract readonly layer: string;
  /** Throws PyTorch's error unless x has the rank this layer takes. */
  protected abstract checkInputDim(x: Tensor): void;
  /** The input shapes this layer takes, for messages. */
  protected abstract shapeText(c: number): string;

  constructor(numFeatures: number, opts: BatchNorm1dOptions = {}) {
    super();
    if (typeof numFeatures !== 'number' || !Number.isInteger(numFeatures) || numFeatures < 0) {
      throw new RangeError(`${new.target.name}: expected numFeatures to be a non-negative integer, got ${String(numFeatures)}`);
    }
    this.numFeatures = numFeatures;
    checkAllocation('BatchNorm1d', [numFeatures, numFeatures, numFeatures, numFeatures]); // weight, bias, running stats
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    this.registerParameter('weight', this.affine ? new Parameter(ones([numFeatures])) : null);
    this.registerParameter('bias', this.affine ? new Parameter(zeros([numFeatures])) : null);
    this.registerBuffer('running_mean', this.trackRunningStats ? zeros([numFeatures]) : null);
    this.registerBuffer('running_var', this.trackRunningStats ? ones([numFeatures]) : null);
    this.registerBuffer('num_batches_tracked', this.trackRunningStats ? zeros([], { dtype: 'int64' }) : null);
    // As PyTorch's __init__: its fills leave every parameter and buffer at version 1.
    this.resetParameters();
  }

  /** The running mean buffer (`running_mean`), or null without running stats. */
  get runningMean(): Tensor | null {
    return this._buffers.get('running_mean') ?? null;
  }

  /** The running variance buffer (`running_var`), or null without running stats. */
  get runningVar(): Tensor | null {
    return this._buffers.get('running_var') ?? null;
  }

  /** Training batches seen (`num_batches_tracked`, int64 0-d), or null without running stats. */
  get numBatchesTracked(): Tensor | null {
    return this._buffers.get('num_batches_tracked') ?? null;
  }

  /** Reset running_mean to 0, running_var to 1, num_batches_tracked to 0. */
  resetRunningStats(): void {
    this.runningMean?._fill(0);
    this.runningVar?._fill(1);
    this.numBatchesTracked?._fill(0);
  }

  /** resetRunningStats() and weight = 1, bias = 0. */
  resetParameters(): void {
    this.resetRunningStats();
    this.weight?._fill(1);
    this.bias?._fill(0);
  }

  override forward(x: Tensor): Tensor {
    return this.normalize(x, false);
  }

  /** @internal relu(forward(x)) as one fused op (nn.Sequential runs BatchNorm1d / BatchNorm2d + ReLU this way, ./fusion.ts). */
  forwardRelu(x: Tensor): Tensor {
    return this.normalize(x, true);
  }

  private normalize(x: Tensor, relu: boolean): Tensor {
    tensorArg(this.layer, 'input', x);
    this.checkInputDim(x);
    const c = this.numFeatures;
    if (x.shape[1] !== c) throw new RangeError(`${this.layer}: expected input of shape ${this.shapeText(c)}, got ${shapeStr(x.shape)}`);
    const nbt = this.numBatchesTracked;
    const counting = this.training && this.trackRunningStats && nbt !== null;
    let factor = this.momentum ?? 0;
    if (counting && this.momentum === null) factor = 1 / (nbt.data[0] + 1);
    const rm = this.runningMean;
    const rv = this.runningVar;
    const bnTraining = this.training || (rm === null && rv === null);
    const useRunning = !this.training || this.trackRunningStats;
    const out = (relu ? batchNormRelu : batchNorm)(x, useRunning ? rm : null, useRunning ? rv : null, {
      weight: this.weight, bias: this.bias, training: bnTraining, momentum: factor, eps: this.eps,
    });
    // As PyTorch 1.13: num_batches_tracked.add_(1) bumps its version; the kernel's running-stat
    // update does not bump running_mean / running_var (nothing saves them for a train-mode backward).
    if (counting) {
      nbt.data[0] += 1;
      nbt._bumpVersion();
    }
    return out;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/**
 * Batch normalisation over the channel dim of (N, C) or (N, C, L) input. In training mode it normalises
 * with the batch statistics (biased variance) and updates the running statistics (unbiased variance);
 * in eval mode it uses the running statistics. State dict keys: weight, bias, running_mean,
 * running_var, num_batches_tracked (int64, 0-d).
 *
 * Shape: input (N, C) or (N, C, L) -> same shape.
 * @example new nn.BatchNorm1d(32)
 */
export class BatchNorm1d extends BatchNormNd {
  protected readonly layer = 'BatchNorm1d';

  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`BatchNorm1d: expected 2D or 3D input (got ${x.ndim}D input of shape ${shapeStr(x.shape)})`);
  }

  protected shapeText(c: number): string {
    return `(N, C=${c}) or (N, C=${c}, L)`;
  }
}

/**
 * Batch normalisation over the channel dim of (N, C, H, W) images (the batch-norm kernel over
 * N x C x (H * W)), otherwise as BatchNorm1d: same options, buffers and state dict keys.
 *
 * Shape: input (N, C, H, W) -> same shape.
 * @example new nn.BatchNorm2d(16)
 */
export class BatchNorm2d extends BatchNormNd {
  protected readonly layer = 'BatchNorm2d';

  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 4) throw new RangeError(`BatchNorm2d: expected 4D input (got ${x.ndim}D input of shape ${shapeStr(x.shape)})`);
  }

  protected shapeText(c: number): string {
    return `(N, C=${c}, H, W)`;
  }
}
