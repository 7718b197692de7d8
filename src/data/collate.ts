/**
 * defaultCollate / defaultConvert (torch.utils.data.default_collate / default_convert): merge a list of
 * samples into a batch.
 *
 * Batched tensors are built directly into one new typed array (no autograd: data needs none).
 */
import { checkAllocation, bytesPerElement } from '../util/limits.js';
import { Tensor, storageFor, shapeStr, type DType } from '../tensor.js';
import { describeValue } from '../util/describe.js';
import { isPlainObject } from '../util/plain-object.js';

/** Turns the list of samples of one batch into the batch. */
export type CollateFn<S = unknown, B = unknown> = (samples: S[]) => B;

/**
 * The batch defaultCollate makes from samples of type S: a tensor, a number or a typed array becomes a
 * stacked tensor;
 * arrays, tuples and plain objects keep their structure with their fields collated; strings are gathered
 * into an array.
 */
export type Collated<S> = S extends Tensor
  ? Tensor
  : S extends number | boolean | bigint | ArrayBufferView
    ? Tensor
    : S extends string
      ? string[]
      : S extends readonly unknown[]
        ? { -readonly [K in keyof S]: Collated<S[K]> }
        : S extends object
          ? { [K in keyof S]: Collated<S[K]> }
          : unknown;

type AnyTypedArray =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint8ClampedArray
  | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array;

function isTypedArray(v: unknown): v is AnyTypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/** The dtype a typed array becomes: float arrays -> 'float32', integer arrays -> 'int64'. */
export function dtypeOfTypedArray(a: AnyTypedArray): DType {
  return a instanceof Float32Array || a instanceof Float64Array ? 'float32' : 'int64';
}

function at(path: string): string {
  return path === '' ? '' : ` (at sample${path})`;
}

/**
 * Merge samples into a batch, like PyTorch's default_collate:
 * - Tensors of equal shape and dtype are stacked along a new first dimension: B x (shape).
 * - numbers become a 1-D tensor of length B: 'int64' if all are integers, else 'float32';
 *   booleans a 'bool' tensor; bigints 'int64' (exact to 2^53).
 * - typed arrays of equal length become a (B, length) tensor: Float32Array/Float64Array -> 'float32',
 *   integer arrays -> 'int64'.
 * - strings are returned as an array of strings.
 * - arrays (tuples) of equal length are collated position by position: [[x0, y0], [x1, y1]] ->
 *   [collate([x0, x1]), collate([y0, y1])]; plain objects key by key.
 * Anything else, mixed kinds, unequal shapes or lengths, or an empty batch is an error (TypeError for a
 * kind, RangeError for a size) naming where in the sample it happened.
 *
 * Shape: B samples of shape S -> (B, ...S).
 * @example defaultCollate([[tensor([1, 2], { dtype: 'float32' }), 0], [tensor([3, 4], { dtype: 'float32' }), 1]]) // [tensor (2, 2), tensor([0, 1]) int64]
 */
export function defaultCollate<S>(samples: S[]): Collated<S> {
  if (!Array.isArray(samples)) throw new TypeError(`defaultCollate: expected an array of samples, got ${describeValue(samples)}`);
  if (samples.length === 0) throw new RangeError('defaultCollate: cannot collate an empty batch');
  return collate(samples, '') as Collated<S>;
}

