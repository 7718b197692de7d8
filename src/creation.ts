/** Tensor factories: tensor, zeros, ones, full, empty, arange, linspace, rand, randn, randint, *Like. */
import { Tensor, storageFor, shapeSize, checkShape, checkDtype, type DType, type NestedArray, type Shape, type Storage } from './tensor.js';
import { defaultGenerator, Generator } from './util/generator.js';
import { describeValue } from './util/describe.js';
import { checkAllocation, bytesPerElement } from './util/limits.js';
import { intArg, numberArg, optionsArg, tensorArg } from './ops/args.js';

/** Options of the tensor factories: the dtype (default float32, or inferred) and whether the result requires grad. */
export interface TensorOptions {
/** Element type of the new tensor. */
  dtype?: DType;
/** Make the new tensor a leaf that requires grad (float32 only). */
  requiresGrad?: boolean;
}

/** Options of the random factories: the tensor options plus the generator to draw from. */
export interface RandomOptions extends TensorOptions {
/** Draw from this generator (default: the global one, seeded by `manualSeed`). */
  generator?: Generator;
}

function finish(t: Tensor, opts: TensorOptions): Tensor {
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * The options object of a creation function, checked: null/undefined mean none, anything but an object is
 * a TypeError, dtype must be supported (default `dtype`), requiresGrad a boolean, generator a Generator.
 */
function creationOptions<T extends RandomOptions>(op: string, opts: unknown, dtype: DType | null): Partial<T> & { dtype: DType } {
  const o = optionsArg<T>(op, opts);
  if (o.requiresGrad !== undefined && typeof o.requiresGrad !== 'boolean') {
    throw new TypeError(`${op}: expected requiresGrad to be a boolean, got ${describeValue(o.requiresGrad)}`);
  }
  if (o.generator !== undefined && !(o.generator instanceof Generator)) {
    throw new TypeError(`${op}: expected generator to be a Generator, got ${describeValue(o.generator)}`);
  }
  const dt = o.dtype === undefined ? dtype : checkDtype(op, o.dtype);
  return { ...o, dtype: dt as DType };
}

function inferShape(v: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
    if (cur === undefined) break;
  }
  return shape;
}

/** Which kinds of element a nested array holds: bit 1 booleans, bit 2 numbers. */
const HAS_BOOL = 1;
const HAS_NUMBER = 2;

/** Push the elements of `v` (booleans as 0/1) onto `out`; returns the HAS_* bits of what it saw. */
function flattenInto(v: NestedArray, shape: Shape, dim: number, out: number[]): number {
  if (dim === shape.length) {
    if (typeof v === 'number') {
      out.push(v);
      return HAS_NUMBER;
    }
    if (typeof v === 'boolean') {
      out.push(v ? 1 : 0);
      return HAS_BOOL;
    }
    throw new TypeError(`tensor: expected a number at depth ${dim}, got ${describeValue(v)}`);
  }
  if (!Array.isArray(v) || v.length !== shape[dim]) {
    throw new RangeError(`tensor: expected sequence of length ${shape[dim]} at dim ${dim} (got ${Array.isArray(v) ? v.length : typeof v})`);
  }
  let kinds = 0;
  for (const x of v) kinds |= flattenInto(x, shape, dim + 1, out);
  return kinds;
}

/**
 * torch.tensor's dtype inference for JS values: only booleans -> bool; integers (with or without
 * booleans) -> int64; anything else, or no elements at all -> float32 (PyTorch's default dtype). JS has
 * one number type, so an integer-valued number is an integer (`2.0` is `2`); integers beyond the safe
 * range are float32 because int64 storage (a Float64Array) holds integers exactly only up to 2^53.
 */
function inferDtype(kinds: number, flat: readonly number[]): DType {
  if (kinds === HAS_BOOL) return 'bool';
  if (kinds === 0) return 'float32';
  for (const v of flat) if (!Number.isSafeInteger(v)) return 'float32';
  return 'int64';
}

/**
 * Create a tensor from nested arrays, a number, or a typed array (with `shape`, default 1-D).
 *
 * The dtype is inferred as torch.tensor infers it: all booleans give 'bool'; all integers (booleans
 * allowed among them) give 'int64'; any other number (1.5, NaN, Infinity, or an integer beyond
 * ±(2^53 - 1), which int64 storage cannot hold exactly) gives 'float32'. `-0` counts as the integer 0.
 * An empty array gives 'float32'. A typed array gives 'float32' whatever its class (its values are
 * converted). `{ dtype }` overrides the inference.
 * @example
 * tensor([0, 1, 1], { dtype: 'float32' })                                  // int64 (class labels)
 * tensor([0.5, 1])                                   // float32
 * tensor([[1, 2], [3, 4]], { dtype: 'float32', requiresGrad: true })
 */
