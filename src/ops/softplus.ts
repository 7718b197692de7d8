/**
 * softplus(x) = log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold (for numerical
 * stability), like torch.nn.functional.softplus.
 */
import { optionsArg } from './args.js';
import type { Tensor } from '../tensor.js';
import { activationOp } from './float-unary.js';
import { numberArg } from './args.js';

/** Options of `softplus`: beta (default 1) and threshold (default 20) above which it is linear. */
export interface SoftplusOptions {
  /** Sharpness (default 1). */
  beta?: number;
  /** Above beta * x > threshold the function is the identity (default 20). */
  threshold?: number;
}

/**
 * Smooth approximation of relu, elementwise. Gradient: sigmoid(beta * x), or 1 above the threshold.
 *
 * Shape: any; the output has the input's shape.
 * @example softplus(tensor([0], { dtype: 'float32' })) // tensor([0.6931])
 */
export function softplus(x: Tensor, opts: SoftplusOptions = {}): Tensor {
  opts = optionsArg('softplus', opts) as typeof opts;
  const beta = numberArg('softplus', 'beta', opts.beta === undefined ? 1 : opts.beta);
  const threshold = numberArg('softplus', 'threshold', opts.threshold === undefined ? 20 : opts.threshold);
  return activationOp(
    'softplus', 'SoftplusBackward0', x,
    (v) => (v * beta > threshold ? v : Math.log1p(Math.exp(v * beta)) / beta),
    (g, v) => {
      if (v * beta > threshold) return g;
      const z = Math.exp(v * beta);
      return (g * z) / (z + 1);
    },
    { beta, threshold },
  );
}
