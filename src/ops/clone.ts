/** clone: a copy with its own storage (torch.clone). */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { tensorArg } from './args.js';

/**
 * A copy of x with fresh storage, same dtype and shape. Unlike detach() it stays in the graph: the
 * gradient passes through unchanged.
 *
 * Shape: out has the shape of x.
 * @example const y = clone(x); y.data[0] = 5; // x unchanged
 */
export function clone(x: Tensor): Tensor {
  tensorArg('clone', 'input', x);
  const out = x.data.slice();
  return record(new Tensor(out, x.shape, x.dtype), 'CloneBackward0', [x], (g) => [g]);
}
