/**
 * A pickler that writes what `torch.save` writes (pickle protocol 2, tensors as
 * `torch._utils._rebuild_tensor_v2` over persistent-id storages), so that
 * `torch.load(path, weights_only=True)` reads the result.
 *
 * JS values map to Python as: null/undefined -> None, boolean -> bool, safe integer -> int, other
 * number -> float, bigint -> int, string -> str, array -> list (tuple if marked with TUPLE_MARK),
 * plain object or Map -> dict, Tensor -> torch.Tensor. Object keys that are canonical integers
 * ("0", "17", "-3") are written as Python ints, so an optimizer's `{state: {0: ...}}` keeps PyTorch's
 * int parameter ids; other keys are str (Map keys keep their JS type).
 *
 * OrderedDict is used for objects marked with ORDERED_DICT_MARK (e.g. loaded from PyTorch) and for
 * state dicts: non-empty objects/Maps whose values are all Tensors, except per-parameter entries of an
 * int-keyed dict (optimizer state), which PyTorch keeps as plain dicts.
 *
 * Tensors sharing one storage array are written as one storage, as torch.save does.
 */
import { Tensor } from '../tensor.js';
import { isPlainObject } from '../util/plain-object.js';
import { isOrderedDict, isTuple } from './pickle.js';
import { encodeTensor } from './tensor-bytes.js';
import { ByteWriter } from '../util/byte-writer.js';

/** A storage to store as `data/<key>` in the archive. */
export interface PickledStorage {
  key: string;
  bytes: Uint8Array;
}

export interface PickledTorch {
  /** The `data.pkl` bytes. */
  pickle: Uint8Array;
  storages: PickledStorage[];
}

const enc = new TextEncoder();
const INT_KEY = /^(0|-?[1-9][0-9]*)$/;
const STORAGE_CLASS = { float32: 'FloatStorage', int64: 'LongStorage', bool: 'BoolStorage' } as const;
const BATCH = 1000;
/** Containers nested deeper than this are refused (a clear error instead of a stack overflow). */
const MAX_DEPTH = 1000;

function intLike(k: string): boolean {
  return INT_KEY.test(k) && Number.isSafeInteger(Number(k));
}

/** Two's-complement little-endian bytes of `v`, minimal length (Python's encode_long). */
function encodeLong(v: bigint): Uint8Array {
  if (v === 0n) return new Uint8Array(0);
  const out: number[] = [];
  let x = v;
  for (;;) {
    out.push(Number(x & 0xffn));
    x >>= 8n;
    const signBit = out[out.length - 1] & 0x80;
    if ((x === 0n && !signBit) || (x === -1n && signBit)) break;
  }
  return Uint8Array.from(out);
}

/**
 * Pickle `value` as torch.save would. Throws TypeError naming the path of any value that has no
 * Python equivalent (functions, class instances, typed arrays outside a Tensor, circular references).
 */
