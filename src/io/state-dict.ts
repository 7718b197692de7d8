/**
 * State dicts: an ordered name -> Tensor mapping, as `module.stateDict()` returns and PyTorch's
 * `state_dict()` holds. Both plain objects and Maps are accepted everywhere in src/io.
 */
import { Tensor, shapeStr, storageFor } from '../tensor.js';

/** name -> Tensor, as a plain object or a Map (insertion-ordered). */
export type StateDict = Record<string, Tensor> | ReadonlyMap<string, Tensor>;

/** Something with PyTorch's state_dict protocol (nn.Module, Optimizer, LR scheduler). */
export interface HasStateDict {
  stateDict(): unknown;
  loadStateDict(state: any, opts?: { strict?: boolean }): unknown;
}

/** True for a Map or plain object whose values are all Tensors (an empty one counts). */
export function isStateDict(v: unknown): v is StateDict {
  if (v instanceof Map) {
    for (const [k, t] of v) if (typeof k !== 'string' || !(t instanceof Tensor)) return false;
    return true;
  }
  if (!isPlainObject(v)) return false;
  for (const k of Object.keys(v)) if (!((v as Record<string, unknown>)[k] instanceof Tensor)) return false;
  return true;
}

/** A non-null object created by `{}`/JSON/Object.create(null), not a class instance or array. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The (name, tensor) pairs of a state dict, in order; TypeError naming the first non-Tensor value. */
export function stateDictEntries(sd: unknown, op: string): [string, Tensor][] {
  const out: [string, Tensor][] = [];
  if (sd instanceof Map) {
    for (const [k, t] of sd) {
      if (typeof k !== 'string') throw new TypeError(`${op}: expected string keys, got ${typeof k} key ${String(k)}`);
      if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor for key '${k}', got ${describeValue(t)}`);
      out.push([k, t]);
    }
    return out;
  }
  if (!isPlainObject(sd)) {
    throw new TypeError(`${op}: expected a state dict (an object or Map of name -> Tensor), got ${describeValue(sd)}`);
  }
  for (const k of Object.keys(sd)) {
    const t = sd[k];
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor for key '${k}', got ${describeValue(t)}`);
    out.push([k, t]);
  }
  return out;
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (v instanceof Tensor) return `a ${v.dtype} Tensor of shape ${shapeStr(v.shape)}`;
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Map) return 'a Map';
  if (typeof v === 'object') {
    const name = Object.getPrototypeOf(v)?.constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return typeof v;
}

export interface LoadStateDictResult {
  /** Keys the destination has and the source lacks (only non-empty with strict: false). */
  missingKeys: string[];
  /** Keys the source has and the destination lacks (only non-empty with strict: false). */
  unexpectedKeys: string[];
}

/**
 * Copy the values of `source` into the tensors of `dest` in place, matching names 1:1 (PyTorch's
 * `load_state_dict` rules). `dest` is typically `module.stateDict()`, whose tensors share storage with
 * the module's parameters and buffers, so the module is updated.
 *
 * With `strict` (default true) missing or unexpected keys throw; shape mismatches always throw. The error
 * lists every problem at once:
 * ```
 * loadStateDict: Error(s) in loading state_dict:
 *     Missing key(s) in state_dict: "head.3.bias".
 *     Unexpected key(s) in state_dict: "fc.weight".
 *     size mismatch for stem.0.weight: copying a param with shape (32, 1, 7) from checkpoint, the shape in current model is (16, 1, 7).
 * ```
 * Values are converted to the destination's dtype (float <-> int64 <-> bool), as PyTorch's copy_ does.
 * Autograd does not see the copy.
 */
export function loadStateDictInto(
  dest: StateDict, source: StateDict, opts: { strict?: boolean } = {},
): LoadStateDictResult {
  const op = 'loadStateDict';
  const strict = opts.strict ?? true;
  const dst = new Map(stateDictEntries(dest, op));
  const src = new Map(stateDictEntries(source, op));
  const missingKeys = [...dst.keys()].filter((k) => !src.has(k));
  const unexpectedKeys = [...src.keys()].filter((k) => !dst.has(k));
  const problems: string[] = [];
  if (strict && missingKeys.length > 0) problems.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
  if (strict && unexpectedKeys.length > 0) problems.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
  for (const [k, d] of dst) {
    const s = src.get(k);
    if (s === undefined) continue;
    const same = s.shape.length === d.shape.length && s.shape.every((n, i) => n === d.shape[i]);
    if (!same) {
      problems.push(
        `size mismatch for ${k}: copying a param with shape ${shapeStr(s.shape)} from checkpoint, ` +
          `the shape in current model is ${shapeStr(d.shape)}.`,
      );
    }
  }
  if (problems.length > 0) {
    throw new RangeError(`${op}: Error(s) in loading state_dict:\n    ${problems.join('\n    ')}`);
  }
  for (const [k, d] of dst) {
    const s = src.get(k);
    if (s === undefined) continue;
    if (s.dtype === d.dtype) {
      d.data.set(s.data);
    } else {
      const tmp = storageFor(d.dtype, s.data.length);
      for (let i = 0; i < s.data.length; i++) {
        const v = s.data[i];
        tmp[i] = d.dtype === 'bool' ? (v !== 0 ? 1 : 0) : d.dtype === 'int64' ? Math.trunc(v) : v;
      }
      d.data.set(tmp);
    }
  }
  return { missingKeys, unexpectedKeys };
}
