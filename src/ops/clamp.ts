/** clamp: limit values to [min, max] (torch.clamp / torch.clip). */
import { Tensor, storageFor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { tensorArg } from './args.js';
import { describeValue } from '../util/describe.js';

/**
 * min(max(x, min), max) elementwise; either bound may be omitted (null/undefined), not both. If
 * min > max every element becomes max, as in PyTorch. NaN stays NaN. int64 input stays int64 when the
 * bounds are integers; otherwise the result is float32.
 *
 * Shape: out has the shape of x.
 * Gradient: g where min <= x <= max (both boundaries included, PyTorch's convention), else 0.
 * @example clamp(tensor([-2, 0.5, 3]), -1, 1) // tensor([-1.0000, 0.5000, 1.0000])
 */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  tensorArg('clamp', 'input', x);
  const lo = min ?? null;
  const hi = max ?? null;
  if (lo === null && hi === null) throw new RangeError("clamp: at least one of 'min' or 'max' must not be null");
  if (lo !== null && typeof lo !== 'number') throw new TypeError(`clamp: expected min to be a number, got ${describeValue(lo)}`);
  if (hi !== null && typeof hi !== 'number') throw new TypeError(`clamp: expected max to be a number, got ${describeValue(hi)}`);
  if (x.dtype === 'bool') throw new TypeError('clamp: not implemented for input of dtype bool');
  const intBounds = (lo === null || Number.isInteger(lo)) && (hi === null || Number.isInteger(hi));
  const dtype = x.dtype === 'int64' && intBounds ? 'int64' : 'float32';
  const n = x.data.length;
  const xd = x.data;
  const out = storageFor(dtype, n);
  const l = lo ?? -Infinity;
  const h = hi ?? Infinity;
  // NaN in the input or a bound propagates, as with PyTorch's min/max.
  for (let i = 0; i < n; i++) out[i] = Math.min(Math.max(xd[i], l), h);
  return record(new Tensor(out, x.shape, dtype), 'ClampBackward1', [x], (g) => {
    const gd = g.data;
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = xd[i];
      gx[i] = v >= l && v <= h ? gd[i] : 0;
    }
    return [new Tensor(gx, x.shape)];
  }, { min: lo, max: hi });
}
