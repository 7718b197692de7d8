/**
 * save/load for state dicts, optimizer state dicts and training checkpoints, by file extension:
 *
 * - `.safetensors` (the native format). A flat state dict (name -> Tensor) is written as a plain
 *   safetensors file that any safetensors reader opens. Anything else (an optimizer state dict, a
 *   checkpoint, nested dicts/lists/numbers/strings) is written as one safetensors file too: every
 *   tensor becomes a safetensors tensor named by its path (`model.stem.0.weight`,
 *   `optimizer.state.0.momentum_buffer`), and the non-tensor structure is a small JSON document stored
 *   in `__metadata__["nodetorch"]` that references those tensors. One file, so one atomic rename.
 * - `.pth`, `.pt`, `.ckpt`, `.bin`, `.tar`: PyTorch's torch.save zip format (see pth.ts), readable by
 *   `torch.load(..., weights_only=True)`.
 *
 * `load` does not trust the extension: it recognises a file by its first bytes.
 *
 * A checkpoint (`saveCheckpoint`/`loadCheckpoint`) is the dict PyTorch users write by hand:
 * `{model, optimizer, scheduler, epoch, step, rng_state, metadata, nodetorch_checkpoint: 1}`, in either
 * format. Loading also accepts PyTorch's common spellings (`model_state_dict`, `state_dict`,
 * `optimizer_state_dict`, `lr_scheduler`, `global_step`) and bare state dicts.
 */
import { extname } from 'node:path';
import { Tensor } from '../tensor.js';
import { defaultGenerator, Generator } from '../util/generator.js';
import { writeFileAtomic } from './atomic-write.js';
import { asOrderedDict, asTuple, isOrderedDict, isTuple, type PickleValue } from './pickle.js';
import { parsePth, serializePth, type LoadPthOptions } from './pth.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';
import {
  isStateDict, loadStateDictInto, stateDictEntries,
  type LoadStateDictResult, type StateDict,
} from './state-dict.js';
import { describeValue } from '../util/describe.js';
import { isPlainObject } from '../util/plain-object.js';
import { previewJson } from './preview.js';
import { MAX_NESTING } from './nesting.js';
import { readInput } from './read-input.js';

export type SerializationFormat = 'safetensors' | 'pth';

const PTH_EXTENSIONS = new Set(['.pth', '.pt', '.ckpt', '.bin', '.tar']);

/** The format `save` uses for a path: by extension (RangeError for an unknown one). */
export function formatForPath(path: string, op = 'save'): SerializationFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.safetensors') return 'safetensors';
  if (PTH_EXTENSIONS.has(ext)) return 'pth';
  throw new RangeError(
    `${op}: cannot tell the format from the extension of '${path}': use .safetensors, or .pth/.pt/.ckpt/.bin for PyTorch's format (or pass { format })`,
  );
}

/** The metadata key holding the JSON structure of a structured safetensors file. */
export const STRUCTURE_KEY = 'nodetorch';

