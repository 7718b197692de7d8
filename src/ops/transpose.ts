/** transpose / t: swap two dims (torch.transpose, Tensor.t). Copies: tensors are always contiguous. */
import { Tensor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { dimArg, tensorArg } from './args.js';
import { permuteData } from './permute.js';

/**
 * A copy of x with dims dim0 and dim1 swapped (negative dims count from the end). Unlike PyTorch this
 * copies the data (nodetorch tensors are always contiguous), so writes to the result's storage do not
 * reach x.
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
  return record(permuteData(x, perm), 'TransposeBackward0', [x], (g) => [permuteData(g, perm)], { perm });
}

/**
 * Transpose of a tensor with at most 2 dims (torch.t): 0-d and 1-D are returned as a copy unchanged.
 *
 * Shape: (m, n) -> (n, m).
 */
export function t(x: Tensor): Tensor {
  tensorArg('t', 'input', x);
  if (x.ndim > 2) throw new RangeError(`t: expects a tensor with <= 2 dimensions, but input has ${x.ndim} (shape ${shapeStr(x.shape)})`);
  return x.ndim < 2 ? transpose(x, 0, 0) : transpose(x, 0, 1);
}
