/**
 * Deterministic (seeded) fuzzing of the readers: thousands of mutated, truncated and hand-assembled
 * safetensors files, .pth archives and pickles. Every input must either load into well-formed tensors or
 * throw an Error with a message of our own — never a crash, a hang, a huge allocation, or a stray
 * JavaScript error from an unchecked path ("Cannot read properties of undefined", "Offset is outside the
 * bounds of the DataView", ...).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tensor, shapeSize } from '../../src/tensor.js';
import { Generator } from '../../src/util/generator.js';
import { deserialize, serialize } from '../../src/io/serialize.js';
import { parseSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';
import { parsePth, serializePth } from '../../src/io/pth.js';
import { unpickle, UnpicklingError } from '../../src/io/pickle.js';
import { pickleTorch } from '../../src/io/pickler.js';
import { writeZip, ZipReader } from '../../src/io/zip.js';
import { concat, fixture } from './util.js';

const STRAY = /Cannot read prop|is not a function|is not iterable|undefined|Maximum call stack|Invalid typed array length|Array buffer allocation failed|Offset is outside the bounds|Invalid array length|out of memory/i;

interface Tally { ok: number; rejected: number }

/** Run `f`; accept a return (validated) or one of our errors. */
function check(tally: Tally, label: string, f: () => unknown, mustThrow = false): void {
  let value: unknown;
  try {
    value = f();
  } catch (e) {
    if (!(e instanceof Error)) expect.fail(`${label}: threw a non-Error ${String(e)}`);
    if (!(e instanceof RangeError || e instanceof TypeError || e instanceof UnpicklingError)) {
      expect.fail(`${label}: unexpected ${e.constructor.name}: ${e.message}`);
    }
    if (STRAY.test(e.message) || e.message.length < 10) expect.fail(`${label}: stray error: ${e.message}`);
    tally.rejected++;
    return;
  }
  if (mustThrow) expect.fail(`${label}: accepted an input it must reject`);
  validate(value, label);
  tally.ok++;
}

/** Every tensor reachable from a loaded value is internally consistent. */
function validate(v: unknown, label: string, depth = 0): void {
  if (depth > 200) return;
  if (v instanceof Tensor) {
    if (v.data.length !== shapeSize(v.shape)) expect.fail(`${label}: tensor with ${v.data.length} elements for shape (${v.shape.join(', ')})`);
    return;
  }
  if (Array.isArray(v)) for (const x of v) validate(x, label, depth + 1);
  else if (v instanceof Map) for (const x of v.values()) validate(x, label, depth + 1);
  else if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) for (const x of Object.values(v)) validate(x, label, depth + 1);
}

function mutateBytes(src: Uint8Array, g: Generator, region: [number, number] = [0, src.length]): Uint8Array {
  const b = src.slice();
  const kind = g.randint(0, 6);
  const pos = () => g.randint(region[0], Math.max(region[0] + 1, region[1]));
  switch (kind) {
    case 0: { // flip 1-4 bits
      const n = g.randint(1, 5);
      for (let i = 0; i < n; i++) { const p = pos(); if (p < b.length) b[p] ^= 1 << g.randint(0, 8); }
      return b;
    }
    case 1: { // random bytes
      const n = g.randint(1, 9);
      for (let i = 0; i < n; i++) { const p = pos(); if (p < b.length) b[p] = g.randint(0, 256); }
      return b;
    }
    case 2: { // interesting values
      const p = pos();
      const vals = [0x00, 0xff, 0x7f, 0x80, 0x7b, 0x22, 0x2e, 0x28];
      if (p < b.length) b[p] = vals[g.randint(0, vals.length)];
      return b;
    }
    case 3: { // delete a run
      const p = pos();
      const n = g.randint(1, 17);
      return concat([b.subarray(0, p), b.subarray(Math.min(b.length, p + n))]);
    }
    case 4: { // insert a run
      const p = pos();
      const ins = Uint8Array.from({ length: g.randint(1, 17) }, () => g.randint(0, 256));
      return concat([b.subarray(0, p), ins, b.subarray(p)]);
    }
    default: { // overwrite a 32-bit little-endian field with a boundary value
      const p = Math.min(pos(), Math.max(0, b.length - 4));
      const vals = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x10000, b.length, b.length + 1];
      if (b.length >= 4) new DataView(b.buffer).setUint32(p, vals[g.randint(0, vals.length)], true);
      return b;
    }
  }
}

