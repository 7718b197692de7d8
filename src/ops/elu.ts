/** elu(x) = x if x > 0 else alpha * (exp(x) - 1), like torch.nn.functional.elu. */
import type { Tensor } from '../tensor.js';
import { activationOp } from './float-unary.js';
import { numberArg } from './args.js';

/**
 * Exponential linear unit, elementwise. Gradient: 1 for x > 0, alpha * exp(x) for x <= 0 (so alpha at 0,
 * as in PyTorch).
 *
 * Shape: any; the output has the input's shape.
 * @example elu(tensor([-1, 2], { dtype: 'float32' })) // tensor([-0.6321, 2.0000])
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  numberArg('elu', 'alpha', alpha);
  return activationOp(
    'elu', 'EluBackward0', x,
    (v) => (v > 0 ? v : alpha * Math.expm1(v)),
    (g, v) => (v <= 0 ? g * alpha * Math.exp(v) : g), // NaN input: g, as PyTorch's elu_backward
    { alpha },
  );
}
