/** sigmoid(x) = 1 / (1 + exp(-x)), like torch.sigmoid. */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { tensorArg } from './args.js';

/**
 * Logistic sigmoid, elementwise. Integer input is promoted to float32.
 *
 * Shape: any; the output has the input's shape.
 * @example sigmoid(tensor([0], { dtype: 'float32' })) // tensor([0.5000])
 */
export function sigmoid(x: Tensor): Tensor {
  tensorArg('sigmoid', 'input', x);
  const xd = x.data;
  const n = xd.length;
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp(-xd[i]));
  return record(new Tensor(y, x.shape), 'SigmoidBackward0', [x], (g) => {
    const gd = g.data;
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) gx[i] = gd[i] * y[i] * (1 - y[i]);
    return [new Tensor(gx, x.shape)];
  }, undefined, { savesNothing: true, savesOutput: true });
}