function smallStateDict(): Record<string, Tensor> {
  return {
    'conv.weight': new Tensor(Float32Array.from({ length: 24 }, (_, i) => i / 7 - 1), [2, 3, 4]),
    'conv.bias': new Tensor(Float32Array.from([0.5, -0.5]), [2]),
    'bn.num_batches_tracked': new Tensor(Float64Array.from([12]), [], 'int64'),
    mask: new Tensor(Uint8Array.from([1, 0, 1]), [3], 'bool'),
    empty: new Tensor(new Float32Array(0), [0, 2]),
  };
}

describe('fuzz: safetensors', () => {
  const bases: [string, Uint8Array][] = [
    ['state dict', concat(serializeSafetensors(smallStateDict(), { format: 'pt' }))],
    ['dtypes fixture', new Uint8Array(readFileSync(fixture('dtypes.safetensors')))],
    ['structured', concat(serialize({ model: smallStateDict(), optimizer: { state: { 0: { momentum_buffer: new Tensor(Float32Array.from([1, 2]), [2]) } }, param_groups: [{ lr: 0.1, params: [0] }] }, step: 3 }, 'safetensors'))],
  ];

  it('rejects every truncation', () => {
    const tally = { ok: 0, rejected: 0 };
    for (const [name, base] of bases) {
      for (let n = 0; n < base.length; n++) check(tally, `${name} truncated to ${n}`, () => deserialize(base.subarray(0, n)), true);
    }
    expect(tally.rejected).toBeGreaterThan(1000);
  });

  it('survives 4000 random mutations (headers, lengths, data)', () => {
    const g = new Generator(1);
    const tally = { ok: 0, rejected: 0 };
    for (let i = 0; i < 4000; i++) {
      const [name, base] = bases[i % bases.length];
      const headerEnd = 8 + Number(new DataView(base.buffer, base.byteOffset).getBigUint64(0, true));
      const region: [number, number] = i % 4 === 3 ? [0, base.length] : i % 4 === 2 ? [0, 8] : [8, headerEnd];
      const m = mutateBytes(base, g, region);
      check(tally, `${name} mutation ${i}`, () => deserialize(m));
    }
    expect(tally.rejected).toBeGreaterThan(2000);
  });

  it('survives 2000 structured header mutations (dtype, shape, offsets, metadata)', () => {
    const g = new Generator(2);
    const tally = { ok: 0, rejected: 0 };
    const base = bases[0][1];
    const n = Number(new DataView(base.buffer).getBigUint64(0, true));
    const header = JSON.parse(Buffer.from(base.subarray(8, 8 + n)).toString('utf8'));
    const data = base.subarray(8 + n);
    const nums = [-1, 0, 1, 2, 3, 7, 8, 2 ** 31, 2 ** 53, 2 ** 64, 1e300, 0.5, Number.NaN];
    const pickNum = (): unknown => (g.random() < 0.1 ? 'x' : nums[g.randint(0, nums.length)]);
    for (let i = 0; i < 2000; i++) {
      const h = JSON.parse(JSON.stringify(header));
      const names = Object.keys(h).filter((k) => k !== '__metadata__');
      const k = names[g.randint(0, names.length)];
      switch (g.randint(0, 7)) {
        case 0: h[k].dtype = ['F32', 'F64', 'I64', 'BOOL', 'U8', 'F16', 'BF16', 'C64', '', 7][g.randint(0, 10)]; break;
        case 1: h[k].shape = Array.from({ length: g.randint(0, 4) }, pickNum); break;
        case 2: h[k].data_offsets = [pickNum(), pickNum()]; break;
        case 3: h[k].data_offsets[g.randint(0, 2)] += g.randint(-9, 10); break;
        case 4: h.__metadata__ = g.random() < 0.5 ? { a: pickNum() } : pickNum(); break;
        case 5: delete h[k]; break;
        default: h[k] = [null, 3, 'x', [], { dtype: 'F32' }][g.randint(0, 5)]; break;
      }
      const text = Buffer.from(JSON.stringify(h, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? 1e400 : v)).replace(/1e\+?400/g, '1e400'));
      const file = new Uint8Array(8 + text.length + data.length);
      new DataView(file.buffer).setBigUint64(0, BigInt(text.length), true);
      file.set(text, 8);
      file.set(data, 8 + text.length);
      check(tally, `header mutation ${i}`, () => parseSafetensors(file));
    }
    expect(tally.rejected).toBeGreaterThan(1500);
  });
});

