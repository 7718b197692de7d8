/** abs: elementwise absolute value (torch.abs). */
import { Tensor, storageFor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { tensorArg } from './args.js';

/**
 * |x| elementwise. float32 stays float32, int64 stays int64; bool is rejected as in PyTorch.
 *
 * Shape: out has the shape of x. Gradient: g * sign(x), which is 0 at x = 0 (PyTorch's convention).
 * @example abs(tensor([-1.5, 2])) // tensor([1.5000, 2.0000])
 */
export function abs(x: Tensor): Tensor {
  tensorArg('abs', 'input', x);
  if (x.dtype === 'bool') throw new TypeError('abs: not implemented for input of dtype bool');
  const n = x.data.length;
  const xd = x.data;
  const out = storageFor(x.dtype, n);
  for (let i = 0; i < n; i++) out[i] = Math.abs(xd[i]);
  return record(new Tensor(out, x.shape, x.dtype), 'AbsBackward0', [x], (g) => {
    const gd = g.data;
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = xd[i];
      gx[i] = gd[i] * (v > 0 ? 1 : v < 0 ? -1 : 0); // sign(NaN) is 0, as in PyTorch
    }
    return [new Tensor(gx, x.shape)];
  });
}
