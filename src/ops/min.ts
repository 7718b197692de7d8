/** min: the smallest element, or the smallest along a dim with its index (torch.min). */
import type { Tensor } from '../tensor.js';
import { tensorArg } from './args.js';
import { extremeAll, extremeDim, type ValuesIndices } from './max.js';

/**
 * min(x): the smallest element as a 0-d tensor (NaN if any element is NaN). Its gradient is split
 * evenly among the elements equal to the minimum, as in PyTorch.
 *
 * min(x, dim, keepdim = false): `{ values, indices }` of the minimum along `dim` (negative counts from
 * the end); ties pick the first index. The gradient flows to the selected index.
 *
 * Shape: x (*) -> () for the full reduction; along dim d, (..., n_d, ...) -> (..., ...), or
 * (..., 1, ...) with keepdim.
 * @example min(tensor([1, 3, 2], { dtype: 'float32' })) // tensor(1.)
 * @example min(tensor([[1, 5], [4, 2]], { dtype: 'float32' }), 1).values // tensor([1., 2.])
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  tensorArg('min', 'input', x);
  return dim === undefined ? extremeAll('min', x) : extremeDim('min', x, dim, keepdim);
}