describe('fuzz: .pth archives', () => {
  const sd = smallStateDict();
  const mine = concat(serializePth({ model: sd, optimizer: { state: { 0: { momentum_buffer: sd['conv.bias'] } }, param_groups: [{ lr: 0.1, nesterov: false, params: [0] }] }, epoch: 2 }));
  const bases: [string, Uint8Array][] = [
    ['ours', mine],
    ['torch dtypes', new Uint8Array(readFileSync(fixture('dtypes.pth')))],
    ['torch malicious', new Uint8Array(readFileSync(fixture('malicious_os_system.pth')))],
  ];

  it('rejects every truncation', () => {
    const tally = { ok: 0, rejected: 0 };
    for (const [name, base] of bases) {
      const step = Math.max(1, Math.floor(base.length / 1500));
      for (let n = 0; n < base.length; n += step) check(tally, `${name} truncated to ${n}`, () => parsePth(base.subarray(0, n)), true);
    }
    expect(tally.rejected).toBeGreaterThan(1500);
  });

  it('survives 3000 random mutations of the archive (CRC-protected entries, headers, directory)', () => {
    const g = new Generator(3);
    const tally = { ok: 0, rejected: 0 };
    for (let i = 0; i < 3000; i++) {
      const [name, base] = bases[i % bases.length];
      check(tally, `${name} mutation ${i}`, () => parsePth(mutateBytes(base, g)));
    }
    expect(tally.rejected).toBeGreaterThan(2500);
  });

  /** Mutate one entry's bytes and rebuild the archive with valid CRCs, so the mutation reaches the parser. */
  const entries = bases.map(([, base]) => {
    const z = new ZipReader(base);
    return z.names().map((name) => ({ name, data: z.read(name) }));
  });
  function repack(files: { name: string; data: Uint8Array }[], g: Generator, target: 'pkl' | 'storage'): Uint8Array {
    const pick = files.filter((f) => (target === 'pkl' ? f.name.endsWith('data.pkl') : f.name.includes('/data/')));
    const victim = pick[g.randint(0, pick.length)];
    return concat(writeZip(files.map((f) => (f === victim ? { name: f.name, data: mutateBytes(f.data, g) } : f))));
  }

  it('survives 2000 mutated pickles and storages inside valid archives', () => {
    const g = new Generator(4);
    const tally = { ok: 0, rejected: 0 };
    for (let i = 0; i < 2000; i++) {
      const name = bases[i % 2][0];
      const m = repack(entries[i % 2], g, i % 3 === 2 ? 'storage' : 'pkl');
      check(tally, `${name} repacked mutation ${i}`, () => parsePth(m));
    }
    expect(tally.rejected).toBeGreaterThan(1000);
  });
});

