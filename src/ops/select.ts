/** select: one index along a dim, removing that dim (torch.select, x[:, i] in Python), as a view. */
import { Tensor, shapeStr } from '../tensor.js';
import { dimArg, intArg, tensorArg } from './args.js';
import { sliceAlong } from './narrow.js';

/**
 * The slice of x at position `index` along `dim`, with that dim removed (negative dim and index count
 * from the end), as a view sharing x's storage.
 *
 * Shape: x (..., n, ...) -> (..., ...).
 * @example select(tensor([[1, 2], [3, 4]], { dtype: 'float32' }), 1, -1) // tensor([2., 4.])
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  tensorArg('select', 'input', x);
  if (x.ndim === 0) throw new RangeError('select: cannot be applied to a 0-dim tensor (input)');
  const d = dimArg('select', 'dim', dim, x.ndim);
  intArg('select', 'index', index);
  const size = x.shape[d];
  if (index < -size || index >= size) {
    throw new RangeError(`select: index ${index} out of range for tensor of size ${shapeStr(x.shape)} at dimension ${dim}`);
  }
  const i = index < 0 ? index + size : index;
  return sliceAlong('SelectBackward0', x, d, i, 1, true);
}
