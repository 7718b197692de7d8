/**
 * A restricted unpickler for the `data.pkl` of torch.save archives. It is a data parser, not Python:
 * it never calls anything named by the file. It accepts what PyTorch's `weights_only=True` loader
 * accepts and nothing more:
 *
 * - opcodes for None, bools, ints (incl. LONG1/LONG4), floats (BINFLOAT), strings, bytes, tuples, lists,
 *   dicts, sets, the memo, MARK/PROTO/FRAME/STOP, GLOBAL/STACK_GLOBAL, REDUCE, NEWOBJ, BUILD, BINPERSID;
 * - globals: `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2`, `_rebuild_tensor`,
 *   `_rebuild_parameter`, `_rebuild_parameter_with_state`, `torch.nn.parameter.Parameter`, `torch.Size`
 *   and the typed storage classes (`torch.FloatStorage`, `torch.LongStorage`, ...);
 * - REDUCE only on those rebuild functions, OrderedDict and torch.Size; NEWOBJ only on Parameter;
 *   BUILD only on OrderedDict (its `_metadata`, which is dropped) and tensors (empty state);
 * - BINPERSID only for `('storage', <storage class>, key, location, numel)` ids.
 *
 * Anything else — `os.system`, `builtins.eval`, INST/OBJ/EXT*, text-mode opcodes — throws an
 * UnpicklingError naming the global or opcode and its byte offset.
 *
 * Python values map to JS as: None -> null, bool -> boolean, int -> number (bigint beyond +-(2^53 - 1)),
 * float -> number, str -> string, bytes -> Uint8Array, list -> array, tuple -> array marked with
 * TUPLE_MARK, set -> Set, dict/OrderedDict -> plain object (int keys become their decimal string;
 * OrderedDicts carry ORDERED_DICT_MARK), tensors -> Tensor.
 */
import { Tensor } from '../tensor.js';
import { isRawDType, type RawDType } from './tensor-bytes.js';
import { describeValue } from '../util/describe.js';
import { checkNesting } from './nesting.js';

/** Thrown for a malformed pickle or one that asks for anything outside the allowed set. */
export class UnpicklingError extends Error {
  override name = 'UnpicklingError';
}

/** Non-enumerable marker on arrays that were Python tuples (the pickler writes them back as tuples). */
export const TUPLE_MARK: unique symbol = Symbol.for('nodetorch.pickle.tuple') as never;
/** Non-enumerable marker on objects that were collections.OrderedDict (written back as OrderedDict). */
export const ORDERED_DICT_MARK: unique symbol = Symbol.for('nodetorch.pickle.OrderedDict') as never;

/** A value the unpickler can produce (and the pickler can write, except Set and Uint8Array). */
export type PickleValue =
  | null | boolean | number | bigint | string | Uint8Array | Tensor
  | PickleValue[] | Set<PickleValue> | { [key: string]: PickleValue };

/** Mark an array as a Python tuple; returns it. */
export function asTuple<T extends unknown[]>(a: T): T {
  Object.defineProperty(a, TUPLE_MARK, { value: true, enumerable: false, configurable: true });
  return a;
}

/** True if `a` is an array that came from a Python tuple in a `.pth` file. */
export function isTuple(a: unknown): boolean {
  return Array.isArray(a) && (a as unknown as Record<symbol, unknown>)[TUPLE_MARK] === true;
}

/** Mark an object as an OrderedDict; returns it. */
export function asOrderedDict<T extends object>(o: T): T {
  Object.defineProperty(o, ORDERED_DICT_MARK, { value: true, enumerable: false, configurable: true });
  return o;
}

/** True if `o` came from a Python OrderedDict in a `.pth` file (key order kept). */
export function isOrderedDict(o: unknown): boolean {
  return typeof o === 'object' && o !== null && (o as Record<symbol, unknown>)[ORDERED_DICT_MARK] === true;
}

/** The element type of each torch storage class. */
export const STORAGE_DTYPES: Readonly<Record<string, RawDType>> = {
  DoubleStorage: 'F64', FloatStorage: 'F32', HalfStorage: 'F16', BFloat16Storage: 'BF16',
  LongStorage: 'I64', IntStorage: 'I32', ShortStorage: 'I16', CharStorage: 'I8', ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

const UNSUPPORTED_STORAGES = new Set([
  'ComplexFloatStorage', 'ComplexDoubleStorage', 'ComplexHalfStorage', 'QInt8Storage', 'QUInt8Storage',
  'QInt32Storage', 'QUInt4x2Storage', 'QUInt2x4Storage',
]);

type GlobalKind =
  | 'OrderedDict' | 'rebuild_tensor_v2' | 'rebuild_tensor' | 'rebuild_parameter'
  | 'rebuild_parameter_with_state' | 'Parameter' | 'Size' | 'storage';

/** An allowed Python global, as a token on the stack (never callable JS). */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string, readonly kind: GlobalKind, readonly dtype: RawDType | null = null) {}
  get fullName(): string {
    return `${this.module}.${this.name}`;
  }
}