/** Containers nested deeper than this are refused (a clear error instead of a stack overflow). */
const MAX_DEPTH = MAX_NESTING;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Split `value` into named tensors and a JSON skeleton referencing them by name. */
function encodeStructure(value: unknown, op: string): { json: Json; tensors: Map<string, Tensor> } {
  const tensors = new Map<string, Tensor>();
  const names = new Map<Tensor, string>();
  const active = new Set<object>();
  const nameFor = (t: Tensor, path: string[]): string => {
    const known = names.get(t);
    if (known !== undefined) return known;
    const base = path.length > 0 ? path.join('.') : 'tensor';
    let name = base;
    for (let i = 1; tensors.has(name) || name === '__metadata__'; i++) name = `${base}#${i}`;
    tensors.set(name, t);
    names.set(t, name);
    return name;
  };
  const enc = (v: unknown, path: string[]): Json => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return { $float: 'NaN' };
      if (v === Infinity) return { $float: 'Infinity' };
      if (v === -Infinity) return { $float: '-Infinity' };
      if (Object.is(v, -0)) return { $float: '-0' };
      return v;
    }
    if (typeof v === 'bigint') return { $bigint: v.toString() };
    if (v instanceof Tensor) return { $tensor: nameFor(v, path) };
    if (typeof v !== 'object') throw new TypeError(`${op}: cannot save a ${typeof v} at ${path.join('.') || 'root'}`);
    if (active.has(v)) throw new TypeError(`${op}: circular reference at ${path.join('.') || 'root'}`);
    if (active.size >= MAX_DEPTH) throw new RangeError(`${op}: nesting deeper than ${MAX_DEPTH} levels at ${path.slice(0, 5).join('.')}...`);
    active.add(v);
    let out: Json;
    if (Array.isArray(v)) {
      const items = v.map((x, i) => enc(x, [...path, String(i)]));
      out = isTuple(v) ? { $tuple: items } : items;
    } else if (v instanceof Map) {
      out = {
        $map: [...v.entries()].map(([k, x]): Json => {
          if (typeof k !== 'string' && typeof k !== 'number') throw new TypeError(`${op}: Map key ${String(k)} at ${path.join('.')} must be a string or number`);
          return [k, enc(x, [...path, String(k)])];
        }),
      };
    } else if (v instanceof Set) {
      out = { $set: [...v].map((x, i) => enc(x, [...path, String(i)])) };
    } else if (v instanceof Uint8Array) {
      out = { $bytes: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
    } else if (isPlainObject(v)) {
      const o: Record<string, Json> = {};
      for (const k of Object.keys(v)) {
        if (v[k] === undefined) continue;
        define(o, k, enc(v[k], [...path, k]));
      }
      const keys = Object.keys(o);
      if (isOrderedDict(v)) out = { $ordered: o };
      else if (keys.length === 1 && keys[0].startsWith('$')) out = { $object: o };
      else out = o;
    } else {
      throw new TypeError(`${op}: cannot save ${describeValue(v)} at ${path.join('.') || 'root'}`);
    }
    active.delete(v);
    return out;
  };
  return { json: enc(value, []), tensors };
}

/** Where in the structure document a problem is: `model.fc.weight`, long paths shortened. */
function structurePath(path: readonly string[]): string {
  if (path.length === 0) return 'root';
  const shown = path.length <= 8 ? path : [...path.slice(0, 4), `…(${path.length - 7} more)…`, ...path.slice(-3)];
  return shown.map((k) => (k.length > 40 ? `${k.slice(0, 37)}...` : k)).join('.');
}