export function tensor(
  data: NestedArray | ArrayLike<number> | Storage,
  opts: TensorOptions & { shape?: Shape } = {},
): Tensor {
  const o = creationOptions<TensorOptions & { shape?: Shape }>('tensor', opts, null);
  opts = o;
  let values: ArrayLike<number>;
  let shape: number[];
  let dtype: DType | undefined = o.dtype ?? undefined;
  if (o.shape !== undefined) checkShape('tensor', o.shape, dtype ?? 'float32');
  if (ArrayBuffer.isView(data)) {
    if (data instanceof DataView || data instanceof BigInt64Array || data instanceof BigUint64Array) {
      throw new TypeError(`tensor: expected nested arrays, a number or a typed array of numbers, got ${describeValue(data)}`);
    }
    values = data as unknown as ArrayLike<number>;
    shape = opts.shape ? [...opts.shape] : [values.length];
  } else {
    if (data === null || (typeof data !== 'number' && typeof data !== 'boolean' && !Array.isArray(data))) {
      throw new TypeError(`tensor: expected nested arrays, a number or a typed array of numbers, got ${describeValue(data)}`);
    }
    shape = inferShape(data as NestedArray);
    const flat: number[] = [];
    const kinds = flattenInto(data as NestedArray, shape, 0, flat);
    dtype ??= inferDtype(kinds, flat);
    values = flat;
    if (opts.shape) shape = [...opts.shape];
  }
  dtype ??= 'float32';
  checkShape('tensor', shape, dtype);
  if (shapeSize(shape) !== values.length) {
    throw new RangeError(`tensor: shape (${shape.join(', ')}) is invalid for input of size ${values.length}`);
  }
  const storage = storageFor(dtype, values.length);
  if (dtype === 'int64') {
    for (let i = 0; i < values.length; i++) storage[i] = Math.trunc(values[i]) + 0; // + 0: no -0 in an integer
  } else if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) storage[i] = values[i] ? 1 : 0;
  } else {
    storage.set(values as ArrayLike<number>);
  }
  return finish(new Tensor(storage, shape, dtype), opts);
}

/** A tensor of `shape` filled with `value`, created by the public function `op`. */
function filled(op: string, shape: Shape, value: unknown, opts: unknown, like?: Tensor): Tensor {
  const o = creationOptions<TensorOptions>(op, opts, like ? like.dtype : 'float32');
  const dtype = o.dtype;
  checkShape(op, shape, dtype);
  const v0 = typeof value === 'boolean' ? Number(value) : numberArg(op, 'fill_value', value);
  const s = storageFor(dtype, shapeSize(shape), op);
  // int64 truncates toward zero and bool is value != 0, as PyTorch casts the fill value.
  const v = dtype === 'int64' ? Math.trunc(v0) + 0 : dtype === 'bool' ? (v0 !== 0 ? 1 : 0) : v0;
  if (v !== 0) s.fill(v);
  return finish(new Tensor(s, shape, dtype), o);
}

/** A tensor filled with `value`. */
export function full(shape: Shape, value: number, opts: TensorOptions = {}): Tensor {
  return filled('full', shape, value, opts);
}

/**
 * A tensor of zeros of `shape` (torch.zeros).
 * @example zeros([2, 3]) // float32 (2, 3)
 */
export const zeros = (shape: Shape, opts: TensorOptions = {}) => filled('zeros', shape, 0, opts);
/**
 * A tensor of ones of `shape` (torch.ones).
 * @example ones([4], { dtype: 'int64' })
 */
export const ones = (shape: Shape, opts: TensorOptions = {}) => filled('ones', shape, 1, opts);
/** Uninitialised in PyTorch; zero-filled here (JS arrays always are). */
export const empty = (shape: Shape, opts: TensorOptions = {}) => filled('empty', shape, 0, opts);
/** Zeros with `t`'s shape and dtype (torch.zeros_like); `opts` may override the dtype. */
export const zerosLike = (t: Tensor, opts: TensorOptions = {}) => filled('zerosLike', tensorArg('zerosLike', 'input', t).shape, 0, opts, t);
/** Ones with `t`'s shape and dtype (torch.ones_like); `opts` may override the dtype. */
export const onesLike = (t: Tensor, opts: TensorOptions = {}) => filled('onesLike', tensorArg('onesLike', 'input', t).shape, 1, opts, t);
/** `value` everywhere, with `t`'s shape and dtype (torch.full_like). */
export const fullLike = (t: Tensor, value: number, opts: TensorOptions = {}) =>
  filled('fullLike', tensorArg('fullLike', 'input', t).shape, value, opts, t);

