/**
 * How error messages name the value that came: `${op}: expected x to be a Tensor, got ${describeValue(v)}`.
 * The one helper for that across src/ (io/pickle.ts names unpickled values in Python's words instead).
 */
import { Tensor, shapeStr } from '../tensor.js';

/**
 * A short description of `v` for an error message:
 * - `null`, `undefined`, booleans, numbers and bigints as written in JS (`true`, `-1.5`, `NaN`, `3n`);
 * - strings quoted (`'relu'`, long ones cut to 40 characters);
 * - tensors with dtype and shape (`a float32 Tensor of shape (2, 3)`; Parameters likewise);
 * - `an array`, `a function`, `an object` (plain), or the class (`a Map`, `a Float32Array`, `a Generator`).
 *
 * With `{ type: true }` only the type is named, unquoted values and all (`number`, `string`, `Tensor`,
 * `Parameter`, `Array`, `Object`, `Map`): the form of PyTorch's messages that quote a type
 * (`cannot assign 'Tensor' as parameter 'w'`).
 */
export function describeValue(v: unknown, opts: { type?: boolean } = {}): string {
  if (opts.type) return typeName(v);
  if (v === null || v === undefined || typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 37)}...` : v}'`;
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'function') return 'a function';
  if (v instanceof Tensor) return `${article(v.dtype)} ${v.dtype} ${typeName(v)} of shape ${shapeStr(v.shape)}`;
  if (Array.isArray(v)) return 'an array';
  const name = typeName(v);
  return name === 'Object' ? 'an object' : `${article(name)} ${name}`;
}

function article(word: string): string {
  return /^[aeio]/i.test(word) ? 'an' : 'a';
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return Object.getPrototypeOf(v)?.constructor?.name || 'Object';
}
