/** Hyperbolic tangent, like torch.tanh. */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { tensorArg } from './args.js';

/**
 * tanh, elementwise. Integer input is promoted to float32.
 *
 * Shape: any; the output has the input's shape.
 * @example tanh(tensor([0, 1], { dtype: 'float32' })) // tensor([0.0000, 0.7616])
 */
export function tanh(x: Tensor): Tensor {
  tensorArg('tanh', 'input', x);
  const xd = x.data;
  const n = xd.length;
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.tanh(xd[i]);
  return record(new Tensor(y, x.shape), 'TanhBackward0', [x], (g) => {
    const gd = g.data;
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) gx[i] = gd[i] * (1 - y[i] * y[i]);
    return [new Tensor(gx, x.shape)];
  }, undefined, { savesNothing: true, savesOutput: true });
}
