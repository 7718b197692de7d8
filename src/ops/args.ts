/**
 * Argument checks shared by the ops: every message names the op and the argument, PyTorch-style
 * (TypeError for wrong types, RangeError for bad values and shapes).
 */
import { Tensor, shapeSize, type DType, type Shape, normalizeDim } from '../tensor.js';
import { describeValue } from '../util/describe.js';
import { contiguousStrides } from '../util/strided-copy.js';

/** `v` must be a Tensor. */
export function tensorArg(op: string, name: string, v: unknown): Tensor {
  if (!(v instanceof Tensor)) throw new TypeError(`${op}: expected ${name} to be a Tensor, got ${describeValue(v)}`);
  return v;
}

/** `v` must be a Tensor of one of `dtypes`. */
export function dtypeArg(op: string, name: string, v: Tensor, dtypes: readonly DType[]): Tensor {
  if (!dtypes.includes(v.dtype)) {
    throw new TypeError(`${op}: expected ${name} of dtype ${dtypes.join(' or ')}, got ${v.dtype}`);
  }
  return v;
}

/** `v` must be an integer (TypeError otherwise), optionally >= min (RangeError). */
export function intArg(op: string, name: string, v: unknown, min?: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new TypeError(`${op}: expected ${name} to be an integer, got ${describeValue(v)}`);
  }
  if (min !== undefined && v < min) throw new RangeError(`${op}: expected ${name} >= ${min}, got ${v}`);
  return v;
}

/** The largest size or window parameter a kernel takes: kernels index with 32-bit integers. */
export const MAX_KERNEL_INT = 2 ** 31 - 1;

/** intArg (>= min) that a kernel receives as a 32-bit integer: RangeError past 2^31 - 1. */
export function kernelIntArg(op: string, name: string, v: unknown, min: number): number {
  const n = intArg(op, name, v, min);
  if (n > MAX_KERNEL_INT) throw new RangeError(`${op}: expected ${name} <= ${MAX_KERNEL_INT}, got ${n}`);
  return n;
}

/** `v` must be a number (NaN allowed). */
export function numberArg(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${op}: expected ${name} to be a number, got ${describeValue(v)}`);
  return v;
}

/** `v` must be a boolean. */
export function boolArg(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${op}: expected ${name} to be a boolean, got ${describeValue(v)}`);
  return v;
}

/**
 * Resolve a possibly negative dim of a tensor with `ndim` dims (a 0-d tensor accepts -1 and 0, as in
 * PyTorch). TypeError for a non-integer, RangeError when out of range.
 */
export function dimArg(op: string, name: string, dim: unknown, ndim: number): number {
  return normalizeDim(op, intArg(op, name, dim), ndim, name);
}

/** Sizes before, at and after `dim`: a tensor viewed as (outer, size, inner). */
export function splitAt(shape: Shape, dim: number): { outer: number; size: number; inner: number } {
  if (shape.length === 0) return { outer: 1, size: 1, inner: 1 };
  return { outer: shapeSize(shape.slice(0, dim)), size: shape[dim], inner: shapeSize(shape.slice(dim + 1)) };
}

/** Row-major strides of a contiguous tensor of `shape`. */
export const stridesOf = contiguousStrides;

/**
 * An options object: undefined and null mean "no options" (every field at its default); anything else
 * that is not a plain object (a number, a string, an array, a Tensor) is a TypeError naming the op.
 */
export function optionsArg<T extends object>(op: string, opts: unknown, name = 'options'): Partial<T> {
  if (opts === undefined || opts === null) return {};
  if (typeof opts !== 'object' || Array.isArray(opts) || opts instanceof Tensor || ArrayBuffer.isView(opts)) {
    throw new TypeError(`${op}: expected ${name} to be an object, got ${describeValue(opts)}`);
  }
  return opts as Partial<T>;
}

/**
 * An iterable or array-like of numbers (indices, lengths, weights) as an array: TypeError when `v` is
 * neither (null, a number) or holds a non-number (a BigInt, a string, a Symbol).
 */
export function numberListArg(op: string, name: string, v: unknown): number[] {
  const iterable = v !== null && v !== undefined && typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
  const arrayLike = v !== null && typeof v === 'object' && typeof (v as { length?: unknown }).length === 'number';
  if (typeof v === 'string' || (!iterable && !arrayLike)) {
    throw new TypeError(`${op}: expected ${name} to be an array of numbers, got ${describeValue(v)}`);
  }
  const out = Array.from(v as ArrayLike<unknown>);
  out.forEach((x, i) => {
    if (typeof x !== 'number') throw new TypeError(`${op}: expected ${name} to hold numbers, got ${describeValue(x)} at index ${i}`);
  });
  return out as number[];
}