describe('fuzz: pickles', () => {
  const hooks = {
    persistentLoad: (pid: readonly unknown[]) => ({ pid }),
    rebuildTensor: (_s: unknown, _o: number, size: readonly number[]) => {
      const n = size.reduce((a, b) => a * b, 1);
      if (n > 1e6) throw new RangeError('test: tensor too large');
      return new Tensor(new Float32Array(n), size);
    },
  };

  it('rejects forbidden globals wherever they are injected into a state dict pickle', () => {
    const forbidden = ['os\nsystem', 'posix\nsystem', 'builtins\neval', '__builtin__\neval', 'builtins\nexec', 'subprocess\nPopen', 'builtins\ngetattr', 'torch\nload', 'pickle\nloads', 'webbrowser\nopen'];
    const valid = pickleTorch({ a: 1, b: [2.5, 'x'], c: { 0: null } }).pickle;
    // Byte offsets where a complete value may start: after PROTO, after MARK/EMPTY_* opcodes.
    const starts = [...valid.keys()].filter((i) => i > 1 && [0x28, 0x5d, 0x7d].includes(valid[i - 1]));
    const g = new Generator(5);
    let n = 0;
    for (let i = 0; i < 1000; i++) {
      const name = forbidden[g.randint(0, forbidden.length)];
      const at = starts[g.randint(0, starts.length)];
      const call = Buffer.from(`c${name}\nX\x03\x00\x00\x00ls /\x85R`, 'latin1');
      const bytes = concat([valid.subarray(0, at), call, valid.subarray(at)]);
      expect(() => unpickle(bytes, hooks, 'fuzz'), `injection ${i}`).toThrow(new RegExp(`global '${name.replace('\n', '\\.')}' is not allowed`));
      n++;
    }
    expect(n).toBe(1000);
  });

  it('survives 3000 random opcode programs', () => {
    const g = new Generator(6);
    const tally = { ok: 0, rejected: 0 };
    const pieces: (() => number[])[] = [
      () => [0x28], () => [0x2e], () => [0x4e], () => [0x88], () => [0x89], () => [0x29], () => [0x5d], () => [0x7d],
      () => [0x74], () => [0x85], () => [0x86], () => [0x87], () => [0x61], () => [0x65], () => [0x73], () => [0x75],
      () => [0x8f], () => [0x90], () => [0x52], () => [0x81], () => [0x62], () => [0x51], () => [0x94],
      () => [0x4b, g.randint(0, 256)], () => [0x4d, g.randint(0, 256), g.randint(0, 256)],
      () => [0x4a, ...Array.from({ length: 4 }, () => g.randint(0, 256))],
      () => [0x8a, 3, g.randint(0, 256), g.randint(0, 256), g.randint(0, 256)],
      () => [0x47, ...Array.from({ length: 8 }, () => g.randint(0, 256))],
      () => [0x58, 1, 0, 0, 0, 0x61], () => [0x8c, 7, ...Buffer.from('storage')], () => [0x55, 1, 0x62],
      () => [0x71, g.randint(0, 4)], () => [0x68, g.randint(0, 4)],
      () => [0x63, ...Buffer.from('collections\nOrderedDict\n')], () => [0x63, ...Buffer.from('torch\nFloatStorage\n')],
      () => [0x63, ...Buffer.from('torch._utils\n_rebuild_tensor_v2\n')], () => [0x63, ...Buffer.from('torch._utils\n_rebuild_parameter\n')],
      () => [0x63, ...Buffer.from('torch\nSize\n')], () => [0x63, ...Buffer.from('torch.nn.parameter\nParameter\n')],
      () => [0x63, ...Buffer.from('os\nsystem\n')], () => [0x93], () => [0x69], () => [0x6f], () => [0x82, 1], () => [g.randint(0, 256)],
    ];
    for (let i = 0; i < 3000; i++) {
      const body: number[] = [0x80, 2];
      const len = g.randint(1, 40);
      for (let j = 0; j < len; j++) body.push(...pieces[g.randint(0, pieces.length)]());
      if (g.random() < 0.7) body.push(0x2e);
      check(tally, `program ${i}`, () => unpickle(Uint8Array.from(body), hooks, 'fuzz'));
    }
    expect(tally.rejected).toBeGreaterThan(2000);
  });
});