const ALLOWED: ReadonlyMap<string, GlobalKind> = new Map<string, GlobalKind>([
  ['collections.OrderedDict', 'OrderedDict'],
  ['torch._utils._rebuild_tensor_v2', 'rebuild_tensor_v2'],
  ['torch._utils._rebuild_tensor', 'rebuild_tensor'],
  ['torch._utils._rebuild_parameter', 'rebuild_parameter'],
  ['torch._utils._rebuild_parameter_with_state', 'rebuild_parameter_with_state'],
  ['torch.nn.parameter.Parameter', 'Parameter'],
  ['torch.Size', 'Size'],
]);

function resolveGlobal(module: string, name: string, at: number, what: string): PyGlobal {
  const full = `${module}.${name}`;
  const kind = ALLOWED.get(full);
  if (kind) return new PyGlobal(module, name, kind);
  if (module === 'torch' && Object.prototype.hasOwnProperty.call(STORAGE_DTYPES, name)) {
    return new PyGlobal(module, name, 'storage', STORAGE_DTYPES[name]);
  }
  if (module === 'torch' && UNSUPPORTED_STORAGES.has(name)) {
    throw new UnpicklingError(`${what}: ${full} (complex or quantized tensors) is not supported (byte ${at})`);
  }
  throw new UnpicklingError(
    `${what}: global '${full}' is not allowed (byte ${at}). Only tensors, storages, OrderedDict and plain ` +
      'containers, numbers and strings can be loaded; the file may contain code, which this loader never runs.',
  );
}

/** Hooks that give tensors their data. */
export interface UnpickleHooks {
  /** BINPERSID with an id `('storage', storageClass, key, location, numel)`: return the storage token. */
  persistentLoad(pid: readonly unknown[], at: number): unknown;
  /** `_rebuild_tensor(_v2)`: a contiguous tensor from a (possibly strided, offset) view of a storage. */
  rebuildTensor(storage: unknown, offset: number, size: readonly number[], stride: readonly number[], at: number): Tensor;
}

const OPCODE_NAMES: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT',
  0x4a: 'BININT', 0x4b: 'BININT1', 0x4c: 'LONG', 0x4d: 'BININT2', 0x4e: 'NONE', 0x50: 'PERSID',
  0x51: 'BINPERSID', 0x52: 'REDUCE', 0x53: 'STRING', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING',
  0x56: 'UNICODE', 0x58: 'BINUNICODE', 0x61: 'APPEND', 0x62: 'BUILD', 0x63: 'GLOBAL', 0x64: 'DICT',
  0x7d: 'EMPTY_DICT', 0x65: 'APPENDS', 0x67: 'GET', 0x68: 'BINGET', 0x69: 'INST', 0x6a: 'LONG_BINGET',
  0x6c: 'LIST', 0x5d: 'EMPTY_LIST', 0x6f: 'OBJ', 0x70: 'PUT', 0x71: 'BINPUT', 0x72: 'LONG_BINPUT',
  0x73: 'SETITEM', 0x74: 'TUPLE', 0x29: 'EMPTY_TUPLE', 0x75: 'SETITEMS', 0x47: 'BINFLOAT',
  0x80: 'PROTO', 0x81: 'NEWOBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x85: 'TUPLE1',
  0x86: 'TUPLE2', 0x87: 'TUPLE3', 0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x8a: 'LONG1', 0x8b: 'LONG4',
  0x42: 'BINBYTES', 0x43: 'SHORT_BINBYTES', 0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8',
  0x8e: 'BINBYTES8', 0x8f: 'EMPTY_SET', 0x90: 'ADDITEMS', 0x91: 'FROZENSET', 0x92: 'NEWOBJ_EX',
  0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE', 0x95: 'FRAME', 0x96: 'BYTEARRAY8', 0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
};