function decodeStructure(json: unknown, tensors: Record<string, Tensor>, op: string): unknown {
  const path: string[] = [];
  const bad = (msg: string): never => {
    throw new RangeError(`${op}: corrupt nodetorch structure in safetensors metadata at ${structurePath(path)}: ${msg}`);
  };
  // The depth is bounded before recursing, so a 5,000-deep document is this error, not a stack overflow.
  const dec = (v: unknown, key: string | number): unknown => {
    if (path.length >= MAX_DEPTH) bad(`nesting deeper than ${MAX_DEPTH} levels`);
    path.push(String(key));
    try {
      return decOne(v);
    } finally {
      path.pop();
    }
  };
  const decList = (a: unknown[]): unknown[] => a.map((x, i) => dec(x, i));
  const decOne = (v: unknown): unknown => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'number') return v;
    if (Array.isArray(v)) return decList(v);
    if (typeof v !== 'object') return bad(`unexpected ${typeof v}`);
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0].startsWith('$')) {
      const x = o[keys[0]];
      switch (keys[0]) {
        case '$tensor':
          if (typeof x !== 'string' || !Object.prototype.hasOwnProperty.call(tensors, x)) bad(`reference to missing tensor ${previewJson(x)}`);
          return tensors[x as string];
        case '$float':
          if (x === 'NaN') return Number.NaN;
          if (x === 'Infinity') return Infinity;
          if (x === '-Infinity') return -Infinity;
          if (x === '-0') return -0;
          return bad(`bad $float ${previewJson(x)}`);
        case '$bigint':
          if (typeof x !== 'string' || !/^-?\d+$/.test(x)) bad(`bad $bigint ${previewJson(x)}`);
          return BigInt(x as string);
        case '$tuple':
          if (!Array.isArray(x)) bad(`bad $tuple ${previewJson(x)}`);
          return asTuple(decList(x as unknown[]));
        case '$set':
          if (!Array.isArray(x)) bad(`bad $set ${previewJson(x)}`);
          return new Set(decList(x as unknown[]));
        case '$bytes':
          if (typeof x !== 'string') bad(`bad $bytes ${previewJson(x)}`);
          return new Uint8Array(Buffer.from(x as string, 'base64'));
        case '$map': {
          if (!Array.isArray(x)) bad(`bad $map ${previewJson(x)}`);
          const m = new Map<unknown, unknown>();
          for (const pair of x as unknown[]) {
            if (!Array.isArray(pair) || pair.length !== 2 || (typeof pair[0] !== 'string' && typeof pair[0] !== 'number')) bad(`bad $map entry ${previewJson(pair)}`);
            const [k, val] = pair as [string | number, unknown];
            m.set(k, dec(val, k));
          }
          return m;
        }
        case '$ordered':
        case '$object': {
          if (typeof x !== 'object' || x === null || Array.isArray(x)) bad(`bad ${keys[0]} ${previewJson(x)}`);
          const r = decObject(x as Record<string, unknown>);
          return keys[0] === '$ordered' ? asOrderedDict(r) : r;
        }
        default:
          return decObject(o);
      }
    }
    return decObject(o);
  };
  const decObject = (o: Record<string, unknown>): Record<string, unknown> => {
    const r: Record<string, unknown> = {};
    for (const k of Object.keys(o)) define(r, k, dec(o[k], k));
    return r;
  };
  return decOne(json);
}

/** Serialize `obj` in `format`; returns the file's bytes as chunks in order. */
export function serialize(
  obj: unknown, format: SerializationFormat, opts: { metadata?: Record<string, string> | null } = {}, op = 'save',
): Uint8Array[] {
  if (format === 'pth') return serializePth(obj, op);
  if (format !== 'safetensors') throw new RangeError(`${op}: unknown format '${String(format)}': expected 'safetensors' or 'pth'`);
  const userMeta = opts.metadata ?? null;
  if (userMeta && Object.prototype.hasOwnProperty.call(userMeta, STRUCTURE_KEY)) {
    throw new RangeError(`${op}: metadata key '${STRUCTURE_KEY}' is reserved`);
  }
  if (isStateDict(obj)) return serializeSafetensors(obj, userMeta, op);
  const { json, tensors } = encodeStructure(obj, op);
  const metadata: Record<string, string> = { ...(userMeta ?? {}) };
  define(metadata, STRUCTURE_KEY, JSON.stringify({ version: 1, root: json }));
  return serializeSafetensors(tensors, metadata, op);
}

