import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import {
  asTuple, isOrderedDict, isTuple, unpickle, UnpicklingError, type UnpickleHooks,
} from '../../src/io/pickle.js';
import { pickleTorch } from '../../src/io/pickler.js';

/** Assemble a pickle from opcode bytes, strings (raw latin1 text) and byte arrays. */
function P(...parts: (number | string | number[] | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') for (const c of Buffer.from(p, 'latin1')) out.push(c);
    else for (const c of p) out.push(c);
  }
  return Uint8Array.from(out);
}
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const ustr = (s: string): number[] => {
  const b = [...Buffer.from(s, 'utf8')];
  return [0x58, ...u32(b.length), ...b];
};

/** Hooks that fail the test if the pickle ever reaches a storage. */
const noStorage: UnpickleHooks = {
  persistentLoad: () => {
    throw new Error('unexpected persistent load');
  },
  rebuildTensor: () => {
    throw new Error('unexpected tensor');
  },
};

/** Hooks that make storages from the pid and tensors of 0..n-1 (for structure tests). */
const fakeStorage: UnpickleHooks = {
  persistentLoad: (pid) => ({ pid }),
  rebuildTensor: (_s, offset, size) => {
    const n = size.reduce((a, b) => a * b, 1);
    return new Tensor(Float32Array.from({ length: n }, (_, i) => offset + i), size);
  },
};

const load = (b: Uint8Array, hooks = noStorage): unknown => unpickle(b, hooks, 'test');

describe('unpickle: allowed values', () => {
  it('decodes every scalar opcode', () => {
    const b = P(0x80, 2, 0x5d, 0x28,
      0x4e, 0x88, 0x89,
      0x4b, 255, 0x4d, 0xff, 0xff, 0x4a, ...u32(-5 >>> 0),
      0x8a, 1, 0x80, // LONG1 -128
      0x8a, 8, [0, 0, 0, 0, 0, 0, 0, 0x40], // 2^62 -> bigint
      0x8a, 7, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f], // 2^53-1 -> number
      0x8a, 0,
      0x8b, ...u32(2), [0x00, 0x01],
      0x47, [0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a], // 0.1 big-endian
      ...ustr('h\u00e9llo \u2713'), 0x8c, 2, 'ok', 0x55, 3, 'abc', 0x43, 2, [9, 8], 0x42, ...u32(1), [7],
      0x65, 0x2e);
    const v = load(b) as unknown[];
    expect(v.slice(0, 15)).toEqual([null, true, false, 255, 65535, -5, -128, 2n ** 62n, 2 ** 53 - 1, 0, 256, 0.1, 'h\u00e9llo \u2713', 'ok', 'abc']);
    expect(v[15]).toEqual(Uint8Array.from([9, 8]));
    expect(v[16]).toEqual(Uint8Array.from([7]));
  });

  it('builds tuples (marked), lists, dicts with int keys, sets, OrderedDicts, and shares memoized objects', () => {
    const b = P(0x80, 2, 0x7d, 0x71, 0, 0x28,
      ...ustr('t'), 0x28, 0x29, 0x4b, 1, 0x85, 0x4b, 1, 0x4b, 2, 0x86, 0x4b, 1, 0x4b, 2, 0x4b, 3, 0x87, 0x28, 0x4b, 1, 0x4b, 2, 0x4b, 3, 0x4b, 4, 0x74, 0x28, 0x29, 0x29, 0x74, 0x74,
      ...ustr('l'), 0x5d, 0x71, 1, 0x4b, 7, 0x61,
      ...ustr('again'), 0x68, 1,
      0x4b, 3, ...ustr('int key'),
      ...ustr('od'), 0x63, 'collections\nOrderedDict\n', 0x29, 0x52, 0x28, ...ustr('z'), 0x4b, 1, ...ustr('a'), 0x4b, 2, 0x75,
      ...ustr('set'), 0x8f, 0x28, 0x4b, 1, 0x4b, 2, 0x90,
      0x75, 0x2e);
    const v = load(b) as Record<string, any>;
    expect(Object.keys(v)).toEqual(['3', 't', 'l', 'again', 'od', 'set']);
    expect(v[3]).toBe('int key');
    expect(v.t).toEqual([[], [1], [1, 2], [1, 2, 3], [1, 2, 3, 4], [[], []]]);
    expect(isTuple(v.t)).toBe(true);
    expect(isTuple(v.t[2])).toBe(true);
    expect(v.l).toEqual([7]);
    expect(isTuple(v.l)).toBe(false);
    expect(v.again).toBe(v.l);
    expect(Object.keys(v.od)).toEqual(['z', 'a']);
    expect(isOrderedDict(v.od)).toBe(true);
    expect(isOrderedDict(v)).toBe(false);
    expect(v.set).toEqual(new Set([1, 2]));
  });

  it('decodes a megabyte-long LONG4 in linear time', () => {
    const n = 1 << 20;
    const body = new Uint8Array(n).fill(0xff);
    body[n - 1] = 0x7f; // 2^(8n - 1) - 1
    const v = load(P(0x80, 2, 0x8b, ...u32(n), body, 0x2e)) as bigint;
    expect(v).toBe((1n << BigInt(8 * n - 1)) - 1n);
  });

  it('handles protocol 4 framing, MEMOIZE and STACK_GLOBAL of allowed names', () => {
    const b = P(0x80, 4, 0x95, [20, 0, 0, 0, 0, 0, 0, 0], 0x8c, 11, 'collections', 0x94, 0x8c, 11, 'OrderedDict', 0x94, 0x93, 0x94, 0x29, 0x52, 0x2e);
    const v = load(b);
    expect(v).toEqual({});
    expect(isOrderedDict(v)).toBe(true);
  });

  it('keeps a "__proto__" key as data and never touches Object.prototype', () => {
    const b = P(0x80, 2, 0x7d, ...ustr('__proto__'), 0x7d, ...ustr('polluted'), 0x88, 0x73, 0x73, 0x2e);
    const v = load(b) as Record<string, any>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as any).polluted).toBeUndefined();
    expect(v.__proto__.polluted).toBe(true);
  });

  it('rebuilds tensors only from storage persistent ids, through the hooks', () => {
    const b = P(0x80, 2, 0x63, 'torch._utils\n_rebuild_tensor_v2\n', 0x28,
      0x28, ...ustr('storage'), 0x63, 'torch\nFloatStorage\n', ...ustr('0'), ...ustr('cpu'), 0x4b, 6, 0x74, 0x51,
      0x4b, 2, 0x4b, 2, 0x4b, 2, 0x86, 0x4b, 2, 0x4b, 1, 0x86, 0x89, 0x63, 'collections\nOrderedDict\n', 0x29, 0x52, 0x74, 0x52, 0x2e);
    const t = load(b, fakeStorage) as Tensor;
    expect([...t.shape]).toEqual([2, 2]);
    expect([...t.data]).toEqual([2, 3, 4, 5]);
  });
});