/** Values from start (inclusive) to end (exclusive) by step; arange(end) starts at 0. */
export function arange(start: number, end?: number, step = 1, opts: TensorOptions = {}): Tensor {
  numberArg('arange', 'start', start);
  if (end === undefined || end === null) [start, end] = [0, start];
  numberArg('arange', 'end', end);
  numberArg('arange', 'step', step);
  const o = creationOptions<TensorOptions>('arange', opts, null);
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new RangeError(`arange: unsupported range: ${start} -> ${end}`);
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`arange: step must be non-zero and finite, got ${step}`);
  if ((end - start) / step < 0) throw new RangeError(`arange: upper bound and larger bound inconsistent with step sign (start ${start}, end ${end}, step ${step})`);
  const n = Math.ceil((end - start) / step);
  const allInt = [start, end, step].every(Number.isInteger);
  const dtype = o.dtype ?? (allInt ? 'int64' : 'float32');
  checkAllocation('arange', n, bytesPerElement(dtype));
  const s = storageFor(dtype, n);
  for (let i = 0; i < n; i++) s[i] = start + i * step;
  return finish(new Tensor(s, [n], dtype), o);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  numberArg('linspace', 'start', start);
  numberArg('linspace', 'end', end);
  intArg('linspace', 'steps', steps);
  if (steps < 0) throw new RangeError(`linspace: number of steps must be non-negative, got ${steps}`);
  const o = creationOptions<TensorOptions>('linspace', opts, 'float32');
  const dtype = o.dtype;
  checkAllocation('linspace', steps, bytesPerElement(dtype));
  const s = storageFor(dtype, steps);
  // PyTorch's kernel: the first half from start, the second from end (for symmetry). For float32 the
  // step is rounded to float32 and each value is a fused multiply-add (one rounding: the float64
  // product of a float32 step and a small integer is exact); int64 works in float64 and truncates.
  const r = dtype === 'float32' ? Math.fround : (v: number) => v;
  const a = dtype === 'float32' ? Math.fround(start) : Math.trunc(start);
  const b = dtype === 'float32' ? Math.fround(end) : Math.trunc(end);
  if (steps === 1) s[0] = a;
  else if (steps > 1) {
    const step = r((b - a) / (steps - 1));
    const half = Math.floor(steps / 2);
    for (let i = 0; i < steps; i++) s[i] = i < half ? r(a + step * i) : r(b - step * (steps - i - 1));
    if (dtype === 'int64') for (let i = 0; i < steps; i++) s[i] = Math.trunc(s[i]) + 0;
  }
  return finish(new Tensor(s, [steps], dtype), o);
}

/** Uniform [0, 1). */
export function rand(shape: Shape, opts: RandomOptions = {}): Tensor {
  const o = creationOptions<RandomOptions>('rand', opts, 'float32');
  checkFloat('rand', o.dtype);
  checkShape('rand', shape);
  const g = o.generator ?? defaultGenerator;
  const s = new Float32Array(shapeSize(shape));
  for (let i = 0; i < s.length; i++) s[i] = g.random();
  return finish(new Tensor(s, shape), o);
}

/** Standard normal. */
export function randn(shape: Shape, opts: RandomOptions = {}): Tensor {
  const o = creationOptions<RandomOptions>('randn', opts, 'float32');
  checkFloat('randn', o.dtype);
  checkShape('randn', shape);
  const g = o.generator ?? defaultGenerator;
  const s = new Float32Array(shapeSize(shape));
  for (let i = 0; i < s.length; i++) s[i] = g.normal();
  return finish(new Tensor(s, shape), o);
}

/** rand and randn draw floats only, as in PyTorch ("not implemented for 'Long'"). */
function checkFloat(op: string, dtype: DType): void {
  if (dtype !== 'float32') throw new TypeError(`${op}: expected a floating point dtype, got '${dtype}'`);
}

/** Integers uniform in [low, high), dtype int64 by default. */
export function randint(low: number, high: number, shape: Shape, opts: RandomOptions = {}): Tensor {
  const o = creationOptions<RandomOptions>('randint', opts, 'int64');
  numberArg('randint', 'low', low);
  numberArg('randint', 'high', high);
  if (!(Number.isInteger(low) && Number.isInteger(high)) || high <= low) {
    throw new RangeError(`randint: expected integers low < high, got low=${low}, high=${high}`);
  }
  const dtype = o.dtype;
  checkShape('randint', shape, dtype);
  const g = o.generator ?? defaultGenerator;
  const s = storageFor(dtype, shapeSize(shape));
  for (let i = 0; i < s.length; i++) s[i] = g.randint(low, high);
  return finish(new Tensor(s, shape, dtype), o);
}

/** A random permutation of 0..n-1 (int64), Fisher-Yates. */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  intArg('randperm', 'n', n);
  if (n < 0) throw new RangeError(`randperm: Trying to create tensor with negative dimension ${n}: [${n}]`);
  const o = creationOptions<RandomOptions>('randperm', opts, 'int64');
  if (o.dtype !== 'int64') throw new TypeError(`randperm: expected dtype 'int64', got '${o.dtype}'`);
  checkAllocation('randperm', n, 8);
  const g = o.generator ?? defaultGenerator;
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) s[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    const t = s[i];
    s[i] = s[j];
    s[j] = t;
  }
  return finish(new Tensor(s, [n], 'int64'), o);
}
