/** log: elementwise natural logarithm (torch.log). */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { tensorArg } from './args.js';

/**
 * ln(x) elementwise: -inf at 0, NaN below 0. Integer and bool inputs give float32, as in PyTorch.
 *
 * Shape: out has the shape of x. Gradient: g / x.
 * @example log(tensor([1, Math.E])) // tensor([0., 1.])
 */
export function log(x: Tensor): Tensor {
  tensorArg('log', 'input', x);
  const n = x.data.length;
  const xd = x.data;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.log(xd[i]);
  return record(new Tensor(out, x.shape), 'LogBackward0', [x], (g) => {
    const gd = g.data;
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) gx[i] = gd[i] / xd[i];
    return [new Tensor(gx, x.shape)];
  });
}
