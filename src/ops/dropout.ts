/** dropout: zero elements at random with probability p and scale the rest by 1 / (1 - p), like torch.nn.functional.dropout. */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { defaultGenerator, Generator } from '../util/generator.js';
import { describeValue } from '../util/describe.js';
import { tensorArg } from './args.js';

/**
 * In training, each element is kept with probability 1 - p (drawn from `generator`, default the global
 * one) and scaled by 1 / (1 - p); p = 1 gives zeros. Outside training, or with p = 0, returns `x`
 * itself.
 *
 * Shape: any; the output has the input's shape.
 * @example dropout(x, 0.2, model.training)
 */
export function dropout(x: Tensor, p = 0.5, training = true, generator: Generator = defaultGenerator): Tensor {
  tensorArg('dropout', 'input', x);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new RangeError(`dropout: dropout probability has to be between 0 and 1, but got ${String(p)}`);
  }
  if (typeof training !== 'boolean') throw new TypeError(`dropout: expected training to be a boolean, got ${describeValue(training)}`);
  if (!(generator instanceof Generator)) throw new TypeError(`dropout: expected generator to be a Generator, got ${describeValue(generator)}`);
  if (p === 0 || !training || x.numel() === 0) return x;
  if (x.dtype !== 'float32') throw new TypeError(`dropout: expected a float32 tensor, got ${x.dtype}`);
  const xd = x.data as Float32Array;
  const n = xd.length;
  const y = new Float32Array(n);
  // y = x * mask * scale with mask[i] in {0, 1}; p = 1 multiplies by zero (NaN stays NaN, as in PyTorch).
  const mask = new Uint8Array(n);
  const scale = p < 1 ? 1 / (1 - p) : 0;
  if (p < 1) {
    const keep = 1 - p;
    for (let i = 0; i < n; i++) {
      const m = generator.random() < keep ? 1 : 0;
      mask[i] = m;
      y[i] = xd[i] * (m * scale);
    }
  } else {
    for (let i = 0; i < n; i++) y[i] = xd[i] * 0;
  }
  return record(new Tensor(y, x.shape), 'MulBackward0', [x], (g) => {
    const gd = g.data;
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) gx[i] = gd[i] * (mask[i] * scale);
    return [new Tensor(gx, x.shape)];
  }, { dropout: p });
}