function collate(batch: unknown[], path: string): unknown {
  const first = batch[0];
  const firstKind = describeValue(first, { type: true });
  for (let i = 1; i < batch.length; i++) {
    const k = describeValue(batch[i], { type: true });
    const compatible = k === firstKind || (isTypedArray(first) && isTypedArray(batch[i])) || (first instanceof Tensor && batch[i] instanceof Tensor);
    if (!compatible) {
      throw new TypeError(`defaultCollate: batch elements must be of the same kind, got ${firstKind} at entry 0 and ${k} at entry ${i}${at(path)}`);
    }
  }
  if (first instanceof Tensor) return stackTensors(batch as Tensor[], path);
  if (typeof first === 'number') {
    const nums = batch as number[];
    const dtype: DType = nums.every(Number.isInteger) ? 'int64' : 'float32';
    const s = storageFor(dtype, nums.length);
    for (let i = 0; i < nums.length; i++) s[i] = nums[i];
    return new Tensor(s, [nums.length], dtype);
  }
  if (typeof first === 'boolean') {
    const s = new Uint8Array(batch.length);
    for (let i = 0; i < batch.length; i++) s[i] = batch[i] ? 1 : 0;
    return new Tensor(s, [batch.length], 'bool');
  }
  if (typeof first === 'bigint') {
    const s = new Float64Array(batch.length);
    for (let i = 0; i < batch.length; i++) s[i] = Number(batch[i] as bigint);
    return new Tensor(s, [batch.length], 'int64');
  }
  if (typeof first === 'string') return [...batch];
  if (isTypedArray(first)) return stackTypedArrays(batch as AnyTypedArray[], path);
  if (Array.isArray(first)) {
    const n = first.length;
    batch.forEach((b, i) => {
      if ((b as unknown[]).length !== n) {
        throw new RangeError(`defaultCollate: each element in list of batch should be of equal size, got length ${n} at entry 0 and ${(b as unknown[]).length} at entry ${i}${at(path)}`);
      }
    });
    const out: unknown[] = [];
    for (let j = 0; j < n; j++) out.push(collate(batch.map((b) => (b as unknown[])[j]), `${path}[${j}]`));
    return out;
  }
  if (isPlainObject(first)) {
    const keys = Object.keys(first);
    batch.forEach((b, i) => {
      const bk = Object.keys(b as object);
      if (bk.length !== keys.length || keys.some((k) => !Object.prototype.hasOwnProperty.call(b, k))) {
        throw new RangeError(`defaultCollate: samples must have the same keys, got {${keys.join(', ')}} at entry 0 and {${bk.join(', ')}} at entry ${i}${at(path)}`);
      }
    });
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = collate(batch.map((b) => (b as Record<string, unknown>)[k]), `${path}.${k}`);
    return out;
  }
  throw new TypeError(`defaultCollate: batch must contain tensors, numbers, booleans, typed arrays, strings, arrays or plain objects; found ${firstKind}${at(path)}`);
}

function stackTensors(ts: Tensor[], path: string): Tensor {
  const t0 = ts[0];
  const n = t0.data.length;
  for (let i = 1; i < ts.length; i++) {
    const t = ts[i];
    if (t.shape.length !== t0.shape.length || t.shape.some((d, k) => d !== t0.shape[k])) {
      throw new RangeError(`defaultCollate: stack expects each tensor to be equal size, but got ${shapeStr(t0.shape)} at entry 0 and ${shapeStr(t.shape)} at entry ${i}${at(path)}`);
    }
    if (t.dtype !== t0.dtype) {
      throw new TypeError(`defaultCollate: stack expects each tensor to have the same dtype, but got ${t0.dtype} at entry 0 and ${t.dtype} at entry ${i}${at(path)}`);
    }
  }
  checkAllocation('defaultCollate', n * ts.length, bytesPerElement(t0.dtype));
  const out = storageFor(t0.dtype, n * ts.length);
  for (let i = 0; i < ts.length; i++) out.set(ts[i].data, i * n);
  return new Tensor(out, [ts.length, ...t0.shape], t0.dtype);
}

function stackTypedArrays(arrs: AnyTypedArray[], path: string): Tensor {
  const n = arrs[0].length;
  const dtype = dtypeOfTypedArray(arrs[0]);
  arrs.forEach((a, i) => {
    if (a.length !== n) {
      throw new RangeError(`defaultCollate: stack expects each array to be equal size, but got length ${n} at entry 0 and ${a.length} at entry ${i}${at(path)}`);
    }
    if (dtypeOfTypedArray(a) !== dtype) {
      throw new TypeError(`defaultCollate: cannot stack ${arrs[0].constructor.name} (entry 0) with ${a.constructor.name} (entry ${i})${at(path)}`);
    }
  });
  const out = storageFor(dtype, n * arrs.length);
  for (let i = 0; i < arrs.length; i++) {
    const a = arrs[i];
    if (a instanceof BigInt64Array || a instanceof BigUint64Array) {
      for (let j = 0; j < n; j++) out[i * n + j] = Number(a[j]);
    } else {
      out.set(a as ArrayLike<number>, i * n);
    }
  }
  return new Tensor(out, [arrs.length, n], dtype);
}

/**
 * The per-sample conversion used when automatic batching is off (batchSize: null), like PyTorch's
 * default_convert: typed arrays become 1-D tensors (float arrays 'float32', integer arrays 'int64'),
 * recursing into arrays and plain objects; everything else is returned unchanged.
 */
export function defaultConvert(sample: unknown): unknown {
  if (sample instanceof Tensor) return sample;
  if (isTypedArray(sample)) {
    const dtype = dtypeOfTypedArray(sample);
    const s = storageFor(dtype, sample.length);
    if (sample instanceof BigInt64Array || sample instanceof BigUint64Array) {
      for (let j = 0; j < sample.length; j++) s[j] = Number(sample[j]);
    } else {
      s.set(sample as ArrayLike<number>);
    }
    return new Tensor(s, [sample.length], dtype);
  }
  if (Array.isArray(sample)) return sample.map(defaultConvert);
  if (isPlainObject(sample)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(sample)) out[k] = defaultConvert(sample[k]);
    return out;
  }
  return sample;
}