/** Parse bytes written by `serialize`/`save`, torch.save or any safetensors writer (sniffed). */
export function deserialize<T = unknown>(bytes: Uint8Array, opts: LoadPthOptions = {}, op = 'load'): T {
  // A safetensors header is JSON, so byte 8 is '{'; a zip's byte 8 is a compression method and a legacy
  // torch.save pickle's is part of its magic number. (The first bytes alone are ambiguous: a header
  // length of 640 starts 0x80 0x02 like a pickle, one of 19280 starts "PK" like a zip.)
  const looksSafetensors = bytes.length >= 9 && bytes[8] === 0x7b;
  if (!looksSafetensors && bytes.length >= 2 && ((bytes[0] === 0x50 && bytes[1] === 0x4b) || (bytes[0] === 0x80 && bytes[1] <= 5))) {
    return parsePth(bytes, opts, op) as T;
  }
  const { tensors, metadata } = parseSafetensors(bytes, op);
  const structure = metadata?.[STRUCTURE_KEY];
  if (structure === undefined) return tensors as T;
  let doc: unknown;
  try {
    doc = JSON.parse(structure);
  } catch (e) {
    throw new RangeError(`${op}: corrupt nodetorch structure in safetensors metadata: ${(e as Error).message}`);
  }
  if (!isPlainObject(doc) || doc.version !== 1 || !('root' in doc)) {
    throw new RangeError(`${op}: unsupported nodetorch structure version ${isPlainObject(doc) && doc.version !== undefined ? JSON.stringify(doc.version) : '(missing)'}`);
  }
  return decodeStructure(doc.root, tensors, op) as T;
}

export interface SaveOptions {
  /** Override the format chosen from the extension. */
  format?: SerializationFormat;
  /** Extra `__metadata__` strings (safetensors only). */
  metadata?: Record<string, string> | null;
}

/**
 * Save a state dict, an optimizer state dict, a checkpoint dict, or any nesting of plain
 * objects/arrays/numbers/strings/booleans/null/Tensors, atomically. The format follows the extension
 * (see the module doc); `.safetensors` is the native one.
 * @example
 * save(model.stateDict(), 'model.safetensors');
 * save(optimizer.stateDict(), 'optimizer.pth');
 */
export function save(obj: unknown, path: string, opts: SaveOptions = {}): void {
  const op = `save('${path}')`;
  if (obj !== null && typeof obj === 'object' && typeof (obj as { stateDict?: unknown }).stateDict === 'function' && typeof (obj as { forward?: unknown }).forward === 'function') {
    throw new TypeError(`${op}: cannot save a Module itself (PyTorch pickles the object, which nodetorch does not); pass model.stateDict()`);
  }
  const format = opts.format ?? formatForPath(path, op);
  if (opts.metadata && format !== 'safetensors') throw new RangeError(`${op}: metadata is only supported for safetensors`);
  writeFileAtomic(path, serialize(obj, format, { metadata: opts.metadata ?? null }, op));
}

/**
 * Load what `save`, `torch.save` (PyTorch >= 1.6) or any safetensors writer wrote, recognising the
 * format from the file's first bytes. A flat safetensors file or a PyTorch state dict gives
 * `Record<string, Tensor>`.
 * @example const sd = load('model.safetensors'); model.loadStateDict(sd);
 */
export function load<T = unknown>(path: string, opts: LoadPthOptions = {}): T {
  const op = `load('${path}')`;
  return deserialize<T>(readInput(path, op), opts, op);
}

// ---------------------------------------------------------------------------------------------------
// Checkpoints

type Stateful = { stateDict(): unknown };
type Loadable = { loadStateDict(state: unknown, opts?: { strict?: boolean }): unknown };

function hasStateDict(v: unknown): v is Stateful {
  return typeof v === 'object' && v !== null && typeof (v as Stateful).stateDict === 'function';
}

function hasLoadStateDict(v: unknown): v is Loadable {
  return typeof v === 'object' && v !== null && typeof (v as Loadable).loadStateDict === 'function';
}

export interface SaveCheckpointOptions {
  /** A module (anything with stateDict()) or a state dict. */
  model: Stateful | StateDict;
  /** An optimizer (anything with stateDict()) or its state dict. */
  optimizer?: Stateful | unknown;
  /** An LR scheduler (anything with stateDict()) or its state dict. */
  scheduler?: Stateful | unknown;
  epoch?: number;
  step?: number;
  /** The generator whose state to store (default: the default generator; null: none). */
  generator?: Generator | null;
  /** Anything JSON-like: config, best metric, ... */
  metadata?: Record<string, unknown>;
  /** Override the format chosen from the extension. */
  format?: SerializationFormat;
}

