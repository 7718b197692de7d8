/** bceLoss: binary cross entropy of probabilities, like torch.nn.functional.binary_cross_entropy. */
import { optionsArg } from './args.js';
import { Tensor } from '../tensor.js';
import { checkBceArgs, elementwiseLoss } from './bce-common.js';
import type { Reduction } from './loss-reduction.js';

/** Options of `nn.functional.binaryCrossEntropy`: element weights and the reduction. */
export interface BceLossOptions {
  /** Rescaling weight, broadcastable to the input's shape. */
  weight?: Tensor | null;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/**
 * -weight * (t * log(x) + (1 - t) * log(1 - x)), each log clamped to >= -100 as in PyTorch (so x = 0 or 1
 * gives a finite loss). Input values must lie in [0, 1].
 *
 * Shape: input and target of the same shape S; output () or S for reduction 'none'.
 * @example bceLoss(sigmoid(logits), targets)
 */
export function bceLoss(input: Tensor, target: Tensor, opts: BceLossOptions = {}): Tensor {
  opts = optionsArg('bceLoss', opts) as typeof opts;
  const op = 'bceLoss';
  const { reduction, weight: wd } = checkBceArgs(op, input, target, opts.reduction, opts.weight);
  const xd = input.data as Float32Array;
  const td = target.data as Float32Array;
  return elementwiseLoss('BinaryCrossEntropyBackward0', input, target, reduction, wd,
    (i) => {
      const x = xd[i];
      if (!(x >= 0 && x <= 1)) throw new RangeError(`${op}: all elements of input should be between 0 and 1, got ${x} at flat index ${i}`);
      const t = td[i];
      const w = wd ? wd[i] : 1;
      return w * ((t - 1) * Math.max(Math.log1p(-x), -100) - t * Math.max(Math.log(x), -100));
    },
    // PyTorch: g * (x - t) / max((1 - x) * x, 1e-12) * w
    (i, gi) => (gi * (xd[i] - td[i])) / Math.max((1 - xd[i]) * xd[i], 1e-12),
    // d/dt = w * (log(1 - x) - log(x)), logs clamped like the forward
    (i, gi) => gi * (Math.max(Math.log1p(-xd[i]), -100) - Math.max(Math.log(xd[i]), -100)),
    { reduction, weight: opts.weight ?? null });
}
