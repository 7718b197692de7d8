/** stack: join same-shaped tensors along a new dim (torch.stack), as cat of unsqueezed inputs. */
import { Tensor, shapeStr } from '../tensor.js';
import { dimArg } from './args.js';
import { cat } from './cat.js';
import { unsqueeze } from './reshape.js';
import { describeValue } from '../util/describe.js';

/**
 * Stack tensors of equal shape along a new dim inserted at `dim` (range [-ndim-1, ndim], negative
 * counts from the end). dtypes promote as in cat: float32 if any input is float32, else int64 if any
 * is int64, else bool. Each input gets its slice of the gradient.
 *
 * Shape: k tensors of shape S -> S with k inserted at dim, e.g. 3 x (2, 4) at dim 1 -> (2, 3, 4).
 * @example stack([tensor([1, 2], { dtype: 'float32' }), tensor([3, 4], { dtype: 'float32' })], 1) // tensor([[1., 3.], [2., 4.]])
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors)) throw new TypeError(`stack: expected tensors to be an array of Tensors, got ${describeValue(tensors)}`);
  if (tensors.length === 0) throw new RangeError('stack: expected a non-empty array of tensors');
  tensors.forEach((t: unknown, i: number) => {
    if (!(t instanceof Tensor)) throw new TypeError(`stack: expected tensors[${i}] to be a Tensor, got ${describeValue(t)}`);
  });
  const shape = tensors[0].shape;
  tensors.forEach((t: Tensor, i: number) => {
    if (t.ndim !== shape.length || t.shape.some((s: number, j: number) => s !== shape[j])) {
      throw new RangeError(`stack: expects each tensor to be equal size, but got ${shapeStr(shape)} at entry 0 and ${shapeStr(t.shape)} at entry ${i}`);
    }
  });
  const d = dimArg('stack', 'dim', dim, shape.length + 1);
  return cat(tensors.map((t: Tensor) => unsqueeze(t, d)), d);
}