/** The checkpoint dict as stored (PyTorch's conventional keys). */
export interface CheckpointDict {
  model: Record<string, Tensor>;
  optimizer: unknown;
  scheduler: unknown;
  epoch: number;
  step: number;
  /** Generator.getState() of the generator saved with the checkpoint, or null. */
  rng_state: number[] | null;
  metadata: Record<string, unknown>;
  nodetorch_checkpoint: number;
}

/**
 * Write a training checkpoint atomically: model weights, optimizer and scheduler state, epoch, step,
 * RNG state and user metadata, as one file. A process killed mid-write leaves the previous checkpoint
 * loadable. `.safetensors` gives the native format; `.pth`/`.pt`/`.ckpt` gives a torch.save file that
 * PyTorch reads as a dict of state dicts.
 * @example
 * saveCheckpoint('run/last.safetensors', { model, optimizer, scheduler, epoch, step, metadata: { bestAcc } });
 */
export function saveCheckpoint(path: string, opts: SaveCheckpointOptions): void {
  const op = `saveCheckpoint('${path}')`;
  if (typeof opts !== 'object' || opts === null) throw new TypeError(`${op}: expected options with at least { model }`);
  const model = hasStateDict(opts.model) ? opts.model.stateDict() : opts.model;
  // Validate early for a clear message (and accept Maps).
  const modelSd = asOrderedDict(Object.fromEntries(stateDictEntries(model, `${op}: model`)) as Record<string, Tensor>);
  const sub = (v: unknown): unknown => (hasStateDict(v) ? v.stateDict() : v ?? null);
  for (const [k, v] of [['epoch', opts.epoch], ['step', opts.step]] as const) {
    if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)) {
      throw new TypeError(`${op}: expected ${k} to be a non-negative integer, got ${describeValue(v)}`);
    }
  }
  const gen = opts.generator === undefined ? defaultGenerator : opts.generator;
  if (gen !== null && !(gen instanceof Generator)) throw new TypeError(`${op}: expected generator to be a Generator or null`);
  const ckpt: CheckpointDict = {
    model: modelSd,
    optimizer: sub(opts.optimizer),
    scheduler: sub(opts.scheduler),
    epoch: opts.epoch ?? 0,
    step: opts.step ?? 0,
    rng_state: gen ? gen.getState() : null,
    metadata: opts.metadata ?? {},
    nodetorch_checkpoint: 1,
  };
  const format = opts.format ?? formatForPath(path, op);
  writeFileAtomic(path, serialize(ckpt, format, {}, op));
}

export interface LoadCheckpointOptions extends LoadPthOptions {
  /** Load the weights into this module (loadStateDict) or state dict (copied in place). */
  model?: Loadable | StateDict;
  /** Load the optimizer state into this optimizer (loadStateDict). */
  optimizer?: Loadable;
  /** Load the scheduler state into this scheduler (loadStateDict). */
  scheduler?: Loadable;
  /** Restore the saved RNG state into this generator (default: the default generator; null: don't). */
  generator?: Generator | null;
  /** Strict key matching for the model (default true). */
  strict?: boolean;
}

export interface LoadedCheckpoint {
  model: Record<string, Tensor>;
  optimizer: unknown;
  scheduler: unknown;
  epoch: number;
  step: number;
  rngState: number[] | null;
  metadata: Record<string, unknown>;
  /** Keys reported by loading into `model` with strict: false (empty otherwise). */
  missingKeys: string[];
  unexpectedKeys: string[];
}

function pick(d: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) if (Object.prototype.hasOwnProperty.call(d, k)) return d[k];
  return undefined;
}

/**
 * Read a checkpoint written by `saveCheckpoint` (either format) or by PyTorch (a dict with
 * `model`/`model_state_dict`/`state_dict`, `optimizer`/`optimizer_state_dict`, ... or a bare state
 * dict) and, for each target given, load its part into it. Unless `generator: null`, a nodetorch RNG
 * state in the file is restored into `generator` (default: the default generator), so a resumed run
 * draws the same random numbers as an uninterrupted one.
 * @example
 * const ck = loadCheckpoint('run/last.safetensors', { model, optimizer, scheduler });
 * for (let epoch = ck.epoch + 1; epoch < epochs; epoch++) { ... }
 */
