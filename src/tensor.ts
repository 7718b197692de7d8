/**
 * Tensor: a contiguous row-major n-d array with an optional autograd history.
 *
 * Storage is an ordinary typed array owned by JS and freed by the garbage collector: nothing needs
 * `dispose()`. dtypes: 'float32' (Float32Array), 'int64' (Float64Array holding integers, exact to
 * +-2^53: class labels and indices), 'bool' (Uint8Array of 0/1).
 * Operations live in src/ops (one file each) and are attached as methods by src/ops/methods.ts.
 */
import type { GradFn } from './autograd/node.js';
import { RemovableHandle, checkHook } from './util/hooks.js';
import { runBackward } from './autograd/engine.js';
import { formatTensor } from './util/format.js';
import { callerOpName } from './util/op-name.js';
import { describeValue } from './util/describe.js';
import { checkAllocation, bytesPerElement } from './util/limits.js';

/** Element types: 'float32' (Float32Array), 'int64' (integers in a Float64Array, exact to 2^53), 'bool' (Uint8Array). */
export type DType = 'float32' | 'int64' | 'bool';
export type Storage = Float32Array | Float64Array | Uint8Array;
/** A tensor shape: the size of each dim, outermost first (`[]` for a 0-d tensor). */
export type Shape = readonly number[];

/** A nested array of numbers/booleans, e.g. [[1, 2], [3, 4]]. */
export type NestedArray = number | boolean | readonly NestedArray[];

const DTYPES: readonly DType[] = ['float32', 'int64', 'bool'];

/** The storage class of each dtype. */
const STORAGE_CLASS = { float32: Float32Array, int64: Float64Array, bool: Uint8Array } as const;

/** `dtype` must be one of the supported dtype names (TypeError naming `op` otherwise). */
export function checkDtype(op: string, dtype: unknown): DType {
  if (typeof dtype !== 'string' || !DTYPES.includes(dtype as DType)) {
    const got = typeof dtype === 'string' ? `'${dtype}'` : typeof dtype === 'bigint' ? `${dtype}n` : String(dtype);
    throw new TypeError(`${op}: unsupported dtype ${got}: expected 'float32', 'int64' or 'bool'`);
  }
  return dtype as DType;
}

/** A zeroed storage of n elements for `dtype`; `op` names the caller in the error for an unknown dtype. */
export function storageFor(dtype: DType, n: number, op = 'Tensor'): Storage {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'int64': return new Float64Array(n);
    case 'bool': return new Uint8Array(n);
    default: return checkDtype(op, dtype) as never;
  }
}

/** The dtype a storage class holds; TypeError for anything else (plain arrays, Int32Array, ...). */
export function dtypeOf(data: Storage, op = 'Tensor'): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'int64';
  if (data instanceof Uint8Array) return 'bool';
  throw new TypeError(`${op}: expected storage to be a Float32Array (float32), Float64Array (int64) or Uint8Array (bool), got ${describeStorage(data)}`);
}

function describeStorage(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v !== 'object') return typeof v === 'bigint' ? 'a bigint' : `a ${typeof v}`;
  const name = Object.getPrototypeOf(v)?.constructor?.name ?? 'Object';
  return /^[AEIOU]/.test(name) ? `an ${name}` : `a ${name}`;
}

/** `data` must be the storage class of `dtype` (a Float64Array labelled float32 is refused, not reinterpreted). */
function checkStorage(op: string, data: unknown, dtype: DType): Storage {
  if (!(data instanceof STORAGE_CLASS[dtype])) {
    throw new TypeError(`${op}: expected storage of a ${dtype} tensor to be a ${STORAGE_CLASS[dtype].name}, got ${describeStorage(data)}`);
  }
  return data as Storage;
}

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * `shape` must be an array of non-negative integers: TypeError when it is not an array or holds a
 * non-number (a string, a BigInt), RangeError for negative, fractional, NaN or infinite sizes.
 */
