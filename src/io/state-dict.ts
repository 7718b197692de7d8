/**
 * State dicts: an ordered name -> Tensor mapping, as `module.stateDict()` returns and PyTorch's
 * `state_dict()` holds, and the one place that loads one into another (`loadStateDictInto`).
 * Both plain objects and Maps are accepted everywhere.
 */
import { Tensor, shapeStr, storageFor } from '../tensor.js';
import { describeValue } from '../util/describe.js';
import { isPlainObject } from '../util/plain-object.js';

/**
 * A state dict: tensors by dotted name (`stem.0.weight`, `stem.1.running_mean`), in order. `stateDict()`
 * returns a `Map`; `load`/`loadPth` return a plain object; everything that takes one accepts both.
 */
export type StateDict = Record<string, Tensor> | ReadonlyMap<string, Tensor>;

/** Something with PyTorch's state_dict protocol (nn.Module, Optimizer, LR scheduler). */
export interface HasStateDict {
/** The object's state dict. */
  stateDict(): unknown;
/** Load a state dict into the object. */
  loadStateDict(state: unknown, opts?: { strict?: boolean }): unknown;
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

/** The (name, tensor) pairs of a state dict, in order; TypeError naming the first non-Tensor value. */
export function stateDictEntries(sd: unknown, op: string): [string, Tensor][] {
  const out: [string, Tensor][] = [];
  if (sd instanceof Map) {
    for (const [k, t] of sd) {
      if (typeof k !== 'string') throw new TypeError(`${op}: expected string keys, got ${describeValue(k)}`);
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

/** What `loadStateDict` returns (PyTorch's `_IncompatibleKeys` NamedTuple). */
export interface LoadStateDictResult {
  /** Keys the destination has and the source lacks (only non-empty with strict: false). */
  missingKeys: string[];
  /** Keys the source has and the destination lacks (only non-empty with strict: false). */
  unexpectedKeys: string[];
}

/**
 * The one implementation of PyTorch's `load_state_dict` rules, behind `Module.loadStateDict` and
 * `loadCheckpoint`: copy the values of `source` into the tensors of `dest` in place, matching names 1:1.
 * `dest` is `module.stateDict({ keepVars: true })` (or any state dict whose tensors share storage with
 * what should change); `owner` names it in the error, as PyTorch names the module's class.
 *
 * With `strict` (default true) missing or unexpected keys are errors; a shape mismatch or a value that is
 * not a Tensor always is. All problems are reported in one RangeError with PyTorch 1.13's text (shapes
 * as nodetorch prints them):
 * ```
 * Error(s) in loading state_dict for Inception1d:
 * \tMissing key(s) in state_dict: "head.3.bias". 
 * \tUnexpected key(s) in state_dict: "fc.weight". 
 * \tsize mismatch for stem.0.weight: copying a param with shape (16, 1, 7) from checkpoint, the shape in current model is (32, 1, 7).
 * ```
 * Nothing is copied when there is an error (PyTorch copies the good keys first). Values are converted
 * to the destination's dtype (float <-> int64 <-> bool), as PyTorch's copy_ does; autograd does not see
 * the copy.
 */
export function loadStateDictInto(
  dest: StateDict, source: StateDict, opts: { strict?: boolean }, owner: string,
): LoadStateDictResult {
  const op = 'loadStateDict';
  const strict = opts.strict ?? true;
  if (typeof strict !== 'boolean') throw new TypeError(`${op}: expected strict to be a boolean, got ${describeValue(strict)}`);
  const dst = stateDictEntries(dest, op);
  const src = sourceEntries(source, op);
  const missingKeys = dst.filter(([k]) => !src.has(k)).map(([k]) => k);
  const own = new Set(dst.map(([k]) => k));
  const unexpectedKeys = [...src.keys()].filter((k) => !own.has(k));
  const errors: string[] = [];
  if (strict && missingKeys.length > 0) errors.push(`Missing key(s) in state_dict: ${quoteKeys(missingKeys)}. `);
  if (strict && unexpectedKeys.length > 0) errors.push(`Unexpected key(s) in state_dict: ${quoteKeys(unexpectedKeys)}. `);
  const copies: [Tensor, Tensor][] = [];
  for (const [k, d] of dst) {
    if (!src.has(k)) continue;
    const s = src.get(k);
    if (!(s instanceof Tensor)) {
      errors.push(`While copying the parameter named "${k}", expected Tensor from checkpoint but received ${describeValue(s)}`);
    } else if (s.ndim !== d.ndim || s.shape.some((n, i) => n !== d.shape[i])) {
      errors.push(
        `size mismatch for ${k}: copying a param with shape ${shapeStr(s.shape)} from checkpoint, ` +
          `the shape in current model is ${shapeStr(d.shape)}.`,
      );
    } else {
      copies.push([d, s]);
    }
  }
  if (errors.length > 0) throw new RangeError(`Error(s) in loading state_dict for ${owner}:\n\t${errors.join('\n\t')}`);
  for (const [d, s] of copies) copyInto(d, s);
  return { missingKeys, unexpectedKeys };
}

function quoteKeys(keys: string[]): string {
  return keys.map((k) => `"${k}"`).join(', ');
}

/** The source's entries by name, values unchecked (PyTorch checks only the ones it copies). */
function sourceEntries(sd: unknown, op: string): Map<string, unknown> {
  if (sd instanceof Map) {
    for (const k of sd.keys()) {
      if (typeof k !== 'string') throw new TypeError(`${op}: expected the state dict's keys to be strings, got ${describeValue(k)}`);
    }
    return sd as Map<string, unknown>;
  }
  if (!isPlainObject(sd)) {
    throw new TypeError(`${op}: expected stateDict to be dict-like (a Map or a plain object of name -> Tensor), got ${describeValue(sd)}`);
  }
  return new Map(Object.entries(sd));
}

/**
 * d's elements <- s's, converting dtype (to int64 truncates, to bool tests != 0); through to a view's
 * storage. Bumps d's version, as torch's copy_ in load_state_dict.
 */
function copyInto(d: Tensor, s: Tensor): void {
  const sd = s.data;
  if (d.dtype === s.dtype) {
    d._write(sd);
  } else {
    const out = storageFor(d.dtype, sd.length);
    for (let i = 0; i < sd.length; i++) {
      const v = sd[i];
      out[i] = d.dtype === 'bool' ? (v !== 0 ? 1 : 0) : d.dtype === 'int64' ? Math.trunc(v) : v;
    }
    d._write(out);
  }
  d._bumpVersion();
}
