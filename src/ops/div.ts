/** div: elementwise true division, or floor/trunc division (torch.div). */
import { optionsArg } from './args.js';
import { Tensor, storageFor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { asTensor, type TensorLike } from './elementwise.js';
import { broadcastPair, sumToShape } from './broadcast.js';

/** Options of `div`: `roundingMode` null (true division), 'trunc' or 'floor', as torch.div. */
export interface DivOptions {
  /**
   * null/undefined: true division (float32 result, even for integer inputs). 'trunc' rounds the
   * quotient toward zero, 'floor' toward -inf; both keep int64 for integer inputs and have zero gradient.
   */
  roundingMode?: 'trunc' | 'floor' | null;
}

/** Python-style floor division of floats, as PyTorch computes it (fmod-based, exact near integers). */
function floorDiv(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let q = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) q -= 1;
  if (q === 0) {
    const s = a / b;
    return s < 0 || Object.is(s, -0) ? -0 : 0;
  }
  let fl = Math.floor(q);
  if (q - fl > 0.5) fl += 1;
  return fl;
}

/**
 * a / b elementwise with broadcasting; a or b may be a number.
 *
 * Shape: a and b broadcast to the output shape. Gradients: g / b for a, -g * (a / b) / b for b.
 * @example div(tensor([1, 2], { dtype: 'float32' }), 4) // tensor([0.2500, 0.5000])
 * @example div(tensor([7, -7], { dtype: 'int64' }), 2, { roundingMode: 'floor' }) // tensor([3, -4])
 */
export function div(a: TensorLike, b: TensorLike, opts: DivOptions = {}): Tensor {
  opts = optionsArg('div', opts) as typeof opts;
  const ta = asTensor(a, 'div', b instanceof Tensor ? b : undefined, 'input');
  const tb = asTensor(b, 'div', ta, 'other');
  const mode = opts.roundingMode ?? null;
  if (mode !== null && mode !== 'trunc' && mode !== 'floor') {
    throw new RangeError(`div: expected roundingMode to be null, 'trunc' or 'floor', got '${String(mode)}'`);
  }
  if (ta.dtype === 'bool' && tb.dtype === 'bool' && mode !== null) {
    throw new TypeError('div: integer division with roundingMode is not supported for bool input and other');
  }
  const { shape, n, fa, fb, ia, ib } = broadcastPair('div', ta, tb);
  const ad = ta.data;
  const bd = tb.data;
  const integer = ta.dtype !== 'float32' && tb.dtype !== 'float32';
  const dtype = mode !== null && integer ? 'int64' : 'float32';
  const out = storageFor(dtype, n);
  for (let i = 0; i < n; i++) {
    const x = ad[fa ? 0 : ia ? ia[i] : i];
    const y = bd[fb ? 0 : ib ? ib[i] : i];
    if (mode === null) out[i] = x / y;
    else if (integer) {
      if (y === 0) throw new RangeError('div: ZeroDivisionError (integer division by zero in other)');
      out[i] = (mode === 'floor' ? Math.floor(x / y) : Math.trunc(x / y)) + 0; // + 0: no -0 in int64
    } else out[i] = mode === 'floor' ? floorDiv(x, y) : Math.trunc(x / y);
  }
  const result = new Tensor(out, shape, dtype);
  return record(result, 'DivBackward0', [ta, tb], (g) => {
    const gd = g.data;
    if (mode !== null) {
      return [ta.requiresGrad ? new Tensor(new Float32Array(ta.numel()), ta.shape) : null,
        tb.requiresGrad ? new Tensor(new Float32Array(tb.numel()), tb.shape) : null];
    }
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (ta.requiresGrad) {
      const o = new Float32Array(n);
      for (let i = 0; i < n; i++) o[i] = gd[i] / bd[fb ? 0 : ib ? ib[i] : i];
      ga = sumToShape(new Tensor(o, shape), ta.shape);
    }
    if (tb.requiresGrad) {
      const o = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const y = bd[fb ? 0 : ib ? ib[i] : i];
        o[i] = (-gd[i] * Math.fround(ad[fa ? 0 : ia ? ia[i] : i] / y)) / y;
      }
      gb = sumToShape(new Tensor(o, shape), tb.shape);
    }
    return [ga, gb];
  }, { roundingMode: mode });
}
