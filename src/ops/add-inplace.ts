/** add_: in-place a + alpha * b (torch.Tensor.add_). */
import type { Tensor } from '../tensor.js';
import { add, sub } from './add.js';
import type { TensorLike } from './elementwise.js';
import { inPlace } from './inplace.js';

/**
 * x += alpha * other in place (other broadcasts to x's shape), through to the storage x's views share;
 * returns x. Autograd records it as PyTorch does (see the README's Views section).
 * @example const y = x.clone(); y.add_(1); y.narrow(0, 0, 1).add_(tensor([2.5]), 2)
 */
export function add_(x: Tensor, other: TensorLike, alpha = 1): Tensor {
  return inPlace('add_', 'add', x, [other], (self) => add(self, other, alpha));
}

/** x -= alpha * other in place (torch.Tensor.sub_); returns x. */
export function sub_(x: Tensor, other: TensorLike, alpha = 1): Tensor {
  return inPlace('sub_', 'sub', x, [other], (self) => sub(self, other, alpha));
}
