/** silu(x) = x * sigmoid(x) (also called swish), like torch.nn.functional.silu. */
import type { Tensor } from '../tensor.js';
import { activationOp } from './float-unary.js';

/**
 * Sigmoid linear unit, elementwise. Gradient: sigmoid(x) * (1 + x * (1 - sigmoid(x))).
 *
 * Shape: any; the output has the input's shape.
 * @example silu(tensor([0, 1], { dtype: 'float32' })) // tensor([0.0000, 0.7311])
 */
export function silu(x: Tensor): Tensor {
  return activationOp('silu', 'SiluBackward0', x, (v) => v / (1 + Math.exp(-v)), (g, v) => {
    const s = 1 / (1 + Math.exp(-v));
    return g * s * (1 + v * (1 - s));
  });
}
