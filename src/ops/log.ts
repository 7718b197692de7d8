/** log: elementwise natural logarithm (torch.log). */
import type { Tensor } from '../tensor.js';
import { floatUnaryOp } from './float-unary.js';

/**
 * ln(x) elementwise: -inf at 0, NaN below 0. Integer and bool inputs give float32, as in PyTorch.
 *
 * Shape: out has the shape of x. Gradient: g / x.
 * @example log(tensor([1, Math.E])) // tensor([0., 1.])
 */
export function log(x: Tensor): Tensor {
  return floatUnaryOp('log', 'LogBackward0', x, Math.log, (g, v) => g / v);
}
