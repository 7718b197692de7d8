/** huberLoss, like torch.nn.functional.huber_loss: quadratic below delta, linear above. */
import { optionsArg } from './args.js';
import type { Tensor } from '../tensor.js';
import { numberArg } from './args.js';
import { checkReduction, type Reduction } from './loss-reduction.js';
import { elementwiseLoss } from './elementwise-loss.js';

/** Options of `huberLoss`: reduction and delta (default 1). */
export interface HuberLossOptions {
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
  /** Where the loss turns from quadratic to linear; > 0 (default 1). */
  delta?: number;
}

/**
 * With d = input - target: 0.5 * d^2 if |d| < delta, else delta * (|d| - 0.5 * delta), reduced.
 * Gradient: d clamped to [-delta, delta].
 *
 * Shape: input and target broadcastable to one shape S; output () or S for reduction 'none'.
 * @example huberLoss(pred, target, { delta: 0.5 })
 */
export function huberLoss(input: Tensor, target: Tensor, opts: HuberLossOptions = {}): Tensor {
  const op = 'huberLoss';
  opts = optionsArg(op, opts) as typeof opts;
  const reduction = checkReduction(op, opts.reduction);
  const delta = huberDelta(op, opts.delta);
  return elementwiseLoss(op, 'HuberLossBackward0', input, target, reduction, (x, t, out) => {
    const d = x - t;
    const a = Math.abs(d);
    out[0] = a < delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
    const g = d <= -delta ? -delta : d >= delta ? delta : d;
    out[1] = g;
    out[2] = -g;
  }, { delta });
}

/** The delta option (default 1) checked for `op`: a number > 0, in PyTorch's words. */
export function huberDelta(op: string, v: unknown): number {
  const delta = numberArg(op, 'delta', v === undefined ? 1 : v);
  if (!(delta > 0)) throw new RangeError(`${op}: huber_loss does not support non-positive values for delta, got ${delta}`);
  return delta;
}
