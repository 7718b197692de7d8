/**
 * Loss modules (torch.nn.modules.loss): CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss,
 * BCEWithLogitsLoss, HuberLoss, SmoothL1Loss, KLDivLoss. Called as `loss.call(input, target)`. Class weights are registered as buffers
 * (`weight`, `pos_weight`), as in PyTorch.
 */
import { optionsArg } from '../ops/args.js';
import { Tensor } from '../tensor.js';
import { crossEntropy } from '../ops/cross-entropy.js';
import { nllLoss } from '../ops/nll-loss.js';
import { mseLoss } from '../ops/mse-loss.js';
import { l1Loss } from '../ops/l1-loss.js';
import { bceLoss } from '../ops/bce-loss.js';
import { bceWithLogitsLoss } from '../ops/bce-with-logits-loss.js';
import { huberLoss, huberDelta } from '../ops/huber-loss.js';
import { smoothL1Loss, smoothL1Beta } from '../ops/smooth-l1-loss.js';
import { klDiv, klDivOptions } from '../ops/kl-div.js';
import { checkReduction, type Reduction } from '../ops/loss-reduction.js';
import { Module } from './module.js';
import { describeValue } from '../util/describe.js';

/** Base of the loss modules: holds the reduction. */
export class Loss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;

  constructor(reduction?: Reduction) {
    super();
    this.reduction = checkReduction(this.constructor.name, reduction);
  }
}

/** Base of the losses with a per-class `weight` buffer. */
export class WeightedLoss extends Loss {
  constructor(weight: Tensor | null | undefined, reduction?: Reduction) {
    super(reduction);
    if (weight !== undefined && weight !== null && !(weight instanceof Tensor)) {
      throw new TypeError(`${this.constructor.name}: expected weight to be a Tensor or null, got ${describeValue(weight)}`);
    }
    this.registerBuffer('weight', weight ?? null);
  }

  /** The class weight buffer, or null. */
  get classWeight(): Tensor | null {
    return this._buffers.get('weight') ?? null;
  }
}

/** Options of `nn.CrossEntropyLoss`: class weights, ignoreIndex, reduction and labelSmoothing, as in PyTorch. */
export interface CrossEntropyLossOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
  labelSmoothing?: number;
}

/**
 * Cross entropy of logits against class indices (int64) or class probabilities (float32, the input's
 * shape, e.g. one-hot). See crossEntropy for the exact reduction semantics.
 *
 * Shape: input (N, C), (C) or (N, C, d1, ...); target (N) / () / (N, d1, ...) or the input's shape.
 * @example new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).call(logits, labels)
 */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(opts: CrossEntropyLossOptions = {}) {
    super(opts.weight, opts.reduction);
    opts = optionsArg('CrossEntropyLoss', opts) as typeof opts;
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.classWeight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing,
    });
  }
}

/**
 * Negative log-likelihood of class indices given log-probabilities.
 *
 * Shape: input (N, C), (C) or (N, C, d1, ...); target (N) / () / (N, d1, ...) int64.
 * @example new nn.NLLLoss().call(logSoftmax(logits, 1), labels)
 */
export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;

  constructor(opts: { weight?: Tensor | null; ignoreIndex?: number; reduction?: Reduction } = {}) {
    super(opts.weight, opts.reduction);
    opts = optionsArg('NLLLoss', opts) as typeof opts;
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.classWeight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** Mean squared error. Shape: input and target broadcastable. @example new nn.MSELoss().call(pred, y) */
export class MSELoss extends Loss {
  constructor(opts: { reduction?: Reduction } = {}) {
    super(opts.reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error. Shape: input and target broadcastable. @example new nn.L1Loss().call(pred, y) */
export class L1Loss extends Loss {
  constructor(opts: { reduction?: Reduction } = {}) {
    super(opts.reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Binary cross entropy of probabilities in [0, 1]. Shape: input and target of one shape. */
export class BCELoss extends WeightedLoss {
  constructor(opts: { weight?: Tensor | null; reduction?: Reduction } = {}) {
    super(opts.weight, opts.reduction);
  opts = optionsArg('BCELoss', opts) as typeof opts;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return bceLoss(input, target, { weight: this.classWeight, reduction: this.reduction });
  }
}

/**
 * Sigmoid + binary cross entropy, numerically stable, with optional `posWeight` (buffer `pos_weight`).
 * Shape: input and target of one shape.
 * @example new nn.BCEWithLogitsLoss({ posWeight: tensor([3], { dtype: 'float32' }) })
 */
export class BCEWithLogitsLoss extends Loss {
  constructor(opts: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction } = {}) {
    super(opts.reduction);
    opts = optionsArg('BCEWithLogitsLoss', opts) as typeof opts;
    this.registerBuffer('weight', opts.weight ?? null);
    this.registerBuffer('pos_weight', opts.posWeight ?? null);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return bceWithLogitsLoss(input, target, {
      weight: this._buffers.get('weight') ?? null, posWeight: this._buffers.get('pos_weight') ?? null, reduction: this.reduction,
    });
  }
}

/**
 * Huber loss: 0.5 * d^2 where |d| < delta, else delta * (|d| - 0.5 * delta), with d = input - target.
 * Shape: input and target broadcastable. @example new nn.HuberLoss({ delta: 0.5 }).call(pred, y)
 */
export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(opts: { reduction?: Reduction; delta?: number } = {}) {
    super(opts.reduction);
    this.delta = huberDelta('HuberLoss', opts.delta);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/**
 * Smooth L1 loss: 0.5 * d^2 / beta where |d| < beta, else |d| - 0.5 * beta (beta 0: the L1 loss).
 * Shape: input and target broadcastable. @example new nn.SmoothL1Loss({ beta: 0.5 }).call(pred, y)
 */
export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor(opts: { reduction?: Reduction; beta?: number } = {}) {
    super(opts.reduction);
    this.beta = smoothL1Beta('SmoothL1Loss', opts.beta);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/**
 * Kullback-Leibler divergence of log-probability inputs from probability targets (log-probabilities
 * with `logTarget`). `reduction: 'batchmean'` is the mathematical KL per sample; PyTorch's default 'mean'
 * divides by every element.
 * Shape: input and target broadcastable. @example new nn.KLDivLoss({ reduction: 'batchmean' })
 */
export class KLDivLoss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction | 'batchmean';
  readonly logTarget: boolean;

  constructor(opts: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}) {
    super();
    ({ reduction: this.reduction, logTarget: this.logTarget } = klDivOptions('KLDivLoss', opts));
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
