/** narrow: a slice along one dim (torch.narrow), as a view. */
import { Tensor, shapeStr } from '../tensor.js';
import { dimArg, intArg, tensorArg } from './args.js';
import { sliceLayout, viewOf } from './as-view.js';

/**
 * x[..., start:start+length, ...] along dim d (already validated) as a view, recorded as `name`; with
 * `drop` the dim goes away (select). Shared by narrow, select, split and chunk.
 */
export function sliceAlong(name: string, x: Tensor, d: number, start: number, length: number, drop = false): Tensor {
  return viewOf(name, x, sliceLayout(d, start, length, 1, drop), { dim: d, start, length });
}

/**
 * Elements start .. start+length-1 of x along `dim` (negative dim counts from the end; a negative
 * start counts from the end of the dim), as a view sharing x's storage.
 *
 * Shape: x (..., n, ...) -> (..., length, ...).
 * @example narrow(tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' }), 1, 1, 2) // tensor([[2., 3.], [5., 6.]])
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  tensorArg('narrow', 'input', x);
  if (x.ndim === 0) throw new RangeError('narrow: cannot be applied to a 0-dim tensor (input)');
  const d = dimArg('narrow', 'dim', dim, x.ndim);
  const size = x.shape[d];
  intArg('narrow', 'start', start);
  intArg('narrow', 'length', length);
  if (start < -size || start > size) {
    throw new RangeError(`narrow: start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  }
  const s = start < 0 ? start + size : start;
  if (length < 0) throw new RangeError(`narrow: length must be non-negative, got ${length}`);
  if (s + length > size) {
    throw new RangeError(`narrow: start (${start}) + length (${length}) exceeds dimension size (${size}) of input ${shapeStr(x.shape)} at dim ${dim}`);
  }
  return sliceAlong('NarrowBackward0', x, d, s, length);
}
