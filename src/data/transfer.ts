/**
 * Moving samples and batches between DataLoader workers and the main thread.
 *
 * Tensors lose their class in a structured clone, so they travel as `{ [TENSOR_TAG]: 1, data, shape,
 * dtype }` and are revived on arrival. Typed arrays move without a copy where that is safe:
 * - storage in a SharedArrayBuffer is shared as is;
 * - arrays the sender just allocated (a collated batch) are transferred (`owned`);
 * - anything else is copied, and a view into a larger buffer is first sliced so only its own bytes
 *   travel (a clone would otherwise copy the whole underlying buffer).
 */
import { Tensor, type DType, type Storage } from '../tensor.js';
import { isPlainObject } from '../util/plain-object.js';

const TENSOR_TAG = '__nodetorchTensor';

interface EncodedTensor {
  [TENSOR_TAG]: 1;
  data: Storage;
  shape: number[];
  dtype: DType;
}

/**
 * Prepare `value` for postMessage. `owned`: the value's typed arrays were allocated for this message
 * and may be transferred (detached here). Returns the message and its transfer list.
 */
export function encodeForTransfer(value: unknown, owned: boolean): { message: unknown; transfer: ArrayBuffer[] } {
  const transfer = new Set<ArrayBuffer>();
  const prepare = <A extends ArrayBufferView>(a: A): A => {
    const buf = a.buffer;
    if (typeof SharedArrayBuffer !== 'undefined' && buf instanceof SharedArrayBuffer) return a;
    const whole = a.byteOffset === 0 && a.byteLength === buf.byteLength;
    if (owned && whole) {
      transfer.add(buf as ArrayBuffer);
      return a;
    }
    if (whole) return a; // cloned by postMessage
    const copy = (a as unknown as { slice(): A }).slice();
    transfer.add(copy.buffer as ArrayBuffer);
    return copy;
  };
  const walk = (v: unknown): unknown => {
    if (v instanceof Tensor) {
      const enc: EncodedTensor = { [TENSOR_TAG]: 1, data: prepare(v.data), shape: [...v.shape], dtype: v.dtype };
      return enc;
    }
    if (ArrayBuffer.isView(v)) return v instanceof DataView ? v : prepare(v);
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) out[k] = walk(v[k]);
      return out;
    }
    return v;
  };
  const message = walk(value);
  return { message, transfer: [...transfer] };
}

/** Revive tensors in a message produced by encodeForTransfer. */
export function decodeTransfer(value: unknown): any {
  if (Array.isArray(value)) return value.map(decodeTransfer);
  if (isPlainObject(value)) {
    if (value[TENSOR_TAG] === 1) {
      const e = value as unknown as EncodedTensor;
      return new Tensor(e.data, e.shape, e.dtype);
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) out[k] = decodeTransfer(value[k]);
    return out;
  }
  return value;
}

/** An Error as plain data (errors keep only message/stack in some structured-clone paths). */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

/** Rebuild a worker's error in the main thread, same class for the built-in ones. */
export function reviveError(e: SerializedError, where: string): Error {
  const Ctor = ({ TypeError, RangeError, SyntaxError, ReferenceError } as Record<string, ErrorConstructor>)[e.name] ?? Error;
  const err = new Ctor(`${e.message} (${where})`);
  if (!(e.name in { TypeError: 1, RangeError: 1, SyntaxError: 1, ReferenceError: 1, Error: 1 })) err.name = e.name;
  if (e.stack) err.stack = `${err.stack ?? ''}\n  --- original stack in ${where} ---\n${e.stack}`;
  return err;
}