describe('fuzz: structure documents (the JSON in __metadata__.nodetorch)', () => {
  const base = bases0();
  const tensors = base.tensors;
  /** A safetensors file holding `tensors` and the structure document `doc` (any JSON text). */
  const withDoc = (doc: string): Uint8Array => concat(serializeSafetensors(tensors, { nodetorch: doc }));
  const nest = (open: (inner: string) => string, depth: number, leaf: string): string => {
    // built iteratively: prefix and suffix, so a 100,000-deep document costs no recursion here
    const [pre, post] = open('\u0000').split('\u0000');
    return pre.repeat(depth) + leaf + post.repeat(depth);
  };
  const markers: [string, (s: string) => string, string][] = [
    ['$tensor', (s) => `{"$tensor":${s}}`, '"model.conv.bias"'],
    ['$tuple', (s) => `{"$tuple":[${s}]}`, '1'],
    ['$set', (s) => `{"$set":[${s}]}`, '1'],
    ['$map', (s) => `{"$map":[["k",${s}]]}`, '1'],
    ['$ordered', (s) => `{"$ordered":{"k":${s}}}`, '1'],
    ['$object', (s) => `{"$object":{"k":${s}}}`, '1'],
    ['object', (s) => `{"k":${s}}`, '1'],
    ['array', (s) => `[${s}]`, '1'],
  ];

  it.each(markers)('a %s value nested 999, 1000, 5000 and 100000 deep loads or is refused clearly', (name, open, leaf) => {
    for (const depth of [999, 1000, 5000, 100_000]) {
      const file = withDoc(`{"version":1,"root":${nest(open, depth, leaf)}}`);
      let err: Error | null = null;
      try {
        deserialize(file);
      } catch (e) {
        err = e as Error;
      }
      // a $tensor whose payload is not a name is refused at once (its preview is bounded); other
      // containers load up to the bound and are refused beyond it
      if (name === '$tensor' || depth >= 5000) {
        expect(err, `${name} x${depth}`).toBeInstanceOf(RangeError);
        expect(err!.message).toMatch(/^load: corrupt nodetorch structure in safetensors metadata at [^:]+: (nesting deeper than 1000 levels|reference to missing tensor \{"\$tensor":\{"\$tensor":\{"\$tensor":\{…\}\}\}\})$/);
      } else if (depth === 999) {
        expect(err, `${name} x${depth}`).toBe(null);
      }
    }
  });

  it('survives 3000 mutated documents (nodes replaced, wrapped, dropped; markers with wrong payloads)', () => {
    const g = new Generator(11);
    const tally = { ok: 0, rejected: 0 };
    const doc = JSON.parse(base.doc) as { root: unknown };
    const junk = (): unknown => {
      const choices: (() => unknown)[] = [
        () => null, () => 1.5, () => -1, () => 'model.conv.bias', () => 'nope', () => [], () => ({}),
        () => ({ $tensor: ['model.conv.bias', 'model.mask', 'model.empty', 'x', 3, null, { $tensor: 'model.mask' }][g.randint(0, 7)] }),
        () => ({ $float: ['NaN', '-0', 'inf', 1, null][g.randint(0, 5)] }),
        () => ({ $bigint: ['12', '-9007199254740993', '1e3', '', 5][g.randint(0, 5)] }),
        () => ({ $tuple: g.random() < 0.5 ? [1, { $tensor: 'model.mask' }] : 'x' }),
        () => ({ $set: g.random() < 0.5 ? [1, 2] : {} }),
        () => ({ $bytes: g.random() < 0.5 ? 'AAEC' : 7 }),
        () => ({ $map: [[[1, 2], 3], ['a'], 'x', [['k', 1]]][g.randint(0, 4)] }),
        () => ({ $ordered: g.random() < 0.5 ? { a: 1 } : [1] }),
        () => ({ $object: g.random() < 0.5 ? { $tensor: 'x' } : null }),
        () => ({ $unknown: 1 }), () => ({ $tensor: 'mask', extra: 1 }),
      ];
      return choices[g.randint(0, choices.length)]();
    };
    /** Every [container, key] in the document, found without recursion. */
    const slots = (root: unknown): [Record<string, unknown>, string][] => {
      const out: [Record<string, unknown>, string][] = [];
      const todo: unknown[] = [root];
      while (todo.length > 0) {
        const v = todo.pop();
        if (typeof v !== 'object' || v === null) continue;
        for (const k of Object.keys(v)) {
          out.push([v as Record<string, unknown>, k]);
          todo.push((v as Record<string, unknown>)[k]);
        }
      }
      return out;
    };
    for (let i = 0; i < 3000; i++) {
      const d = JSON.parse(JSON.stringify(doc));
      for (let m = g.randint(1, 4); m > 0; m--) {
        const all = slots(d);
        if (all.length === 0) break;
        const [obj, key] = all[g.randint(0, all.length)];
        switch (g.randint(0, 4)) {
          case 0: obj[key] = junk(); break;
          case 1: obj[key] = [{ $tuple: [obj[key]] }, { $ordered: { w: obj[key] } }, [obj[key]], { $tensor: obj[key] }][g.randint(0, 4)]; break;
          case 2: delete obj[key]; break;
          default: obj[key] = { [`$${['tensor', 'tuple', 'set', 'map', 'ordered', 'object', 'float', 'bigint', 'bytes'][g.randint(0, 9)]}`]: obj[key] }; break;
        }
      }
      if (i % 10 === 0) d.version = [1, 2, '1', null][g.randint(0, 4)];
      check(tally, `document mutation ${i}`, () => deserialize(withDoc(JSON.stringify(d))));
    }
    expect(tally.ok).toBeGreaterThan(100);
    expect(tally.rejected).toBeGreaterThan(1000);
  });

  it('survives 2000 byte mutations of the document text (broken JSON, broken escapes)', () => {
    const g = new Generator(12);
    const tally = { ok: 0, rejected: 0 };
    const text = new TextEncoder().encode(base.doc);
    for (let i = 0; i < 2000; i++) {
      const m = mutateBytes(text, g);
      check(tally, `document bytes ${i}`, () => deserialize(withDoc(Buffer.from(m).toString('latin1'))));
    }
    expect(tally.rejected).toBeGreaterThan(1000);
  });

  it('huge documents: wide, long, many references to one tensor', () => {
    const tally = { ok: 0, rejected: 0 };
    const wide = `{"version":1,"root":{"xs":[${Array.from({ length: 200_000 }, (_, i) => i).join(',')}]}}`;
    const keys = `{"version":1,"root":{${Array.from({ length: 100_000 }, (_, i) => `"k${i}":{"$tensor":"model.mask"}`).join(',')}}}`;
    const long = `{"version":1,"root":{"s":"${'x'.repeat(5_000_000)}"}}`;
    const badRefs = `{"version":1,"root":[${Array.from({ length: 50_000 }, () => '{"$tensor":"x"}').join(',')}]}`;
    for (const [name, doc] of [['wide', wide], ['keys', keys], ['long', long], ['badRefs', badRefs]]) {
      check(tally, name, () => deserialize(withDoc(doc)), name === 'badRefs');
    }
    expect(tally).toEqual({ ok: 3, rejected: 1 });
    const many = deserialize(withDoc(keys)) as Record<string, Tensor>;
    expect(many.k99999).toBe(many.k0); // one tensor, referenced 100,000 times
  });
});

