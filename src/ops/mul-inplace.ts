/** mul_: in-place elementwise product (torch.Tensor.mul_). */
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import type { TensorLike } from './elementwise.js';
import { inPlace } from './inplace.js';

/**
 * x *= other in place (other broadcasts to x's shape), through to the storage x's views share; returns x.
 * @example x.clone().select(0, 1).mul_(2)
 */
export function mul_(x: Tensor, other: TensorLike): Tensor {
  return inPlace('mul_', 'mul', x, [other], (self) => mul(self, other));
}
