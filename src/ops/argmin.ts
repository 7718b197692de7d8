/** argmin: positions of the smallest values (torch.argmin), int64. */
import type { Tensor } from '../tensor.js';
import { argExtreme } from './argmax.js';

/**
 * Index of the smallest element (flat index when dim is omitted), or of the smallest along `dim`.
 * Ties give the first index; NaN counts as smallest. int64, never differentiable.
 *
 * Shape: as argmax.
 * @example argmin(tensor([[1, 5], [4, 2]], { dtype: 'float32' }), 1) // tensor([0, 1])
 */
export function argmin(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argExtreme('argmin', x, dim, keepdim);
}
