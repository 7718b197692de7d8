/** sqrt: elementwise square root (torch.sqrt). */
import type { Tensor } from '../tensor.js';
import { floatUnaryOp } from './float-unary.js';

/**
 * sqrt(x) elementwise: NaN below 0. Integer and bool inputs give float32, as in PyTorch.
 *
 * Shape: out has the shape of x. Gradient: g / (2 sqrt(x)) (inf at 0, like PyTorch).
 * @example sqrt(tensor([4, 9], { dtype: 'float32' })) // tensor([2., 3.])
 */
export function sqrt(x: Tensor): Tensor {
  return floatUnaryOp('sqrt', 'SqrtBackward0', x, Math.sqrt, (g, _v, y) => g / (2 * y));
}
