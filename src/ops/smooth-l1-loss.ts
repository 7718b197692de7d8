/** smoothL1Loss, like torch.nn.functional.smooth_l1_loss: huberLoss divided by beta (l1Loss for beta 0). */
import { optionsArg } from './args.js';
import type { Tensor } from '../tensor.js';
import { numberArg } from './args.js';
import { checkReduction, type Reduction } from './loss-reduction.js';
import { elementwiseLoss } from './elementwise-loss.js';

/** Options of `smoothL1Loss`: reduction and beta (default 1). */
export interface SmoothL1LossOptions {
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
  /** Where the loss turns from quadratic to linear; >= 0 (default 1; 0 is the L1 loss). */
  beta?: number;
}

/**
 * With d = input - target: 0.5 * d^2 / beta if |d| < beta, else |d| - 0.5 * beta, reduced. Gradient:
 * d / beta clamped to [-1, 1]; with beta 0 the loss is |d| and the gradient -1 at d <= 0, 1 above (PyTorch 1.13's
 * smooth_l1_backward, not l1Loss's sign).
 *
 * Shape: input and target broadcastable to one shape S; output () or S for reduction 'none'.
 * @example smoothL1Loss(pred, target, { beta: 0.5 })
 */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: SmoothL1LossOptions = {}): Tensor {
  const op = 'smoothL1Loss';
  opts = optionsArg(op, opts) as typeof opts;
  const reduction = checkReduction(op, opts.reduction);
  const beta = smoothL1Beta(op, opts.beta);
  return elementwiseLoss(op, 'SmoothL1LossBackward0', input, target, reduction, (x, t, out) => {
    const d = x - t;
    const a = Math.abs(d);
    out[0] = a < beta ? (0.5 * d * d) / beta : a - 0.5 * beta;
    out[1] = slope(d, beta);
    out[2] = slope(-d, beta); // not -out[1]: with beta 0 and d 0 both are -1, as in PyTorch
  }, { beta });
}

/** PyTorch's smooth_l1_backward for one element: d / beta clamped to [-1, 1], -1 first (so -1 at d = beta = 0). */
function slope(d: number, beta: number): number {
  return d <= -beta ? -1 : d >= beta ? 1 : d / beta;
}

/** The beta option (default 1) checked for `op`: a number >= 0, in PyTorch's words. */
export function smoothL1Beta(op: string, v: unknown): number {
  const beta = numberArg(op, 'beta', v === undefined ? 1 : v);
  if (!(beta >= 0)) throw new RangeError(`${op}: smooth_l1_loss does not support negative values for beta, got ${beta}`);
  return beta;
}
