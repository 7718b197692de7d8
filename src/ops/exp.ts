/** exp: elementwise e^x (torch.exp). */
import type { Tensor } from '../tensor.js';
import { floatUnaryOp } from './float-unary.js';

/**
 * e^x elementwise. Integer and bool inputs give float32, as in PyTorch.
 *
 * Shape: out has the shape of x. Gradient: g * exp(x) (the saved output).
 * @example exp(tensor([0, 1], { dtype: 'float32' })) // tensor([1.0000, 2.7183])
 */
export function exp(x: Tensor): Tensor {
  return floatUnaryOp('exp', 'ExpBackward0', x, Math.exp, (g, _v, y) => g * y);
}