export function loadCheckpoint(path: string, opts: LoadCheckpointOptions = {}): LoadedCheckpoint {
  const op = `loadCheckpoint('${path}')`;
  const raw = deserialize<unknown>(readInput(path, op), opts, op);
  if (!isPlainObject(raw)) throw new TypeError(`${op}: expected a checkpoint dict, got ${describeValue(raw)}`);
  const d = raw as Record<string, unknown>;
  let model: unknown;
  let rest: Record<string, unknown>;
  if (isStateDict(d) && pick(d, ['model', 'model_state_dict', 'state_dict']) === undefined) {
    model = d;
    rest = {};
  } else {
    model = pick(d, ['model', 'model_state_dict', 'state_dict']);
    rest = d;
    if (model === undefined) throw new RangeError(`${op}: no model state in checkpoint (looked for 'model', 'model_state_dict', 'state_dict'); keys: ${Object.keys(d).join(', ')}`);
  }
  const modelSd = Object.fromEntries(stateDictEntries(model, `${op}: model`)) as Record<string, Tensor>;
  const num = (key: string[], v: unknown): number => {
    if (v === undefined || v === null) return 0;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TypeError(`${op}: expected '${key[0]}' to be an integer, got ${describeValue(v)}`);
    return v;
  };
  const stepKeys = ['step', 'global_step'];
  const rngRaw = rest.rng_state;
  const rngState = Array.isArray(rngRaw) && rngRaw.length === 6 && rngRaw.every((x) => typeof x === 'number') ? (rngRaw as number[]) : null;
  const out: LoadedCheckpoint = {
    model: modelSd,
    optimizer: pick(rest, ['optimizer', 'optimizer_state_dict']) ?? null,
    scheduler: pick(rest, ['scheduler', 'lr_scheduler', 'scheduler_state_dict']) ?? null,
    epoch: num(['epoch'], rest.epoch),
    step: num(stepKeys, pick(rest, stepKeys)),
    rngState,
    metadata: isPlainObject(rest.metadata) ? (rest.metadata as Record<string, unknown>) : {},
    missingKeys: [],
    unexpectedKeys: [],
  };
  const strict = opts.strict ?? true;
  if (opts.model !== undefined) {
    let res: unknown;
    if (hasLoadStateDict(opts.model)) res = opts.model.loadStateDict(modelSd, { strict });
    else if (isStateDict(opts.model)) res = loadStateDictInto(opts.model, modelSd, { strict }, 'model');
    else throw new TypeError(`${op}: model must have loadStateDict() or be a state dict, got ${describeValue(opts.model)}`);
    if (isPlainObject(res) && Array.isArray(res.missingKeys) && Array.isArray(res.unexpectedKeys)) {
      out.missingKeys = (res as unknown as LoadStateDictResult).missingKeys;
      out.unexpectedKeys = (res as unknown as LoadStateDictResult).unexpectedKeys;
    }
  }
  for (const [name, target, state] of [['optimizer', opts.optimizer, out.optimizer], ['scheduler', opts.scheduler, out.scheduler]] as const) {
    if (target === undefined) continue;
    if (!hasLoadStateDict(target)) throw new TypeError(`${op}: ${name} must have loadStateDict()`);
    if (state === null) throw new RangeError(`${op}: the checkpoint holds no ${name} state`);
    target.loadStateDict(state);
  }
  const gen = opts.generator === undefined ? defaultGenerator : opts.generator;
  if (gen !== null && rngState !== null) {
    if (!(gen instanceof Generator)) throw new TypeError(`${op}: expected generator to be a Generator or null`);
    gen.setState(rngState);
  }
  return out;
}

export type { PickleValue };
