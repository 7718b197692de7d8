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
