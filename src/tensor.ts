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

/** Element types: 'float32' (Float32Array), 'int64' (integers in a Float64Array, exact to 2^53), 'bool' (Uint8Array). */
export type DType = 'float32' | 'int64' | 'bool';
export type Storage = Float32Array | Float64Array | Uint8Array;
/** A tensor shape: the size of each dim, outermost first (`[]` for a 0-d tensor). */
export type Shape = readonly number[];

/** A nested array of numbers/booleans, e.g. [[1, 2], [3, 4]]. */
export type NestedArray = number | boolean | readonly NestedArray[];

export function storageFor(dtype: DType, n: number): Storage {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'int64': return new Float64Array(n);
    case 'bool': return new Uint8Array(n);
    default: throw new TypeError(`unknown dtype '${String(dtype)}': expected 'float32', 'int64' or 'bool'`);
  }
}

export function dtypeOf(data: Storage): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'int64';
  return 'bool';
}

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function checkShape(op: string, shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`${op}: expected a shape of non-negative integers, got (${shape.join(', ')})`);
  }
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
 * An n-dimensional array with autograd, as torch.Tensor: `shape`, `dtype`, row-major `data`, and for
 * differentiable tensors `requiresGrad`, `grad` and `gradFn`. Create tensors with `tensor`, `zeros`,
 * `randn`, ... and operate on them with the ops (also available as methods: `x.add(y)`, `x.sum(1)`).
 * Tensors are garbage collected: there is nothing to dispose.
 * @example
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * x.mul(x).sum().backward(); // x.grad = 2x
 */
export class Tensor {
  /** The elements, row-major. Writing to it bypasses autograd (like `tensor.data` in PyTorch). */
  data: Storage;
  readonly shape: Shape;
  readonly dtype: DType;
  /** Accumulated gradient of a leaf after backward(); null until then. */
  grad: Tensor | null = null;
  /** The op that produced this tensor, if it was produced with autograd recording. */
  gradFn: GradFn | null = null;
  private _requiresGrad = false;

  constructor(data: Storage, shape: Shape, dtype: DType = dtypeOf(data)) {
    if (data.length !== shapeSize(shape)) {
      throw new RangeError(`Tensor: storage of ${data.length} elements does not fit shape ${shapeStr(shape)}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    if (creationHook !== null) creationHook(this);
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
    return this.data.length;
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
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new RangeError(`${op}: ${name} out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}
