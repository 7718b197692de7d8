/** mseLoss: mean squared error, like torch.nn.functional.mse_loss (input and target broadcast). */
import { optionsArg } from './args.js';
import type { Tensor } from '../tensor.js';
import { checkReduction, type Reduction } from './loss-reduction.js';
import { elementwiseLoss } from './elementwise-loss.js';

/** Options of the elementwise losses (mseLoss, l1Loss, ...): the reduction. */
export interface PointwiseLossOptions {
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/**
 * (input - target)^2, reduced.
 *
 * Shape: input and target broadcastable to one shape S; output () or S for reduction 'none'.
 * @example mseLoss(pred, target) // scalar
 */
export function mseLoss(input: Tensor, target: Tensor, opts: PointwiseLossOptions = {}): Tensor {
  opts = optionsArg('mseLoss', opts) as typeof opts;
  const reduction = checkReduction('mseLoss', opts.reduction);
  return elementwiseLoss('mseLoss', 'MseLossBackward0', input, target, reduction, (x, t, out) => {
    const d = x - t;
    out[0] = d * d;
    out[1] = 2 * d;
    out[2] = -2 * d;
  });
}
