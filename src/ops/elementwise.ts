/** Shared machinery for elementwise ops: scalar promotion, dtype rules, broadcast maps. */
import { Tensor, storageFor, shapeSize, type DType } from '../tensor.js';
import { broadcastIndex, broadcastShapes } from './broadcast.js';

export type TensorLike = Tensor | number;

/**
 * A number becomes a 0-d tensor ('float32', or 'int64' when `like` is integer and the number is).
 * `name` is the argument's name for the error message (e.g. 'other').
 */
export function asTensor(x: TensorLike, op: string, like?: Tensor, name?: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number') {
    const what = x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
    throw new TypeError(`${op}: expected ${name ? `${name} to be ` : ''}a Tensor or a number, got ${what}`);
  }
  const dtype: DType = like && like.dtype !== 'float32' && Number.isInteger(x) ? 'int64' : 'float32';
  const s = storageFor(dtype, 1);
  s[0] = x;
  return new Tensor(s, [], dtype);
}

/** Result dtype of arithmetic on a and b: float32 unless both are integer/bool. */
export function promote(a: Tensor, b: Tensor): DType {
  return a.dtype === 'float32' || b.dtype === 'float32' ? 'float32' : 'int64';
}

/**
 * Result dtype of add/sub/mul, as PyTorch: two bool tensors give bool for add (logical or) and mul
 * (logical and) and are refused by sub; otherwise `promote`. An alpha that is not an integer is refused
 * for integer inputs (it would put fractions into an int64 result).
 */
export function arithmeticDtype(op: 'add' | 'sub' | 'mul', a: Tensor, b: Tensor, alpha = 1): DType {
  if (a.dtype === 'bool' && b.dtype === 'bool') {
    if (op === 'sub') {
      throw new TypeError('sub: Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.');
    }
    return 'bool';
  }
  const dtype = promote(a, b);
  if (dtype !== 'float32' && !Number.isInteger(alpha)) {
    throw new TypeError(`${op}: For integral input tensors, argument alpha must not be a floating point number, got ${alpha}`);
  }
  return dtype;
}

/** out[i] = f(a[i'], b[i'']) over the broadcast shape (a bool result holds f(...) !== 0). */
export function binaryMap(op: string, a: Tensor, b: Tensor, f: (x: number, y: number) => number, dtype: DType = promote(a, b)): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  const n = shapeSize(shape);
  const out = storageFor(dtype, n);
  const ad = a.data;
  const bd = b.data;
  if (ad.length === n && bd.length === n && a.shape.length === shape.length && b.shape.length === shape.length) {
    for (let i = 0; i < n; i++) out[i] = f(ad[i], bd[i]);
  } else if (bd.length === 1 && ad.length === n) {
    const y = bd[0];
    for (let i = 0; i < n; i++) out[i] = f(ad[i], y);
  } else if (ad.length === 1 && bd.length === n) {
    const x = ad[0];
    for (let i = 0; i < n; i++) out[i] = f(x, bd[i]);
  } else {
    const ia = broadcastIndex(a.shape, shape);
    const ib = broadcastIndex(b.shape, shape);
    for (let i = 0; i < n; i++) out[i] = f(ad[ia ? ia[i] : i], bd[ib ? ib[i] : i]);
  }
  if (dtype === 'int64') {
    for (let i = 0; i < n; i++) if (out[i] === 0) out[i] = 0; // integers have no -0 (e.g. -3 * 0)
  } else if (dtype === 'bool') {
    for (let i = 0; i < n; i++) if (out[i] !== 0) out[i] = 1; // true + true is true
  }
  return new Tensor(out, shape, dtype);
}

/** out[i] = f(a[i]). */
export function unaryMap(a: Tensor, f: (x: number) => number, dtype: DType = a.dtype === 'bool' ? 'int64' : a.dtype): Tensor {
  const n = a.data.length;
  const out = storageFor(dtype, n);
  const ad = a.data;
  for (let i = 0; i < n; i++) out[i] = f(ad[i]);
  return new Tensor(out, a.shape, dtype);
}