function opName(op: number): string {
  return `${OPCODE_NAMES[op] ?? 'unknown opcode'} (0x${op.toString(16).padStart(2, '0')})`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

function isDict(v: unknown): v is Record<string, PickleValue> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/**
 * An unpickled value in an error message: Python's names for what only a pickle holds (None, tuple,
 * list, dict, set, bytes, a global, a storage), describeValue for the rest (numbers, strings, tensors).
 */
function describePickled(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'None';
  if (v instanceof PyGlobal) return v.fullName;
  if (isTuple(v)) return 'a tuple';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Set) return 'a set';
  if (v instanceof Uint8Array) return 'bytes';
  if (isDict(v)) return 'a dict';
  if (typeof v === 'object' && !(v instanceof Tensor)) return 'a storage';
  return describeValue(v);
}

function decodeLong(b: Uint8Array): number | bigint {
  const n = b.length;
  if (n === 0) return 0;
  if (n <= 6) {
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + b[i];
    if (b[n - 1] & 0x80) v -= 2 ** (8 * n);
    return v;
  }
  // Via hex: linear time even for a megabyte-long LONG4.
  let v = BigInt(`0x${Buffer.from(b).reverse().toString('hex')}`);
  if (b[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/**
 * Unpickle `bytes` with the restricted rules above. `what` prefixes error messages.
 */
export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks, what = 'unpickle'): PickleValue {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = bytes.length;
  let pos = 0;
  let opAt = 0;
  let stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();

  const err = (msg: string): never => {
    throw new UnpicklingError(`${what}: ${msg} (byte ${opAt})`);
  };
  const need = (n: number): void => {
    if (n > len - pos) err(`truncated pickle: ${opName(bytes[opAt])} needs ${n} more bytes, ${len - pos} left`);
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const b = bytes.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  const u8 = (): number => {
    need(1);
    return bytes[pos++];
  };
  const u32 = (): number => {
    need(4);
    const v = dv.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const pop = (): unknown => {
    if (stack.length === 0) err(`stack underflow in ${opName(bytes[opAt])} (corrupt pickle)`);
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) err(`stack underflow in ${opName(bytes[opAt])} (corrupt pickle)`);
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    const prev = metastack.pop();
    if (prev === undefined) err(`${opName(bytes[opAt])} without a MARK (corrupt pickle)`);
    stack = prev as unknown[];
    return items;
  };
  const str = (b: Uint8Array): string => {
    try {
      return utf8.decode(b);
    } catch {
      return err('string is not valid UTF-8');
    }
  };
  const readLine = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) err('truncated pickle: GLOBAL name has no newline');
    const s = str(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const dictKey = (k: unknown): string => {
    if (typeof k === 'string') return k;
    if ((typeof k === 'number' && Number.isInteger(k)) || typeof k === 'bigint') return String(k);
    return err(`dict key of type ${describePickled(k)} is not supported (only str and int keys)`);
  };
  const setItem = (d: unknown, k: unknown, v: unknown): void => {
    if (!isDict(d)) err(`${opName(bytes[opAt])} on ${describePickled(d)}: can only set items of a dict`);
    Object.defineProperty(d, dictKey(k), { value: v, enumerable: true, writable: true, configurable: true });
  };
  const intArg = (v: unknown, name: string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) err(`${name} must be a non-negative int, got ${describePickled(v)}`);
    return v as number;
  };
  const intTuple = (v: unknown, name: string): number[] => {
    if (!Array.isArray(v)) err(`${name} must be a tuple of ints, got ${describePickled(v)}`);
    return (v as unknown[]).map((x, i) => intArg(x, `${name}[${i}]`));
  };
  const rebuild = (args: unknown[], v2: boolean): Tensor => {
    const fn = v2 ? '_rebuild_tensor_v2' : '_rebuild_tensor';
    if (v2 ? args.length < 6 || args.length > 7 : args.length !== 4) err(`${fn} takes ${v2 ? '6 or 7' : '4'} arguments, got ${args.length}`);
    const [storage, offset, size, stride] = args;
    const off = intArg(offset, `${fn}: storage_offset`);
    const sz = intTuple(size, `${fn}: size`);
    const st = intTuple(stride, `${fn}: stride`);
    if (sz.length !== st.length) err(`${fn}: size has ${sz.length} dims but stride has ${st.length}`);
    if (v2) {
      const rg = args[4];
      if (typeof rg !== 'boolean') err(`${fn}: requires_grad must be a bool, got ${describePickled(rg)}`);
      const backwardHooks = args[5];
      if (!(backwardHooks === null || (isDict(backwardHooks) && Object.keys(backwardHooks).length === 0))) {
        err(`${fn}: backward hooks cannot be loaded`);
      }
    }
    const t = hooks.rebuildTensor(storage, off, sz, st, opAt);
    if (v2 && args[4] === true && t.dtype === 'float32') t.requiresGrad = true;
    return t;
  };
  const parameter = (data: unknown, requiresGrad: unknown, fn: string): Tensor => {
    if (!(data instanceof Tensor)) err(`${fn}: data must be a tensor, got ${describePickled(data)}`);
    const t = data as Tensor;
    if (requiresGrad !== undefined && typeof requiresGrad !== 'boolean') err(`${fn}: requires_grad must be a bool`);
    t.requiresGrad = requiresGrad !== false && t.dtype === 'float32';
    return t;
  };
  const call = (f: unknown, args: unknown): unknown => {
    if (!(f instanceof PyGlobal)) err(`REDUCE: calling ${describePickled(f)} is not allowed`);
    const g = f as PyGlobal;
    if (!Array.isArray(args)) err(`REDUCE: arguments of ${g.fullName} must be a tuple, got ${describePickled(args)}`);
    const a = args as unknown[];
    switch (g.kind) {
      case 'OrderedDict': {
        const d = asOrderedDict({} as Record<string, PickleValue>);
        if (a.length === 0) return d;
        if (a.length === 1 && Array.isArray(a[0])) {
          for (const pair of a[0] as unknown[]) {
            if (!Array.isArray(pair) || pair.length !== 2) err('OrderedDict: expected (key, value) pairs');
            setItem(d, (pair as unknown[])[0], (pair as unknown[])[1]);
          }
          return d;
        }
        return err('OrderedDict: unsupported arguments');
      }
      case 'rebuild_tensor_v2': return rebuild(a, true);
      case 'rebuild_tensor': return rebuild(a, false);
      case 'rebuild_parameter':
      case 'rebuild_parameter_with_state':
        if (a.length !== (g.kind === 'rebuild_parameter' ? 3 : 4)) err(`${g.name}: wrong number of arguments (${a.length})`);
        return parameter(a[0], a[1], g.name);
      case 'Size':
        if (a.length !== 1) err('torch.Size takes one argument');
        return asTuple(intTuple(a[0], 'torch.Size'));
      default:
        return err(`REDUCE: calling ${g.fullName} is not allowed`);
    }
  };

  for (;;) {
    opAt = pos;
    if (pos >= len) err('truncated pickle: no STOP opcode');
    const op = bytes[pos++];
    switch (op) {
      case 0x80: { // PROTO
        const v = u8();
        if (v > 5) err(`unsupported pickle protocol ${v}`);
        break;
      }
      case 0x95: take(8); break; // FRAME: a length hint only
      case 0x2e: { // STOP
        const v = pop();
        if (metastack.length > 0) err('STOP inside an unclosed MARK (corrupt pickle)');
        checkNesting(v, err);
        return v as PickleValue;
      }
      case 0x28: metastack.push(stack); stack = []; break; // MARK
      case 0x4e: stack.push(null); break;
      case 0x88: stack.push(true); break;
      case 0x89: stack.push(false); break;
      case 0x4a: need(4); stack.push(dv.getInt32(pos, true)); pos += 4; break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: need(2); stack.push(dv.getUint16(pos, true)); pos += 2; break; // BININT2
      case 0x8a: stack.push(decodeLong(take(u8()))); break; // LONG1
      case 0x8b: { // LONG4
        need(4);
        const n = dv.getInt32(pos, true);
        pos += 4;
        if (n < 0) err('LONG4 with a negative length');
        stack.push(decodeLong(take(n)));
        break;
      }
      case 0x47: need(8); stack.push(dv.getFloat64(pos, false)); pos += 8; break; // BINFLOAT (big-endian)
      case 0x58: stack.push(str(take(u32()))); break; // BINUNICODE
      case 0x8c: stack.push(str(take(u8()))); break; // SHORT_BINUNICODE
      case 0x8d: { // BINUNICODE8
        need(8);
        const n = Number(dv.getBigUint64(pos, true));
        pos += 8;
        stack.push(str(take(n)));
        break;
      }
      case 0x55: stack.push(latin1.decode(take(u8()))); break; // SHORT_BINSTRING (Python 2 str)
      case 0x43: stack.push(take(u8()).slice()); break; // SHORT_BINBYTES
      case 0x42: stack.push(take(u32()).slice()); break; // BINBYTES
      case 0x29: stack.push(asTuple([])); break; // EMPTY_TUPLE
      case 0x74: { const items = popMark(); stack.push(asTuple(items)); break; } // TUPLE (pop first: it swaps `stack`)
      case 0x85: stack.push(asTuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push(asTuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(asTuple([a, b, c])); break; } // TUPLE3
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x61: { // APPEND
        const v = pop();
        const l = top();
        if (!Array.isArray(l) || isTuple(l)) err(`APPEND to ${describePickled(l)}: can only append to a list`);
        (l as unknown[]).push(v);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        const l = top();
        if (!Array.isArray(l) || isTuple(l)) err(`APPENDS to ${describePickled(l)}: can only extend a list`);
        for (const it of items) (l as unknown[]).push(it);
        break;
      }
      case 0x7d: stack.push({}); break; // EMPTY_DICT
      case 0x73: { const v = pop(); const k = pop(); setItem(top(), k, v); break; } // SETITEM
      case 0x75: { // SETITEMS
        const items = popMark();
        if (items.length % 2 !== 0) err('SETITEMS with an odd number of items');
        const d = top();
        for (let i = 0; i < items.length; i += 2) setItem(d, items[i], items[i + 1]);
        break;
      }
      case 0x8f: stack.push(new Set()); break; // EMPTY_SET
      case 0x90: { // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) err(`ADDITEMS to ${describePickled(s)}: can only add to a set`);
        for (const it of items) (s as Set<unknown>).add(it);
        break;
      }
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const i = op === 0x68 ? u8() : u32();
        if (!memo.has(i)) err(`memo key ${i} is not defined (corrupt pickle)`);
        stack.push(memo.get(i));
        break;
      }
      case 0x63: { // GLOBAL
        const module = readLine();
        const name = readLine();
        stack.push(resolveGlobal(module, name, opAt, what));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') err('STACK_GLOBAL needs two strings');
        stack.push(resolveGlobal(module as string, name as string, opAt, what));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const f = pop();
        stack.push(call(f, args));
        break;
      }
      case 0x81: { // NEWOBJ
        const args = pop();
        const cls = pop();
        if (!(cls instanceof PyGlobal) || cls.kind !== 'Parameter') err(`NEWOBJ: instantiating ${describePickled(cls)} is not allowed`);
        if (!Array.isArray(args) || args.length < 1 || args.length > 2) err('NEWOBJ: Parameter takes (data[, requires_grad])');
        const a = args as unknown[];
        stack.push(parameter(a[0], a[1], 'Parameter'));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        const inst = top();
        if (isOrderedDict(inst)) {
          if (!(isDict(state) || state === null || isTuple(state))) err(`BUILD: OrderedDict state must be a dict, got ${describePickled(state)}`);
          // The state is `{'_metadata': ...}` (module versions); not needed by nodetorch, dropped.
        } else if (inst instanceof Tensor) {
          const empty = state === null || (isDict(state) && Object.keys(state).length === 0) ||
            (isTuple(state) && (state as unknown[]).every((s) => s === null || (isDict(s) && Object.keys(s).length === 0)));
          if (!empty) err('BUILD: tensor attributes cannot be loaded');
        } else {
          err(`BUILD on ${describePickled(inst)} is not allowed (only OrderedDict and tensors)`);
        }
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!isTuple(pid)) err(`persistent id must be a tuple, got ${describePickled(pid)}`);
        const p = pid as unknown[];
        if (p[0] !== 'storage') err(`only persistent ids of storages are allowed, got ${describePickled(p[0])}`);
        stack.push(hooks.persistentLoad(p, opAt));
        break;
      }
      default:
        err(`opcode ${opName(op)} is not allowed${OPCODE_NAMES[op] ? '' : ' (corrupt pickle?)'}`);
    }
  }
}

/** Validate a storage persistent id and return its parts. */
export function parseStoragePid(pid: readonly unknown[], what: string, at: number): { dtype: RawDType; key: string; location: string; numel: number } {
  const bad = (msg: string): never => {
    throw new UnpicklingError(`${what}: ${msg} (byte ${at})`);
  };
  if (pid.length !== 5) bad(`storage persistent id must have 5 fields, got ${pid.length}`);
  const [, cls, key, location, numel] = pid;
  if (!(cls instanceof PyGlobal) || cls.kind !== 'storage' || !isRawDType(cls.dtype)) bad(`storage persistent id names ${describePickled(cls)}, not a storage class`);
  if (typeof key !== 'string' || key.length === 0) bad('storage key must be a non-empty string');
  if (typeof location !== 'string') bad('storage location must be a string');
  if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) bad('storage numel must be a non-negative int');
  return { dtype: (cls as PyGlobal).dtype as RawDType, key: key as string, location: location as string, numel: numel as number };
}
