/** Tensor factories: tensor, zeros, ones, full, empty, arange, linspace, rand, randn, randint, *Like. */
import { Tensor, storageFor, shapeSize, checkShape, type DType, type NestedArray, type Shape, type Storage } from './tensor.js';
import { defaultGenerator, type Generator } from './util/generator.js';
import { describeValue } from './util/describe.js';

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

function flattenInto(v: NestedArray, shape: Shape, dim: number, out: number[]): void {
  if (dim === shape.length) {
    if (typeof v === 'number') out.push(v);
    else if (typeof v === 'boolean') out.push(v ? 1 : 0);
    else throw new TypeError(`tensor: expected a number at depth ${dim}, got ${describeValue(v)}`);
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[dim]) {
    throw new RangeError(`tensor: expected sequence of length ${shape[dim]} at dim ${dim} (got ${Array.isArray(v) ? v.length : typeof v})`);
  }
  for (const x of v) flattenInto(x, shape, dim + 1, out);
}

/**
 * Create a tensor from nested arrays, a number, or a typed array (with `shape`, default 1-D).
 * dtype defaults to 'float32' (booleans give 'bool'; a Float64Array/Int32Array etc. is converted).
 * @example tensor([[1, 2], [3, 4]], { requiresGrad: true })
 */
export function tensor(
  data: NestedArray | ArrayLike<number> | Storage,
  opts: TensorOptions & { shape?: Shape } = {},
): Tensor {
  let values: ArrayLike<number>;
  let shape: number[];
  let dtype = opts.dtype;
  if (ArrayBuffer.isView(data)) {
    values = data as unknown as ArrayLike<number>;
    shape = opts.shape ? [...opts.shape] : [values.length];
  } else {
    if (typeof data === 'boolean' || (Array.isArray(data) && isBoolNested(data))) dtype ??= 'bool';
    shape = inferShape(data as NestedArray);
    const flat: number[] = [];
    flattenInto(data as NestedArray, shape, 0, flat);
    values = flat;
    if (opts.shape) shape = [...opts.shape];
  }
  dtype ??= 'float32';
  checkShape('tensor', shape);
  if (shapeSize(shape) !== values.length) {
    throw new RangeError(`tensor: shape (${shape.join(', ')}) is invalid for input of size ${values.length}`);
  }
  const storage = storageFor(dtype, values.length);
  if (dtype === 'int64') {
    for (let i = 0; i < values.length; i++) storage[i] = Math.trunc(values[i]);
  } else if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) storage[i] = values[i] ? 1 : 0;
  } else {
    storage.set(values as ArrayLike<number>);
  }
  return finish(new Tensor(storage, shape, dtype), opts);
}

function isBoolNested(v: readonly NestedArray[]): boolean {
  let cur: NestedArray = v;
  while (Array.isArray(cur)) {
    if (cur.length === 0) return false;
    cur = cur[0];
  }
  return typeof cur === 'boolean';
}

/** A tensor filled with `value`. */
export function full(shape: Shape, value: number, opts: TensorOptions = {}): Tensor {
  checkShape('full', shape);
  const dtype = opts.dtype ?? 'float32';
  const s = storageFor(dtype, shapeSize(shape));
  // int64 truncates toward zero and bool is value != 0, as PyTorch casts the fill value.
  const v = dtype === 'int64' ? Math.trunc(value) + 0 : dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
  if (v !== 0) s.fill(v);
  return finish(new Tensor(s, shape, dtype), opts);
}

/**
 * A tensor of zeros of `shape` (torch.zeros).
 * @example zeros([2, 3]) // float32 (2, 3)
 */
export const zeros = (shape: Shape, opts: TensorOptions = {}) => full(shape, 0, opts);
/**
 * A tensor of ones of `shape` (torch.ones).
 * @example ones([4], { dtype: 'int64' })
 */
export const ones = (shape: Shape, opts: TensorOptions = {}) => full(shape, 1, opts);
/** Uninitialised in PyTorch; zero-filled here (JS arrays always are). */
export const empty = (shape: Shape, opts: TensorOptions = {}) => full(shape, 0, opts);
/** Zeros with `t`'s shape and dtype (torch.zeros_like); `opts` may override the dtype. */
export const zerosLike = (t: Tensor, opts: TensorOptions = {}) => full(t.shape, 0, { dtype: t.dtype, ...opts });
/** Ones with `t`'s shape and dtype (torch.ones_like); `opts` may override the dtype. */
export const onesLike = (t: Tensor, opts: TensorOptions = {}) => full(t.shape, 1, { dtype: t.dtype, ...opts });
/** `value` everywhere, with `t`'s shape and dtype (torch.full_like). */
export const fullLike = (t: Tensor, value: number, opts: TensorOptions = {}) => full(t.shape, value, { dtype: t.dtype, ...opts });

/** Values from start (inclusive) to end (exclusive) by step; arange(end) starts at 0. */
export function arange(start: number, end?: number, step = 1, opts: TensorOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`arange: step must be non-zero and finite, got ${step}`);
  if ((end - start) / step < 0) throw new RangeError(`arange: upper bound and larger bound inconsistent with step sign (start ${start}, end ${end}, step ${step})`);
  const n = Math.ceil((end - start) / step);
  const allInt = [start, end, step].every(Number.isInteger);
  const dtype = opts.dtype ?? (allInt ? 'int64' : 'float32');
  const s = storageFor(dtype, n);
  for (let i = 0; i < n; i++) s[i] = start + i * step;
  return finish(new Tensor(s, [n], dtype), opts);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: number of steps must be non-negative, got ${steps}`);
  const dtype = opts.dtype ?? 'float32';
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
  return finish(new Tensor(s, [steps], dtype), opts);
}

/** Uniform [0, 1). */
export function rand(shape: Shape, opts: RandomOptions = {}): Tensor {
  checkShape('rand', shape);
  const g = opts.generator ?? defaultGenerator;
  const s = new Float32Array(shapeSize(shape));
  for (let i = 0; i < s.length; i++) s[i] = g.random();
  return finish(new Tensor(s, shape), opts);
}

/** Standard normal. */
export function randn(shape: Shape, opts: RandomOptions = {}): Tensor {
  checkShape('randn', shape);
  const g = opts.generator ?? defaultGenerator;
  const s = new Float32Array(shapeSize(shape));
  for (let i = 0; i < s.length; i++) s[i] = g.normal();
  return finish(new Tensor(s, shape), opts);
}

/** Integers uniform in [low, high), dtype int64 by default. */
export function randint(low: number, high: number, shape: Shape, opts: RandomOptions = {}): Tensor {
  checkShape('randint', shape);
  if (!(Number.isInteger(low) && Number.isInteger(high)) || high <= low) {
    throw new RangeError(`randint: expected integers low < high, got low=${low}, high=${high}`);
  }
  const g = opts.generator ?? defaultGenerator;
  const dtype = opts.dtype ?? 'int64';
  const s = storageFor(dtype, shapeSize(shape));
  for (let i = 0; i < s.length; i++) s[i] = g.randint(low, high);
  return finish(new Tensor(s, shape, dtype), opts);
}

/** A random permutation of 0..n-1 (int64), Fisher-Yates. */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`randperm: expected a non-negative integer n, got ${n}`);
  const g = opts.generator ?? defaultGenerator;
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) s[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    const t = s[i];
    s[i] = s[j];
    s[j] = t;
  }
  return finish(new Tensor(s, [n], 'int64'), opts);
}
