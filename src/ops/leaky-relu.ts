/** leakyRelu(x) = x if x > 0 else negativeSlope * x, like torch.nn.functional.leaky_relu. */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { describeValue } from '../util/describe.js';
import { tensorArg } from './args.js';

/**
 * Leaky rectified linear unit, elementwise.
 *
 * Shape: any; the output has the input's shape.
 * @example leakyRelu(tensor([-1, 2]), 0.1) // tensor([-0.1000, 2.0000])
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  tensorArg('leakyRelu', 'input', x);
  if (x.dtype !== 'float32') throw new TypeError(`leakyRelu: expected a float32 tensor, got ${x.dtype}`);
  if (typeof negativeSlope !== 'number' || Number.isNaN(negativeSlope)) {
    throw new TypeError(`leakyRelu: expected negativeSlope to be a number, got ${describeValue(negativeSlope)}`);
  }
  const xd = x.data as Float32Array;
  const n = xd.length;
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = xd[i];
    y[i] = v > 0 ? v : v * negativeSlope;
  }
  return record(new Tensor(y, x.shape), 'LeakyReluBackward0', [x], (g) => {
    const gd = g.data;
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) gx[i] = xd[i] > 0 ? gd[i] : gd[i] * negativeSlope;
    return [new Tensor(gx, x.shape)];
  }, { negativeSlope });
}
