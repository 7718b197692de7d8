/** neg: elementwise negation (torch.neg, the unary `-`). */
import { Tensor, storageFor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { tensorArg } from './args.js';

/**
 * -x elementwise. float32 stays float32, int64 stays int64; bool is rejected as in PyTorch.
 *
 * Shape: out has the shape of x.
 * @example neg(tensor([1, -2], { dtype: 'float32' })) // tensor([-1., 2.])
 */
export function neg(x: Tensor): Tensor {
  tensorArg('neg', 'input', x);
  if (x.dtype === 'bool') {
    throw new TypeError('neg: negation on a bool tensor (input) is not supported; to invert a mask use eq(mask, 0)');
  }
  const n = x.data.length;
  const out = storageFor(x.dtype, n);
  const xd = x.data;
  if (x.dtype === 'int64') for (let i = 0; i < n; i++) out[i] = 0 - xd[i]; // integers have no -0
  else for (let i = 0; i < n; i++) out[i] = -xd[i];
  return record(new Tensor(out, x.shape, x.dtype), 'NegBackward0', [x], (g) => [negData(g)]);
}

/** -g as a new float32 tensor, no history (used by backward formulas). */
export function negData(g: Tensor): Tensor {
  const gd = g.data;
  const out = new Float32Array(gd.length);
  for (let i = 0; i < out.length; i++) out[i] = -gd[i];
  return new Tensor(out, g.shape);
}