export function pickleTorch(value: unknown, what = 'savePth'): PickledTorch {
  const w = new ByteWriter();
  const storages: PickledStorage[] = [];
  const storageKeys = new Map<unknown, string>();
  const memo = new Map<string, number>();
  const active = new Set<object>();

  const putMemo = (id: string): void => {
    const i = memo.size;
    memo.set(id, i);
    if (i < 256) {
      w.byte(0x71); // BINPUT
      w.byte(i);
    } else {
      w.byte(0x72); // LONG_BINPUT
      w.u32(i);
    }
  };
  const getMemo = (id: string): boolean => {
    const i = memo.get(id);
    if (i === undefined) return false;
    if (i < 256) {
      w.byte(0x68); // BINGET
      w.byte(i);
    } else {
      w.byte(0x6a); // LONG_BINGET
      w.u32(i);
    }
    return true;
  };
  const global = (module: string, name: string): void => {
    const id = `g:${module}.${name}`;
    if (getMemo(id)) return;
    w.byte(0x63); // GLOBAL
    w.bytes(enc.encode(`${module}\n${name}\n`));
    putMemo(id);
  };
  const string = (s: string, memoize = false): void => {
    const id = `s:${s}`;
    if (memoize && getMemo(id)) return;
    const b = enc.encode(s);
    w.byte(0x58); // BINUNICODE
    w.u32(b.length);
    w.bytes(b);
    if (memoize) putMemo(id);
  };
  const int = (v: number): void => {
    if (v >= 0 && v < 256) {
      w.byte(0x4b); // BININT1
      w.byte(v);
    } else if (v >= 0 && v < 65536) {
      w.byte(0x4d); // BININT2
      w.u16(v);
    } else if (v >= -2147483648 && v <= 2147483647) {
      w.byte(0x4a); // BININT
      w.i32(v);
    } else {
      long(BigInt(v));
    }
  };
  const long = (v: bigint): void => {
    const b = encodeLong(v);
    if (b.length < 256) {
      w.byte(0x8a); // LONG1
      w.byte(b.length);
    } else {
      w.byte(0x8b); // LONG4
      w.i32(b.length);
    }
    w.bytes(b);
  };
  const intTuple = (xs: readonly number[]): void => {
    if (xs.length === 0) {
      w.byte(0x29); // EMPTY_TUPLE
      return;
    }
    if (xs.length > 3) w.byte(0x28); // MARK
    for (const x of xs) int(x);
    w.byte(xs.length === 1 ? 0x85 : xs.length === 2 ? 0x86 : xs.length === 3 ? 0x87 : 0x74);
  };
  const tensor = (t: Tensor, path: string): void => {
    let key = storageKeys.get(t.data);
    if (key === undefined) {
      key = String(storages.length);
      storageKeys.set(t.data, key);
      storages.push({ key, bytes: encodeTensor(t, `${what}: tensor at ${path}`) });
    }
    global('torch._utils', '_rebuild_tensor_v2');
    w.byte(0x28); // MARK (args)
    w.byte(0x28); // MARK (persistent id)
    string('storage', true);
    global('torch', STORAGE_CLASS[t.dtype]);
    string(key);
    string('cpu', true);
    int(t.data.length);
    w.byte(0x74); // TUPLE
    w.byte(0x51); // BINPERSID
    int(0); // storage_offset
    intTuple(t.shape);
    const stride: number[] = new Array(t.shape.length);
    let s = 1;
    for (let i = t.shape.length - 1; i >= 0; i--) {
      stride[i] = s;
      s *= Math.max(t.shape[i], 1);
    }
    intTuple(stride);
    w.byte(0x89); // requires_grad=False
    global('collections', 'OrderedDict');
    w.byte(0x29); // EMPTY_TUPLE
    w.byte(0x52); // REDUCE -> backward_hooks OrderedDict()
    w.byte(0x74); // TUPLE
    w.byte(0x52); // REDUCE
  };
  const keyOut = (k: unknown, path: string, fromMap: boolean): void => {
    if (typeof k === 'string') {
      if (!fromMap && intLike(k)) int(Number(k));
      else string(k);
    } else if (typeof k === 'number' && Number.isSafeInteger(k)) {
      int(k);
    } else if (typeof k === 'bigint') {
      long(k);
    } else {
      throw new TypeError(`${what}: dict key ${String(k)} at ${path} must be a string or an integer`);
    }
  };
  const dict = (entries: [unknown, unknown][], ordered: boolean, path: string, intKeyed: boolean, fromMap = false): void => {
    if (ordered) {
      global('collections', 'OrderedDict');
      w.byte(0x29); // EMPTY_TUPLE
      w.byte(0x52); // REDUCE
    } else {
      w.byte(0x7d); // EMPTY_DICT
    }
    for (let i = 0; i < entries.length; i += BATCH) {
      const batch = entries.slice(i, i + BATCH);
      if (batch.length > 1) w.byte(0x28); // MARK
      for (const [k, v] of batch) {
        keyOut(k, path, fromMap);
        any(v, `${path}.${String(k)}`, intKeyed);
      }
      w.byte(batch.length > 1 ? 0x75 : 0x73); // SETITEMS / SETITEM
    }
  };
  const isStateDictLike = (entries: [unknown, unknown][]): boolean =>
    entries.length > 0 && entries.every(([k, v]) => v instanceof Tensor && typeof k === 'string' && !intLike(k));

  const any = (v: unknown, path: string, parentIntKeyed = false): void => {
    if (v === null || v === undefined) {
      w.byte(0x4e); // NONE
    } else if (typeof v === 'boolean') {
      w.byte(v ? 0x88 : 0x89);
    } else if (typeof v === 'number') {
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
        int(v);
      } else {
        w.byte(0x47); // BINFLOAT
        w.f64be(v);
      }
    } else if (typeof v === 'bigint') {
      long(v);
    } else if (typeof v === 'string') {
      string(v);
    } else if (v instanceof Tensor) {
      tensor(v, path);
    } else if (typeof v === 'object') {
      if (active.has(v)) throw new TypeError(`${what}: circular reference at ${path}`);
      if (active.size >= MAX_DEPTH) throw new RangeError(`${what}: nesting deeper than ${MAX_DEPTH} levels at ${path.slice(0, 60)}...`);
      active.add(v);
      if (Array.isArray(v)) {
        if (isTuple(v)) {
          if (v.length === 0) {
            w.byte(0x29);
          } else if (v.length <= 3) {
            v.forEach((x, i) => any(x, `${path}[${i}]`));
            w.byte(v.length === 1 ? 0x85 : v.length === 2 ? 0x86 : 0x87);
          } else {
            w.byte(0x28);
            v.forEach((x, i) => any(x, `${path}[${i}]`));
            w.byte(0x74);
          }
        } else {
          w.byte(0x5d); // EMPTY_LIST
          for (let i = 0; i < v.length; i += BATCH) {
            const batch = v.slice(i, i + BATCH);
            if (batch.length > 1) w.byte(0x28);
            batch.forEach((x, j) => any(x, `${path}[${i + j}]`));
            w.byte(batch.length > 1 ? 0x65 : 0x61); // APPENDS / APPEND
          }
        }
      } else if (v instanceof Map) {
        const entries = [...v.entries()] as [unknown, unknown][];
        const intKeyed = entries.length > 0 && entries.every(([k]) => typeof k === 'number');
        dict(entries, isOrderedDict(v) || (!parentIntKeyed && isStateDictLike(entries)), path, intKeyed, true);
      } else if (isPlainObject(v)) {
        const keys = Object.keys(v);
        const entries = keys.filter((k) => v[k] !== undefined).map((k) => [k, v[k]] as [unknown, unknown]);
        const intKeyed = keys.length > 0 && keys.every(intLike);
        dict(entries, isOrderedDict(v) || (!parentIntKeyed && isStateDictLike(entries)), path, intKeyed);
      } else {
        const name = Object.getPrototypeOf(v)?.constructor?.name ?? 'object';
        const hint = ArrayBuffer.isView(v) ? ' (wrap typed arrays in a Tensor)' : '';
        throw new TypeError(`${what}: cannot save a ${name} at ${path}${hint}`);
      }
      active.delete(v);
    } else {
      throw new TypeError(`${what}: cannot save a ${typeof v} at ${path}`);
    }
  };

  w.byte(0x80); // PROTO 2
  w.byte(2);
  any(value, 'root');
  w.byte(0x2e); // STOP
  return { pickle: w.result(), storages };
}
