/** exp: elementwise e^x (torch.exp). */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { tensorArg } from './args.js';

/**
 * e^x elementwise. Integer and bool inputs give float32, as in PyTorch.
 *
 * Shape: out has the shape of x. Gradient: g * exp(x) (the saved output).
 * @example exp(tensor([0, 1])) // tensor([1.0000, 2.7183])
 */
export function exp(x: Tensor): Tensor {
  tensorArg('exp', 'input', x);
  const n = x.data.length;
  const xd = x.data;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.exp(xd[i]);
  return record(new Tensor(out, x.shape), 'ExpBackward0', [x], (g) => {
    const gd = g.data;
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) gx[i] = gd[i] * out[i];
    return [new Tensor(gx, x.shape)];
  });
}