/** The structured base file of the safetensors fuzz: its tensors and its structure document. */
function bases0(): { tensors: Record<string, Tensor>; doc: string } {
  const sd = smallStateDict();
  const file = concat(serialize({ model: sd, extra: [sd.mask, { $x: 1 }, -0, Number.NaN, 3n, new Set([1]), new Map([['a', 1]])], step: 3 }, 'safetensors'));
  const { tensors, metadata } = parseSafetensors(file);
  return { tensors, doc: metadata!.nodetorch };
}

describe('fuzz: pickles nested without bound', () => {
  const hooks = { persistentLoad: () => null as never, rebuildTensor: () => null as never };
  it('a list nested 200,000 deep, or one holding itself, is refused with a message', () => {
    const n = 200_000;
    const deep = new Uint8Array(2 + n + (n - 1) + 1);
    deep.set([0x80, 2]);
    deep.fill(0x5d, 2, 2 + n); // EMPTY_LIST x n
    deep.fill(0x61, 2 + n, 2 + 2 * n - 1); // APPEND x (n - 1)
    deep[deep.length - 1] = 0x2e;
    expect(() => unpickle(deep, hooks, 'fuzz')).toThrow(/^fuzz: nesting deeper than 1000 levels \(byte 400001\)$/);
    const self = Uint8Array.from([0x80, 2, 0x5d, 0x71, 0, 0x68, 0, 0x61, 0x2e]); // l = []; l.append(l)
    expect(() => unpickle(self, hooks, 'fuzz')).toThrow(/^fuzz: a container holds itself \(cyclic structure\) \(byte 8\)$/);
    // 1000 levels load; one list shared by many parents is walked once
    const ok = Uint8Array.from([0x80, 2, ...new Array(1000).fill(0x5d), ...new Array(999).fill(0x61), 0x2e]);
    let v = unpickle(ok, hooks, 'fuzz') as unknown[];
    let depth = 1;
    while (v.length > 0) { v = v[0] as unknown[]; depth++; }
    expect(depth).toBe(1000);
    const shared = Uint8Array.from([0x80, 2, 0x5d, 0x71, 0, 0x5d, 0x28, ...new Array(5000).fill([0x68, 0]).flat(), 0x65, 0x2e]);
    expect((unpickle(shared, hooks, 'fuzz') as unknown[]).length).toBe(5000);
  });
});
