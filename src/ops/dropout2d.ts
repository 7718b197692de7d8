/** dropout2d: zero whole channels at random, like torch.nn.functional.dropout2d. */
import { describeValue } from '../util/describe.js';
import { Tensor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { defaultGenerator, Generator } from '../util/generator.js';
import { tensorArg } from './args.js';

/**
 * In training, each channel (an H x W plane) is kept with probability 1 - p (drawn from `generator`,
 * default the global one, one draw per plane in order) and scaled by 1 / (1 - p); p = 1 gives zeros.
 * Outside training, or with p = 0, returns `x` itself.
 *
 * Shape: (N, C, H, W) or unbatched (C, H, W) -> same. (PyTorch 1.13 reads a 3-D input as (N, C, L) with a
 * warning; this reads it as (C, H, W), the behaviour PyTorch announces.)
 * @example dropout2d(x, 0.2, model.training)
 */
export function dropout2d(x: Tensor, p = 0.5, training = true, generator: Generator = defaultGenerator): Tensor {
  const op = 'dropout2d';
  tensorArg(op, 'input', x);
  if (!(generator instanceof Generator)) throw new TypeError(`${op}: expected generator to be a Generator, got ${describeValue(generator)}`);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new RangeError(`${op}: dropout probability has to be between 0 and 1, but got ${String(p)}`);
  }
  if (x.ndim !== 3 && x.ndim !== 4) throw new RangeError(`${op}: expected 3D (C, H, W) or 4D (N, C, H, W) input, got input of shape ${shapeStr(x.shape)}`);
  if (p === 0 || !training || x.numel() === 0) return x;
  if (x.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 tensor, got ${x.dtype}`);
  const plane = x.shape[x.ndim - 1]! * x.shape[x.ndim - 2]!;
  const planes = x.numel() / plane;
  // factor[i] = mask * scale of plane i; p = 1 multiplies by zero (NaN stays NaN, as in PyTorch).
  const factor = new Float32Array(planes);
  const scale = p < 1 ? 1 / (1 - p) : 0;
  for (let i = 0; i < planes; i++) factor[i] = p < 1 && generator.random() < 1 - p ? scale : 0;
  const scaled = (src: ArrayLike<number>) => {
    const out = new Float32Array(src.length);
    for (let i = 0; i < planes; i++) for (let j = i * plane; j < (i + 1) * plane; j++) out[j] = src[j]! * factor[i]!;
    return out;
  };
  return record(new Tensor(scaled(x.data as Float32Array), x.shape), 'MulBackward0', [x], (g) => [new Tensor(scaled(g.data as Float32Array), x.shape)]);
}
