/** transpose / t: swap two dims (torch.transpose, Tensor.t), as a view. */
import { Tensor, shapeStr } from '../tensor.js';
import { dimArg, tensorArg } from './args.js';
import { permutedView } from './as-view.js';

/**
 * x with dims dim0 and dim1 swapped (negative dims count from the end), as a view sharing x's storage
 * (strides swapped): writes through either are seen by both.
 *
 * Shape: x (..., a, ..., b, ...) -> (..., b, ..., a, ...).
 * @example transpose(tensor([[1, 2, 3]], { dtype: 'float32' }), 0, 1) // tensor([[1.], [2.], [3.]])
 */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  tensorArg('transpose', 'input', x);
  const a = dimArg('transpose', 'dim0', dim0, x.ndim);
  const b = dimArg('transpose', 'dim1', dim1, x.ndim);
  const perm = [...Array(x.ndim).keys()];
  if (x.ndim > 0) {
    perm[a] = b;
    perm[b] = a;
  }
  return permutedView('TransposeBackward0', x, perm, { perm });
}

/**
 * Transpose of a tensor with at most 2 dims (torch.t), as a view: 0-d and 1-D come back as a view unchanged.
 *
 * Shape: (m, n) -> (n, m).
 */
export function t(x: Tensor): Tensor {
  tensorArg('t', 'input', x);
  if (x.ndim > 2) throw new RangeError(`t: expects a tensor with <= 2 dimensions, but input has ${x.ndim} (shape ${shapeStr(x.shape)})`);
  return x.ndim < 2 ? transpose(x, 0, 0) : transpose(x, 0, 1);
}