describe('unpickle: everything else is rejected, nothing runs', () => {
  const reduceCall = (mod: string, name: string): Uint8Array => P(0x80, 2, 0x63, `${mod}\n${name}\n`, ...ustr('touch /tmp/x'), 0x85, 0x52, 0x2e);
  const forbidden: [string, string][] = [
    ['os', 'system'], ['posix', 'system'], ['nt', 'system'], ['builtins', 'eval'], ['builtins', 'exec'],
    ['__builtin__', 'eval'], ['builtins', 'getattr'], ['builtins', '__import__'], ['subprocess', 'Popen'],
    ['subprocess', 'check_output'], ['torch', 'load'], ['torch.serialization', 'load'], ['pickle', 'loads'],
    ['collections', 'defaultdict'], ['numpy.core.multiarray', '_reconstruct'], ['torch._utils', '_rebuild_device_tensor_from_numpy'],
    ['torch.nn.modules.linear', 'Linear'], ['__main__', 'Evil'], ['_codecs', 'encode'], ['functools', 'partial'],
  ];
  it.each(forbidden)('GLOBAL %s.%s', (mod, name) => {
    expect(() => load(reduceCall(mod, name))).toThrow(new RegExp(`global '${mod.replace(/\./g, '\\.')}\\.${name}' is not allowed \\(byte 2\\)`));
    expect(() => load(reduceCall(mod, name))).toThrow(UnpicklingError);
  });

  it('STACK_GLOBAL of a forbidden name', () => {
    const b = P(0x80, 4, 0x8c, 8, 'builtins', 0x8c, 4, 'exec', 0x93, 0x2e);
    expect(() => load(b)).toThrow(/global 'builtins\.exec' is not allowed/);
  });

  it('complex and quantized storages say they are unsupported', () => {
    expect(() => load(P(0x80, 2, 0x63, 'torch\nComplexFloatStorage\n', 0x2e))).toThrow(/torch\.ComplexFloatStorage \(complex or quantized tensors\) is not supported/);
  });

  const opcodes: [string, Uint8Array, RegExp][] = [
    ['INST', P(0x80, 2, 0x28, 0x69, 'os\nsystem\n', 0x2e), /opcode INST \(0x69\) is not allowed \(byte 3\)/],
    ['OBJ', P(0x80, 2, 0x28, 0x63, 'collections\nOrderedDict\n', 0x6f, 0x2e), /opcode OBJ \(0x6f\) is not allowed/],
    ['EXT1', P(0x80, 2, 0x82, 1, 0x2e), /opcode EXT1 \(0x82\) is not allowed/],
    ['EXT2', P(0x80, 2, 0x83, 1, 0, 0x2e), /opcode EXT2/],
    ['EXT4', P(0x80, 2, 0x84, 1, 0, 0, 0, 0x2e), /opcode EXT4/],
    ['NEWOBJ_EX', P(0x80, 4, 0x92, 0x2e), /opcode NEWOBJ_EX/],
    ['PERSID (text)', P(0x80, 2, 0x50, '0\n', 0x2e), /opcode PERSID/],
    ['INT (text)', P(0x49, '1\n', 0x2e), /opcode INT \(0x49\)/],
    ['FLOAT (text)', P(0x46, '1.0\n', 0x2e), /opcode FLOAT/],
    ['POP', P(0x80, 2, 0x4e, 0x30, 0x4e, 0x2e), /opcode POP \(0x30\)/],
    ['DUP', P(0x80, 2, 0x4e, 0x32, 0x2e), /opcode DUP/],
    ['unknown', P(0x80, 2, 0xff, 0x2e), /unknown opcode \(0xff\) is not allowed \(corrupt pickle\?\)/],
    ['NEWOBJ on OrderedDict', P(0x80, 2, 0x63, 'collections\nOrderedDict\n', 0x29, 0x81, 0x2e), /NEWOBJ: instantiating collections\.OrderedDict is not allowed/],
    ['REDUCE on a storage class', P(0x80, 2, 0x63, 'torch\nFloatStorage\n', 0x29, 0x52, 0x2e), /REDUCE: calling torch\.FloatStorage is not allowed/],
    ['REDUCE on a string', P(0x80, 2, ...ustr('os.system'), 0x29, 0x52, 0x2e), /REDUCE: calling 'os\.system' is not allowed/],
    ['BUILD on a dict', P(0x80, 2, 0x7d, 0x7d, 0x62, 0x2e), /BUILD on a dict is not allowed/],
    ['BUILD on a list', P(0x80, 2, 0x5d, 0x7d, 0x62, 0x2e), /BUILD on a list is not allowed/],
    ['persistent id that is not a storage', P(0x80, 2, ...ustr('module'), 0x85, 0x51, 0x2e), /only persistent ids of storages are allowed, got 'module' \(byte /],
    ['persistent id not a tuple', P(0x80, 2, 0x4b, 1, 0x51, 0x2e), /persistent id must be a tuple, got 1 \(byte /],
    ['protocol 6', P(0x80, 6, 0x4e, 0x2e), /unsupported pickle protocol 6/],
    ['no STOP', P(0x80, 2, 0x4e), /truncated pickle: no STOP opcode/],
    ['empty', P(), /truncated pickle: no STOP opcode/],
    ['string past the end', P(0x80, 2, 0x58, ...u32(1000), 'abc'), /BINUNICODE \(0x58\) needs 1000 more bytes, 3 left/],
    ['BINUNICODE8 of 2^60 bytes', P(0x80, 4, 0x8d, [0, 0, 0, 0, 0, 0, 0, 0x10], 0x2e), /BINUNICODE8 \(0x8d\) needs \d+ more bytes, 1 left/],
    ['LONG4 of 2^31-1 bytes', P(0x80, 2, 0x8b, [0xff, 0xff, 0xff, 0x7f], 0x2e), /needs 2147483647 more bytes/],
    ['GLOBAL without newline', P(0x80, 2, 0x63, 'os'), /GLOBAL name has no newline/],
    ['memo miss', P(0x80, 2, 0x68, 5, 0x2e), /memo key 5 is not defined/],
    ['stack underflow', P(0x80, 2, 0x73, 0x2e), /stack underflow in SETITEM/],
    ['APPENDS without MARK', P(0x80, 2, 0x5d, 0x65, 0x2e), /APPENDS \(0x65\) without a MARK/],
    ['SETITEMS odd', P(0x80, 2, 0x7d, 0x28, 0x4b, 1, 0x75, 0x2e), /SETITEMS with an odd number of items/],
    ['APPEND to a tuple', P(0x80, 2, 0x29, 0x4b, 1, 0x61, 0x2e), /can only append to a list/],
    ['SETITEM on a list', P(0x80, 2, 0x5d, 0x4b, 1, 0x4b, 1, 0x73, 0x2e), /can only set items of a dict/],
    ['tuple dict key', P(0x80, 2, 0x7d, 0x29, 0x4b, 1, 0x73, 0x2e), /dict key of type a tuple is not supported/],
    ['STOP inside MARK', P(0x80, 2, 0x4e, 0x28, 0x2e), /stack underflow|STOP inside an unclosed MARK/],
    ['invalid UTF-8', P(0x80, 2, 0x58, ...u32(2), [0xc3, 0x28], 0x2e), /string is not valid UTF-8/],
    ['_rebuild_tensor_v2 with bad size', P(0x80, 2, 0x63, 'torch._utils\n_rebuild_tensor_v2\n', 0x28, 0x4e, 0x4b, 0, ...ustr('x'), 0x29, 0x89, 0x4e, 0x74, 0x52, 0x2e), /_rebuild_tensor_v2: size must be a tuple of ints, got 'x' \(byte /],
    ['_rebuild_tensor_v2 with hooks', P(0x80, 2, 0x63, 'torch._utils\n_rebuild_tensor_v2\n', 0x28, 0x4e, 0x4b, 0, 0x29, 0x29, 0x89, 0x7d, 0x4b, 1, 0x4b, 1, 0x73, 0x74, 0x52, 0x2e), /backward hooks cannot be loaded/],
    ['_rebuild_parameter of a non-tensor', P(0x80, 2, 0x63, 'torch._utils\n_rebuild_parameter\n', 0x4b, 1, 0x88, 0x4e, 0x87, 0x52, 0x2e), /data must be a tensor, got 1 \(byte /],
  ];
  it.each(opcodes)('%s', (_name, bytes, re) => {
    expect(() => load(bytes)).toThrow(re);
    expect(() => load(bytes)).toThrow(UnpicklingError);
  });
});

describe('pickleTorch', () => {
  const roundTrip = (v: unknown): unknown => unpickle(pickleTorch(v).pickle, fakeStorage, 'test');

  it('writes protocol 2 with the smallest int opcodes, as Python does', () => {
    expect([...pickleTorch({ a: 1 }).pickle]).toEqual([0x80, 2, 0x7d, ...ustr('a'), 0x4b, 1, 0x73, 0x2e]);
    expect([...pickleTorch(300).pickle]).toEqual([0x80, 2, 0x4d, 0x2c, 0x01, 0x2e]);
    expect([...pickleTorch(-1).pickle]).toEqual([0x80, 2, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x2e]);
    expect([...pickleTorch(2 ** 31).pickle]).toEqual([0x80, 2, 0x8a, 5, 0, 0, 0, 0x80, 0, 0x2e]);
    expect([...pickleTorch(-(2 ** 31) - 1).pickle]).toEqual([0x80, 2, 0x8a, 5, 0xff, 0xff, 0xff, 0x7f, 0xff, 0x2e]);
    expect([...pickleTorch(0.5).pickle]).toEqual([0x80, 2, 0x47, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0, 0x2e]);
    expect([...pickleTorch([1, 2]).pickle]).toEqual([0x80, 2, 0x5d, 0x28, 0x4b, 1, 0x4b, 2, 0x65, 0x2e]);
    expect([...pickleTorch(asTuple([1, 2])).pickle]).toEqual([0x80, 2, 0x4b, 1, 0x4b, 2, 0x86, 0x2e]);
    expect([...pickleTorch(null).pickle]).toEqual([0x80, 2, 0x4e, 0x2e]);
  });

  it('round-trips Python values exactly', () => {
    const ints = [0, 1, 255, 256, 65535, 65536, 2 ** 31 - 1, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53 - 1, -(2 ** 53 - 1), -1, -128, -129];
    expect(roundTrip(ints)).toEqual(ints);
    const bigs = [2n ** 64n, -(2n ** 70n), 2n ** 53n, -(2n ** 2000n)];
    expect(roundTrip(bigs)).toEqual(bigs);
    const floats = [0.1, -2.5e-300, 1e300, Infinity, -Infinity, 2 ** 60, 1.5];
    expect(roundTrip(floats)).toEqual(floats);
    expect(Object.is((roundTrip([-0]) as number[])[0], -0)).toBe(true);
    expect(Number.isNaN((roundTrip([Number.NaN]) as number[])[0])).toBe(true);
    const nested = { s: 'h\u00e9llo \u2713', b: [true, false, null], t: asTuple([1, asTuple(['x'])]), e: {}, l: [] };
    const back = roundTrip(nested) as any;
    expect(back).toEqual(nested);
    expect(isTuple(back.t) && isTuple(back.t[1])).toBe(true);
    const long = Array.from({ length: 2500 }, (_, i) => i);
    expect(roundTrip(long)).toEqual(long);
    const wide = Object.fromEntries(long.map((i) => [`k${i}`, i]));
    expect(roundTrip(wide)).toEqual(wide);
  });

  it('writes canonical integer keys as ints and Map keys by type', () => {
    const p = pickleTorch({ state: { 0: 'a', 12: 'b', '007': 'c', '-3': 'd' } }).pickle;
    // '007' stays a string; 0, 12 and -3 become ints (BININT1 0, BININT1 12, BININT -3).
    expect(Buffer.from(p).includes(Buffer.from([0x4b, 0, 0x58, 1, 0, 0, 0, 0x61]))).toBe(true);
    expect(Buffer.from(p).includes(Buffer.from([0x4b, 12]))).toBe(true);
    expect(Buffer.from(p).includes(Buffer.from([0x4a, 0xfd, 0xff, 0xff, 0xff]))).toBe(true);
    expect(Buffer.from(p).includes(Buffer.from(ustr('007')))).toBe(true);
    const m = pickleTorch(new Map<unknown, unknown>([['1', 'str key'], [2, 'int key']])).pickle;
    expect(Buffer.from(m).includes(Buffer.from(ustr('1')))).toBe(true);
    expect(Buffer.from(m).includes(Buffer.from([0x4b, 2]))).toBe(true);
  });

  it('uses OrderedDict for state dicts but not for per-parameter optimizer state', () => {
    const t = new Tensor(Float32Array.from([1]), [1]);
    const back = roundTrip({ model: { w: t }, optim: { state: { 0: { momentum_buffer: t } } } }) as any;
    expect(isOrderedDict(back.model)).toBe(true);
    expect(isOrderedDict(back)).toBe(false);
    expect(isOrderedDict(back.optim.state[0])).toBe(false);
  });

  it('writes shared tensor storage once', () => {
    const a = new Tensor(Float32Array.from([1, 2, 3, 4]), [4]);
    const b = new Tensor(a.data, [2, 2]);
    const c = new Tensor(Float32Array.from([1, 2, 3, 4]), [4]);
    const { storages } = pickleTorch({ a, b, c });
    expect(storages.map((s) => s.key)).toEqual(['0', '1']);
  });

  it('refuses values with no Python equivalent, naming the path', () => {
    expect(() => pickleTorch({ a: { f: () => 1 } })).toThrow(/cannot save a function at root\.a\.f/);
    expect(() => pickleTorch({ a: new Float32Array(2) })).toThrow(/cannot save a Float32Array at root\.a \(wrap typed arrays in a Tensor\)/);
    expect(() => pickleTorch([new Date()])).toThrow(/cannot save a Date at root\[0\]/);
    expect(() => pickleTorch({ s: Symbol('x') })).toThrow(/cannot save a symbol/);
    const cyc: any = { a: [] };
    cyc.a.push(cyc);
    expect(() => pickleTorch(cyc)).toThrow(/circular reference at root\.a\[0\]/);
    expect(() => pickleTorch(new Map([[{}, 1]]))).toThrow(/dict key \[object Object\] at root must be a string or an integer/);
    expect(() => pickleTorch(new Set([1]))).toThrow(/cannot save a Set at root/);
  });
});