export function validateShape(op: string, shape: unknown, name = 'size'): Shape {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${op}: argument '${name}' must be an array of integers, not ${describeStorage(shape).replace(/^an? /, '')}`);
  }
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number') {
      throw new TypeError(`${op}: argument '${name}' must be an array of integers, but found element of type ${typeof d} at pos ${i}`);
    }
    if (d < 0) throw new RangeError(`${op}: Trying to create tensor with negative dimension ${d}: [${shape.join(', ')}]`);
    if (!Number.isInteger(d)) throw new RangeError(`${op}: expected a shape of non-negative integers, got (${shape.join(', ')})`);
  }
  return shape as Shape;
}

/**
 * A shape argument of a function that allocates a tensor of it: validateShape, then the allocation
 * limit (src/util/limits.ts) for that many elements of `dtype`, before anything is allocated.
 */
export function checkShape(op: string, shape: unknown, dtype: DType = 'float32'): asserts shape is Shape {
  checkAllocation(op, shapeSize(validateShape(op, shape)), bytesPerElement(dtype));
}

export function shapeStr(shape: Shape): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** Told of every tensor made while set: an export (src/onnx) uses it to spot untraceable constants. Null normally. */
let creationHook: ((t: Tensor) => void) | null = null;

/** @internal Set (or with null clear) the creation hook; returns the previous one. */
export function setTensorCreationHook(hook: ((t: Tensor) => void) | null): ((t: Tensor) => void) | null {
  const prev = creationHook;
  creationHook = hook;
  return prev;
}


/**
 * Thrown when a tensor's storage no longer holds its elements: the ArrayBuffer was detached
 * (transferred with postMessage/structuredClone) or a length-tracking view shrank with a resizable
 * buffer. Names the public function on the call stack, so the message starts with the op the user called.
 */
function storageLost(t: Tensor, got: number): never {
  const op = callerOpName('Tensor');
  const why = got === 0 ? 'its ArrayBuffer was detached (transferred) or resized' : 'its ArrayBuffer was resized';
  throw new TypeError(`${op}: the storage of a ${t.dtype} tensor of shape ${shapeStr(t.shape)} holds ${got} elements, expected ${t.numel()}: ${why}`);
}

/**
 * An n-dimensional array with autograd, as torch.Tensor: `shape`, `dtype`, row-major `data`, and for
 * differentiable tensors `requiresGrad`, `grad` and `gradFn`. Create tensors with `tensor`, `zeros`,
 * `randn`, ... and operate on them with the ops (also available as methods: `x.add(y)`, `x.sum(1)`).
 * Tensors are garbage collected: there is nothing to dispose.
 * @example
 * const x = tensor([[1, 2], [3, 4]], { dtype: 'float32', requiresGrad: true });
 * x.mul(x).sum().backward(); // x.grad = 2x
 */
export class Tensor {
  private _data: Storage;
  private readonly _numel: number;
  readonly shape: Shape;
  readonly dtype: DType;
  /** Accumulated gradient of a leaf after backward(); null until then. */
  grad: Tensor | null = null;
  /** The op that produced this tensor, if it was produced with autograd recording. */
  gradFn: GradFn | null = null;
  private _requiresGrad = false;

  /**
   * A tensor over `data` (not copied). The storage must be the dtype's class (Float32Array for 'float32',
   * Float64Array for 'int64', Uint8Array for 'bool') and hold exactly the shape's number of elements.
   */
  constructor(data: Storage, shape: Shape, dtype?: DType) {
    validateShape('Tensor', shape, 'shape');
    const dt = dtype === undefined ? dtypeOf(data) : checkDtype('Tensor', dtype);
    checkStorage('Tensor', data, dt);
    const n = shapeSize(shape);
    if (data.length !== n) {
      throw new RangeError(`Tensor: storage of ${data.length} elements does not fit shape ${shapeStr(shape)}`);
    }
    this._data = data;
    this._numel = n;
    this.shape = Object.freeze([...shape]);
    this.dtype = dt;
    if (creationHook !== null) creationHook(this);
  }

  /**
   * The elements, row-major. Writing to it bypasses autograd (like `tensor.data` in PyTorch); the new
   * storage must be of the dtype's class and length. Reading it checks that the storage still holds the
   * tensor's elements (a transferred or shrunk buffer throws instead of giving garbage): every op reads its
   * inputs through here, so this one check guards all backends.
   */
  get data(): Storage {
    const d = this._data;
    if (d.length !== this._numel) storageLost(this, d.length);
    return d;
  }

  set data(v: Storage) {
    checkStorage('data', v, this.dtype);
    if (v.length !== this._numel) {
      throw new RangeError(`data: expected storage of ${this._numel} elements for shape ${shapeStr(this.shape)}, got ${v.length}`);
    }
    this._data = v;
  }

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(on: boolean) {
    if (on && this.dtype !== 'float32') {
      throw new TypeError(`requiresGrad: only tensors of floating point dtype can require gradients, got ${this.dtype}`);
    }
    if (!on && this.gradFn !== null) {
      throw new Error('requiresGrad: you can only change requiresGrad of leaf tensors; use detach()');
    }
    this._requiresGrad = on;
  }

  /** Set requiresGrad in place and return this (torch's requires_grad_). */
  requiresGrad_(on = true): this {
    this.requiresGrad = on;
    return this;
  }

  /** @internal hooks run on this tensor's gradient during backward (registerHook). */
  _gradHooks: Map<number, (grad: Tensor) => Tensor | void> | null = null;

  /**
   * Register a hook called with this tensor's gradient each time it is computed during backward, before
   * it is passed on (or accumulated into `.grad` for a leaf). The hook may return a tensor of the same
   * shape to use instead. Returns a handle whose `remove()` unregisters it (torch's register_hook).
   * @example const h = x.registerHook((g) => g.mul(2)); y.backward(); h.remove();
   */
  registerHook(hook: (grad: Tensor) => Tensor | void): RemovableHandle {
    checkHook('registerHook', hook);
    if (!this.requiresGrad) throw new Error("registerHook: cannot register a hook on a tensor that doesn't require gradient");
    this._gradHooks ??= new Map();
    return new RemovableHandle(this._gradHooks, hook);
  }

  /** @internal set by ops when recording a result. */
  _setHistory(fn: GradFn): void {
    this.gradFn = fn;
    this._requiresGrad = true;
  }

  /** A leaf is a tensor not produced by a recorded op (user-created or detached). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  get ndim(): number {
    return this.shape.length;
  }

/** Number of dims (torch.Tensor.dim()); same as `ndim`. */
  dim(): number {
    return this.shape.length;
  }

/** Number of elements (the product of the shape). */
  numel(): number {
    return this._numel;
  }

  /** size() is the shape; size(d) one dimension (negative d counts from the end). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return [...this.shape];
    return this.shape[normalizeDim('size', dim, this.ndim)];
  }

  /**
   * Compute gradients of this tensor w.r.t. graph leaves, accumulating into their `.grad`.
   * A non-scalar tensor needs `gradient` of its own shape. The graph is freed afterwards unless
   * retainGraph is set.
   */
  backward(gradient?: Tensor, opts: { retainGraph?: boolean } = {}): void {
    runBackward(this, gradient, opts.retainGraph ?? false);
  }

  /** A tensor sharing this storage with no history and requiresGrad false. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, this.dtype);
  }

  /** The value of a one-element tensor as a number. */
  item(): number {
    if (this.data.length !== 1) {
      throw new RangeError(`item: a Tensor with ${this.data.length} elements cannot be converted to a scalar`);
    }
    return this.data[0];
  }

  /** Nested JS arrays (numbers; booleans for 'bool'). A 0-d tensor gives a number. */
  toArray(): NestedArray {
    const conv = this.dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.ndim) return conv(this.data[offset]);
      const stride = shapeSize(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** Alias of {@link Tensor.toArray} (torch's `tolist()`). */
  tolist(): NestedArray {
    return this.toArray();
  }

  /** PyTorch-like text: `tensor([[1.0000, 2.0000]], requires_grad=True)`. */
  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * Resolve a possibly negative dim against ndim (a 0-d tensor accepts -1 and 0, as in PyTorch), with
 * PyTorch's error if out of range. The one range check for dims: src/ops/args.ts dimArg adds the type check.
 */
export function normalizeDim(op: string, dim: number, ndim: number, name = 'dimension'): number {
  if (typeof dim !== 'number') throw new TypeError(`${op}: expected ${name} to be an integer, got ${describeValue(dim)}`);
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new RangeError(`${op}: ${name} out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}
