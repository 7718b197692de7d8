/**
 * Tensor: an n-d array over a typed-array storage, with (shape, strides, offset) as PyTorch's, and an
 * optional autograd history.
 *
 * Storage is an ordinary typed array owned by JS and freed by the garbage collector: nothing needs
 * `dispose()`. View ops (view/reshape when possible, transpose, permute, narrow, select, slicing,
 * expand, squeeze/unsqueeze, split/chunk) return tensors over the same storage with other strides and
 * offset, sharing a version counter with their base.
 *
 * Layout choice (kernels stay contiguous-only, DESIGN.md section 3): every op reads its inputs through
 * the `data` getter. A contiguous tensor keeps `_data`, the window of its storage it covers (the storage
 * itself for a plain tensor, a `subarray` sharing memory for a contiguous view with an offset, made once
 * when the view is made), so the getter of a contiguous tensor is one field read and one length check, as
 * before views existed: the train step, which uses no non-contiguous tensor, costs the same. A
 * non-contiguous view gathers its elements into a fresh contiguous array on every read (no cache: a
 * write through another alias would make it stale). Writers go through the setter or the in-place ops,
 * which scatter into the storage. dtypes: 'float32' (Float32Array), 'int64' (Float64Array holding integers, exact to
 * +-2^53: class labels and indices), 'bool' (Uint8Array of 0/1).
 * Operations live in src/ops (one file each) and are attached as methods by src/ops/methods.ts.
 */
import type { GradFn } from './autograd/node.js';
import { RemovableHandle, checkHook } from './util/hooks.js';
import { runBackward } from './autograd/engine.js';
import { disownStorage } from './autograd/graph-internal.js';
import { formatTensor } from './util/format.js';
import { callerOpName } from './util/op-name.js';
import { describeValue } from './util/describe.js';
import { checkAllocation, bytesPerElement } from './util/limits.js';
import { contiguousStrides, gatherStrided, isContiguousLayout, maxPosition, scatterStrided } from './util/strided-copy.js';

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

/** @internal A version counter, shared by a tensor, its views and its detached aliases. */
export interface VersionCounter {
  v: number;
}

/**
 * @internal What autograd keeps about in-place ops on one tensor (src/autograd/inplace-history.ts). A
 * tensor without the record reads as all fields null / 0.
 */
export interface InplaceHistory {
  /**
   * Histories this tensor had before in-place ops gave it new ones, with the last version each was
   * current at; null until the first in-place op under autograd.
   */
  olds: { readonly until: number; readonly t: Tensor }[] | null;
  /** For a base: how many times an in-place op through a view gave it a new history. */
  histGen: number;
  /** For a base: the version just before the last such op. */
  rebasedAt: number;
  /** For a view: the base's histGen its own history was made for. */
  baseGen: number;
}

/** @internal Where a view lies in its source's storage. */
export interface ViewLayout {
  readonly shape: Shape;
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * An n-dimensional array with autograd, as torch.Tensor: `shape`, `dtype`, row-major `data`, and for
 * differentiable tensors `requiresGrad`, `grad` and `gradFn`. Create tensors with `tensor`, `zeros`,
 * `randn`, ... and operate on them with the ops (also available as methods: `x.add(y)`, `x.sum(1)`).
 * Tensors are garbage collected: there is nothing to dispose. View ops (`view`, `transpose`, `narrow`,
 * `select`, `expand`, ...) return tensors over the same storage with their own `stride()` and
 * `storageOffset()`; `contiguous()` copies one whose elements do not lie row-major.
 * @example
 * const x = tensor([[1, 2], [3, 4]], { dtype: 'float32', requiresGrad: true });
 * x.mul(x).sum().backward(); // x.grad = 2x
 */
export class Tensor {
  /** The elements when contiguous (a window of _storage); _storage itself when not. */
  private _data: Storage;
  /** The whole storage, shared with views. */
  private _storage: Storage;
  private _offset: number;
  /** Null for a row-major tensor made by the constructor (strides computed on demand). */
  private _strides: readonly number[] | null;
  private _contig: boolean;
  /** Created on first need (a view, an in-place op): plain tensors allocate nothing for it. */
  private _vc: VersionCounter | null;
  /**
   * The tensor whose storage this view looks at (the root: a view of a view names the first tensor), as
   * torch's `_base`; null for a tensor that is not a view.
   */
  _base: Tensor | null;
  /**
   * @internal Autograd's record of in-place ops (src/autograd/inplace-history.ts), made on first need (an
   * in-place op under autograd on this tensor or through a view of it; a view made of a rebased base):
   * creating a tensor writes one field for it, not four.
   */
  _inplace: InplaceHistory | null;
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
    this._storage = data;
    this._offset = 0;
    this._strides = null;
    this._contig = true;
    this._vc = null;
    this._base = null;
    this._inplace = null;
    this._numel = n;
    this.shape = Object.freeze([...shape]);
    this.dtype = dt;
    if (creationHook !== null) creationHook(this);
  }

