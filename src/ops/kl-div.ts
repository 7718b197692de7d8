/** klDiv: the Kullback-Leibler divergence loss, like torch.nn.functional.kl_div. */
import { optionsArg } from './args.js';
import type { Tensor } from '../tensor.js';
import { boolArg } from './args.js';
import type { Reduction } from './loss-reduction.js';
import { elementwiseLoss } from './elementwise-loss.js';

/** Options of `klDiv`: reduction (incl. 'batchmean') and logTarget. */
export interface KlDivOptions {
  /** 'mean' (default: over every element), 'batchmean' (the sum over the size of dim 0), 'sum' or 'none'. */
  reduction?: Reduction | 'batchmean';
  /** The target holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/**
 * input holds log-probabilities. Per element: target * (log(target) - input), 0 where target is 0
 * (PyTorch's xlogy); with logTarget, exp(target) * (target - input). 'batchmean' gives the mathematical
 * KL divergence per sample; 'mean' (PyTorch's default) divides by every element instead.
 *
 * Shape: input and target broadcastable to one shape S; output () or S for reduction 'none'.
 * @example klDiv(logSoftmax(logits, 1), probs, { reduction: 'batchmean' })
 */
export function klDiv(input: Tensor, target: Tensor, opts: KlDivOptions = {}): Tensor {
  const op = 'klDiv';
  opts = optionsArg(op, opts) as typeof opts;
  const { reduction, logTarget } = klDivOptions(op, opts);
  const name = 'KlDivBackward0';
  if (logTarget) {
    return elementwiseLoss(op, name, input, target, reduction, (x, t, out) => {
      const e = Math.exp(t);
      out[0] = e * (t - x);
      out[1] = -e;
      out[2] = e * (t - x + 1);
    }, { logTarget });
  }
  return elementwiseLoss(op, name, input, target, reduction, (x, t, out) => {
    const logT = t === 0 ? 0 : Math.log(t); // xlogy(t, t) = 0 at t = 0
    out[0] = t * logT - t * x;
    out[1] = -t;
    out[2] = logT + t / t - x; // NaN at t = 0, as PyTorch's xlogy gradient
  }, { logTarget });
}

/** The options of klDiv checked for `op`, with their defaults. */
export function klDivOptions(op: string, opts: KlDivOptions): Required<KlDivOptions> {
  const reduction = opts.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none' && reduction !== 'batchmean') {
    throw new RangeError(`${op}: expected reduction to be 'none', 'batchmean', 'mean' or 'sum', got '${String(reduction)}'`);
  }
  return { reduction, logTarget: boolArg(op, 'logTarget', opts.logTarget ?? false) };
}
