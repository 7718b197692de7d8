/** l1Loss: mean absolute error, like torch.nn.functional.l1_loss (input and target broadcast). */
import { optionsArg } from './args.js';
import type { Tensor } from '../tensor.js';
import { checkReduction } from './loss-reduction.js';
import { elementwiseLoss, signOf } from './elementwise-loss.js';
import type { PointwiseLossOptions } from './mse-loss.js';

/**
 * |input - target|, reduced. The gradient at input == target is 0 (sign(0) = 0, as in PyTorch).
 *
 * Shape: input and target broadcastable to one shape S; output () or S for reduction 'none'.
 * @example l1Loss(pred, target, { reduction: 'sum' })
 */
export function l1Loss(input: Tensor, target: Tensor, opts: PointwiseLossOptions = {}): Tensor {
  opts = optionsArg('l1Loss', opts) as typeof opts;
  const reduction = checkReduction('l1Loss', opts.reduction);
  return elementwiseLoss('l1Loss', 'L1LossBackward0', input, target, reduction, (x, t, out) => {
    const d = x - t;
    out[0] = Math.abs(d);
    out[1] = signOf(d);
    out[2] = -signOf(d);
  });
}