  /**
   * @internal A tensor over src's storage with another layout (positions in the storage), sharing src's
   * version counter. `asView` makes it a view (its `_base` is src's base, or src); a detached alias is not.
   */
  static _alias(src: Tensor, layout: ViewLayout, asView: boolean): Tensor {
    const storage = src._storageOrLost();
    disownStorage(src);
    if (src._base !== null) disownStorage(src._base);
    const n = shapeSize(layout.shape);
    if (layout.offset < 0 || (n > 0 && maxPosition(layout.shape, layout.strides, layout.offset) >= storage.length)) {
      throw new RangeError(`Tensor: a view of shape ${shapeStr(layout.shape)} at offset ${layout.offset} reaches past a storage of ${storage.length} elements`);
    }
    const contig = isContiguousLayout(layout.shape, layout.strides);
    const window = contig ? (layout.offset === 0 && n === storage.length ? storage : storage.subarray(layout.offset, layout.offset + n)) : storage;
    const t = new Tensor(window, contig ? layout.shape : [window.length], src.dtype);
    t._storage = storage;
    t._offset = layout.offset;
    t._strides = Object.freeze([...layout.strides]);
    t._contig = contig;
    t._vc = src._versionCounter();
    t._base = asView ? (src._base ?? src) : null;
    if (t._base !== null && t._base._inplace !== null && t._base._inplace.histGen !== 0) {
      t._inplaceHistory().baseGen = t._base._inplace.histGen;
    }
    if (!contig) (t as { shape: Shape }).shape = Object.freeze([...layout.shape]);
    (t as unknown as { _numel: number })._numel = n;
    return t;
  }

  /** The storage, or the storageLost error when its buffer was detached or shrank. */
  private _storageOrLost(): Storage {
    if (this._contig) this.data; // the length check
    return this._storage;
  }

  /** @internal The shared version counter (made on first need). */
  _versionCounter(): VersionCounter {
    return (this._vc ??= { v: 0 });
  }

  /** @internal The record of in-place ops (made on first need). */
  _inplaceHistory(): InplaceHistory {
    return (this._inplace ??= { olds: null, histGen: 0, rebasedAt: 0, baseGen: 0 });
  }

  /** @internal The layout (shape, strides, offset) in the storage. */
  _layout(): ViewLayout {
    return { shape: this.shape, strides: this.stride(), offset: this._offset };
  }

  /**
   * How many times this tensor's storage was modified in place through it or an alias (torch's
   * `_version`): autograd compares it with the version a backward node saved.
   */
  get _version(): number {
    return this._vc === null ? 0 : this._vc.v;
  }

  /**
   * @internal Count one in-place modification (shared with every alias). Every write into an existing
   * tensor's elements calls it: in-place ops, optimizer steps, nn.init, loadStateDict, zeroGrad, ...
   */
  _bumpVersion(): void {
    this._versionCounter().v++;
  }

