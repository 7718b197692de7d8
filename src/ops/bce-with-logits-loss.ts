/** bceWithLogitsLoss: sigmoid + binary cross entropy in one stable op, like torch.nn.functional.binary_cross_entropy_with_logits. */
import { optionsArg } from './args.js';
import { Tensor } from '../tensor.js';
import { checkBceArgs, elementwiseLoss } from './bce-common.js';
import type { Reduction } from './loss-reduction.js';

/** Options of `nn.functional.binaryCrossEntropyWithLogits`: element weights, posWeight and the reduction. */
export interface BceWithLogitsLossOptions {
  /** Rescaling weight, broadcastable to the input's shape. */
  weight?: Tensor | null;
  /** Weight of positive examples, broadcastable to the input's shape (typically (C) for (N, C) input). */
  posWeight?: Tensor | null;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/** log(1 + exp(-x)) without overflow: max(-x, 0) + log(exp(-max) + exp(-x - max)). */
function log1pExpNeg(x: number): number {
  const m = Math.max(-x, 0);
  return m + Math.log(Math.exp(-m) + Math.exp(-x - m));
}

/**
 * weight * ((1 - t) * x + (1 + (posWeight - 1) * t) * log(1 + exp(-x))), computed without overflow
 * (log(1 + exp(-x)) = max(-x, 0) + log(exp(-max) + exp(-x - max))).
 *
 * Shape: input and target of the same shape S; output () or S for reduction 'none'.
 * @example bceWithLogitsLoss(logits, targets, { posWeight: tensor([3], { dtype: 'float32' }) })
 */
export function bceWithLogitsLoss(input: Tensor, target: Tensor, opts: BceWithLogitsLossOptions = {}): Tensor {
  opts = optionsArg('bceWithLogitsLoss', opts) as typeof opts;
  const op = 'bceWithLogitsLoss';
  const { reduction, weight: wd, posWeight: pd } = checkBceArgs(op, input, target, opts.reduction, opts.weight, opts.posWeight);
  const xd = input.data as Float32Array;
  const td = target.data as Float32Array;
  return elementwiseLoss('BinaryCrossEntropyWithLogitsBackward0', input, target, reduction, wd,
    (i) => {
      const x = xd[i];
      const t = td[i];
      const sp = log1pExpNeg(x);
      const lw = pd ? 1 + (pd[i] - 1) * t : 1;
      const w = wd ? wd[i] : 1;
      return w * ((1 - t) * x + lw * sp);
    },
    // posWeight: ((pw * t) + 1 - t) * sigmoid(x) - pw * t; else sigmoid(x) - t
    (i, gi) => {
      const t = td[i];
      const sig = 1 / (1 + Math.exp(-xd[i]));
      if (!pd) return gi * (sig - t);
      const pt = pd[i] * t;
      return gi * ((pt + 1 - t) * sig - pt);
    },
    // d/dt = -x + (posWeight - 1) * log(1 + exp(-x))
    (i, gi) => gi * (-xd[i] + (pd ? pd[i] - 1 : 0) * log1pExpNeg(xd[i])),
    { reduction, weight: opts.weight ?? null, posWeight: opts.posWeight ?? null });
}
