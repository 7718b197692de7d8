/** leakyRelu(x) = x if x > 0 else negativeSlope * x, like torch.nn.functional.leaky_relu. */
import type { Tensor } from '../tensor.js';
import { describeValue } from '../util/describe.js';
import { activationOp } from './float-unary.js';

/**
 * Leaky rectified linear unit, elementwise. Gradient: g for x > 0, negativeSlope * g otherwise.
 *
 * Shape: any; the output has the input's shape.
 * @example leakyRelu(tensor([-1, 2], { dtype: 'float32' }), 0.1) // tensor([-0.1000, 2.0000])
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  if (typeof negativeSlope !== 'number' || Number.isNaN(negativeSlope)) {
    throw new TypeError(`leakyRelu: expected negativeSlope to be a number, got ${describeValue(negativeSlope)}`);
  }
  return activationOp(
    'leakyRelu', 'LeakyReluBackward0', x,
    (v) => (v > 0 ? v : v * negativeSlope),
    (g, v) => (v > 0 ? g : g * negativeSlope),
    { negativeSlope },
  );
}
