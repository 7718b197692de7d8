/** mish(x) = x * tanh(softplus(x)), like torch.nn.functional.mish. */
import type { Tensor } from '../tensor.js';
import { activationOp } from './float-unary.js';

/** tanh(log(1 + e^v)) in double precision. */
function tanhSoftplus(v: number): number {
  return Math.tanh(Math.log1p(Math.exp(v)));
}

/**
 * Mish, elementwise. Gradient: t + x * sigmoid(x) * (1 - t^2) with t = tanh(softplus(x)).
 *
 * Shape: any; the output has the input's shape.
 * @example mish(tensor([1], { dtype: 'float32' })) // tensor([0.8651])
 */
export function mish(x: Tensor): Tensor {
  return activationOp('mish', 'MishBackward0', x, (v) => v * tanhSoftplus(v), (g, v) => {
    const t = tanhSoftplus(v);
    const s = 1 / (1 + Math.exp(-v));
    return g * (t + v * s * (1 - t * t));
  });
}
