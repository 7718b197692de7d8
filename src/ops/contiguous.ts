/** contiguous: the tensor itself when its elements lie row-major in its storage, else a copy that does. */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { tensorArg } from './args.js';

/**
 * x when it is contiguous (`x.isContiguous()`), else a row-major copy with its own storage
 * (torch.Tensor.contiguous). The copy stays in the graph: the gradient passes through unchanged.
 *
 * Shape: out has the shape of x.
 * @example const y = x.t().contiguous(); // y.isContiguous() is true, y does not share x's storage
 */
export function contiguous(x: Tensor): Tensor {
  tensorArg('contiguous', 'input', x);
  if (x.isContiguous()) return x;
  const out = new Tensor(x.data, x.shape, x.dtype); // data gathers a fresh copy
  return record(out, 'CloneBackward0', [x], (g) => [g], undefined, { savesNothing: true });
}