  /**
   * The stride of each dim (elements to step in the storage for one step along the dim), or of `dim`,
   * as torch.Tensor.stride.
   * @example zeros([2, 3]).t().stride() // [1, 3]
   */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    const s = this._strides ?? contiguousStrides(this.shape);
    if (dim === undefined) return [...s];
    return s[normalizeDim('stride', dim, this.ndim)];
  }

  /** Where the first element lies in the storage (torch.Tensor.storage_offset). */
  storageOffset(): number {
    return this._offset;
  }

  /**
   * True if the elements lie in the storage in row-major order without gaps (torch.Tensor.is_contiguous):
   * then `data` is a window of the storage, not a copy.
   */
  isContiguous(): boolean {
    return this._contig;
  }

  /**
   * True if this and `other` look at the same storage: one is a view or detached alias of the other, or
   * both are of a third (PyTorch compares `untyped_storage().data_ptr()` for this).
   */
  sharesStorage(other: Tensor): boolean {
    return other instanceof Tensor && this._storage.buffer === other._storage.buffer && this._storage.byteOffset === other._storage.byteOffset;
  }

  /**
   * The elements, row-major. For a contiguous tensor this is its storage (or the window of it a view
   * covers): writing into it changes the tensor and every view of the same storage. For a non-contiguous
   * view it is a fresh contiguous copy (assign `data = ...` or use an in-place op to write through).
   * Assigning bypasses autograd (like `tensor.data` in PyTorch); the array must be of the dtype's class
   * and length: a view copies it into the shared storage, any other tensor adopts it as its storage (its
   * old views keep the old one, as in PyTorch). Reading checks that the storage still holds the tensor's
   * elements (a transferred or shrunk buffer throws instead of giving garbage): every op reads its inputs
   * through here, so this one check guards all backends.
   */
  get data(): Storage {
    if (this._contig) {
      const d = this._data;
      if (d.length !== this._numel) storageLost(this, d.length);
      return d;
    }
    return this._gather();
  }

  set data(v: Storage) {
    checkStorage('data', v, this.dtype);
    if (v.length !== this._numel) {
      throw new RangeError(`data: expected storage of ${this._numel} elements for shape ${shapeStr(this.shape)}, got ${v.length}`);
    }
    if (this._base === null && this._strides === null) {
      this._data = v;
      this._storage = v;
    } else {
      this._write(v);
    }
  }

  /** A contiguous copy of a non-contiguous view's elements. */
  private _gather(): Storage {
    const s = this._storage;
    if (s.length === 0 && this._numel > 0) storageLost(this, 0);
    try {
      checkAllocation('data', this._numel, bytesPerElement(this.dtype));
    } catch {
      checkAllocation(callerOpName('Tensor'), this._numel, bytesPerElement(this.dtype));
    }
    return gatherStrided(s, this.shape, this._strides!, this._offset, storageFor(this.dtype, this._numel));
  }

  /**
   * @internal Set every element this tensor covers to v (through to a view's storage), bypassing
   * autograd; counts as an in-place modification (bumps the version, as torch's fill_ / zero_).
   */
  _fill(v: number): void {
    if (this._contig) this.data.fill(v);
    else this._write(storageFor(this.dtype, this._numel).fill(v));
    this._bumpVersion();
  }

  /**
   * @internal Write row-major values into the elements this tensor covers (through to the storage its
   * views share), bypassing autograd and the version counter.
   */
  _write(values: ArrayLike<number>): void {
    if (this._contig) {
      const d = this.data;
      if (ArrayBuffer.isView(values)) d.set(values as Storage);
      else for (let i = 0; i < d.length; i++) d[i] = values[i];
      return;
    }
    scatterStrided(this._storageOrLost(), this.shape, this._strides!, this._offset, values);
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

  /**
   * A tensor sharing this storage (and its version counter) with no history and requiresGrad false:
   * in-place changes to either are seen by both.
   */
  detach(): Tensor {
    if (this._strides === null && this._base === null) {
      const t = new Tensor(this.data, this.shape, this.dtype);
      t._vc = this._versionCounter();
      return t;
    }
    return Tensor._alias(this, this._layout(), false);
  }

  /** The value of a one-element tensor as a number. */
  item(): number {
    if (this._numel !== 1) {
      throw new RangeError(`item: a Tensor with ${this._numel} elements cannot be converted to a scalar`);
    }
    return this.data[0];
  }

  /** Nested JS arrays (numbers; booleans for 'bool'). A 0-d tensor gives a number. */
  toArray(): NestedArray {
    const conv = this.dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
    const data = this.data;
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.ndim) return conv(data[offset]);
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
