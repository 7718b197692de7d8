import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import {
  loadSafetensors, parseSafetensors, readSafetensors, saveSafetensors, serializeSafetensors,
} from '../../src/io/safetensors.js';
import { concat, expectBitIdentical, expected, expectTensor, fixture, tempDir } from './util.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** Build a safetensors file from a header object and a data buffer. */
function build(header: unknown, data: Uint8Array = new Uint8Array(0), rawHeader?: Uint8Array): Uint8Array {
  const h = rawHeader ?? Buffer.from(JSON.stringify(header), 'utf8');
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function f32(values: number[], shape = [values.length]): Tensor {
  return new Tensor(Float32Array.from(values), shape);
}

describe('safetensors: files written by the reference layout', () => {
  it('loads the Inception1d state dict exactly, in header order, with its metadata', () => {
    const exp = expected().inception1d_state;
    const { tensors, metadata, dtypes } = readSafetensors(fixture('inception1d_state.safetensors'));
    expect(metadata).toEqual({ format: 'pt' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(exp).sort());
    for (const k of Object.keys(exp)) expectTensor(tensors[k], exp[k], k);
    expect(dtypes['stem.1.num_batches_tracked']).toBe('I64');
    expect(dtypes['stem.0.weight']).toBe('F32');
    // The reference writer puts I64 before F32: the first key is the int64 counter.
    expect(Object.keys(tensors)[0]).toMatch(/num_batches_tracked$/);
  });

  it('converts F64/F16/BF16 to float32 and I32/I16/I8/U8 to int64, exactly like tensor.float()/.long()', () => {
    const exp = expected().dtypes_safetensors;
    const { tensors, metadata, dtypes } = readSafetensors(fixture('dtypes.safetensors'));
    expect(metadata).toEqual({ format: 'pt', source: 'gen_io.py' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(exp).sort());
    for (const k of Object.keys(exp)) expectTensor(tensors[k], exp[k], k);
    expect(dtypes).toMatchObject({ f64: 'F64', f16: 'F16', bf16: 'BF16', i32: 'I32', i16: 'I16', i8: 'I8', u8: 'U8', bool: 'BOOL', i64: 'I64' });
    expect(tensors.i64.data[2]).toBe(2 ** 53 - 1);
    expect(tensors.i64.data[3]).toBe(-(2 ** 53 - 1));
  });

  it('our writer reproduces the reference layout byte for byte', () => {
    const path = fixture('inception1d_state.safetensors');
    const sd = loadSafetensors(path);
    const out = join(tmp.dir, 'resaved.safetensors');
    saveSafetensors(sd, out, { format: 'pt' });
    expect(Buffer.compare(readFileSync(out), readFileSync(path))).toBe(0);
  });
});

describe('safetensors: writing', () => {
  it('follows the spec: u64 length, space-padded JSON, 8-byte aligned data, contiguous offsets', () => {
    const sd = {
      w: f32([1, 2, 3, 4, 5, 6], [2, 3]),
      b: new Tensor(Uint8Array.from([1, 0, 1]), [3], 'bool'),
      n: new Tensor(Float64Array.from([7, -8]), [2], 'int64'),
    };
    const bytes = concat(serializeSafetensors(sd, { epoch: '3' }));
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const text = Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8');
    expect(text.trimEnd()).toBe(text.replace(/ +$/, ''));
    const header = JSON.parse(text);
    expect(Object.keys(header)).toEqual(['__metadata__', 'n', 'w', 'b']); // I64, F32, BOOL; then by name
    expect(header.__metadata__).toEqual({ epoch: '3' });
    expect(header.n).toEqual({ dtype: 'I64', shape: [2], data_offsets: [0, 16] });
    expect(header.w).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [16, 40] });
    expect(header.b).toEqual({ dtype: 'BOOL', shape: [3], data_offsets: [40, 43] });
    expect(bytes.length).toBe(8 + n + 43);
    const data = new DataView(bytes.buffer, 8 + n);
    expect(data.getBigInt64(0, true)).toBe(7n);
    expect(data.getBigInt64(8, true)).toBe(-8n);
    expect(data.getFloat32(16 + 4 * 5, true)).toBe(6);
    expect([...bytes.subarray(8 + n + 40)]).toEqual([1, 0, 1]);
  });

  it('round-trips bit-identically, including NaN payloads, -0, infinities, subnormals, int64 extremes, 0-d and empty tensors', () => {
    const special = new Float32Array([Number.NaN, -0, Infinity, -Infinity, 1e-45, 3.4028234663852886e38, 0.1]);
    new Uint32Array(special.buffer)[0] = 0x7fc12345; // a NaN with a payload
    const sd = new Map<string, Tensor>([
      ['special', new Tensor(special, [7])],
      ['ints', new Tensor(Float64Array.from([0, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 4294967296, -4294967297]), [2, 3], 'int64')],
      ['mask', new Tensor(Uint8Array.from([1, 0, 0, 1]), [2, 2], 'bool')],
      ['scalar', new Tensor(Float32Array.from([2.5]), [])],
      ['empty', new Tensor(new Float32Array(0), [0, 4])],
      ['big', new Tensor(Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e3), [10, 10, 10])],
    ]);
    const path = join(tmp.dir, 'rt.safetensors');
    saveSafetensors(sd, path);
    const back = loadSafetensors(path);
    expect(Object.keys(back).sort()).toEqual([...sd.keys()].sort());
    for (const [k, t] of sd) expectBitIdentical(back[k], t, k);
    expect(new Uint32Array(back.special.data.buffer)[0]).toBe(0x7fc12345);
  });

  it('accepts a module-style Map and plain objects alike, and normalises bool storage to 0/1', () => {
    const t = new Tensor(Uint8Array.from([0, 2, 255]), [3], 'bool');
    const back = parseSafetensors(concat(serializeSafetensors(new Map([['m', t]]))));
    expect([...back.tensors.m.data]).toEqual([0, 1, 1]);
    expect([...t.data]).toEqual([0, 2, 255]); // the source is not modified
  });

  it('rejects what it cannot write, naming the problem', () => {
    expect(() => serializeSafetensors({ a: [1, 2] as never })).toThrow(/expected a Tensor for key 'a', got an array/);
    expect(() => serializeSafetensors({ __metadata__: f32([1]) })).toThrow(RangeError);
    expect(() => serializeSafetensors({ a: f32([1]) }, { k: 3 as never })).toThrow(/metadata value for 'k' must be a string, got 3$/);
    expect(() => serializeSafetensors({ a: new Tensor(Float64Array.from([1.5]), [1], 'int64') })).toThrow(/int64 element 0 is 1.5/);
    expect(() => serializeSafetensors({ a: new Tensor(Float64Array.from([2 ** 60]), [1], 'int64') })).toThrow(RangeError);
    expect(() => serializeSafetensors(null as never)).toThrow(TypeError);
  });
});

describe('safetensors: decoding', () => {
  it('decodes F16 specials (inf, nan, -0, subnormals, max) and BF16 exactly', () => {
    const h = Uint16Array.from([0x7c00, 0xfc00, 0x7e00, 0x8000, 0x0001, 0x03ff, 0x7bff, 0x3c00, 0xc000]);
    const b = Uint16Array.from([0x3f80, 0xc049, 0x7f80, 0x0001]);
    const file = build(
      { h: { dtype: 'F16', shape: [9], data_offsets: [0, 18] }, b: { dtype: 'BF16', shape: [4], data_offsets: [18, 26] } },
      new Uint8Array(Buffer.concat([Buffer.from(h.buffer), Buffer.from(b.buffer)])),
    );
    const { tensors } = parseSafetensors(file);
    const hv = [...tensors.h.data];
    expect(hv[0]).toBe(Infinity);
    expect(hv[1]).toBe(-Infinity);
    expect(Number.isNaN(hv[2])).toBe(true);
    expect(Object.is(hv[3], -0)).toBe(true);
    expect(hv[4]).toBe(2 ** -24);
    expect(hv[5]).toBe(1023 * 2 ** -24);
    expect(hv[6]).toBe(65504);
    expect(hv[7]).toBe(1);
    expect(hv[8]).toBe(-2);
    expect([...tensors.b.data]).toEqual([1, Math.fround(-3.140625), Infinity, Math.fround(2 ** -133)]);
  });

  it('reads U64/U32/U16 as int64 and refuses int64 values nodetorch cannot hold exactly', () => {
    const ok = new BigUint64Array([0n, 9007199254740991n]);
    const file = build({ u: { dtype: 'U64', shape: [2], data_offsets: [0, 16] } }, new Uint8Array(ok.buffer));
    expect([...parseSafetensors(file).tensors.u.data]).toEqual([0, 2 ** 53 - 1]);
    const bad = new BigInt64Array([1n, 2n ** 53n, 3n]);
    const f2 = build({ x: { dtype: 'I64', shape: [3], data_offsets: [0, 24] } }, new Uint8Array(bad.buffer));
    expect(() => parseSafetensors(f2)).toThrow(/tensor 'x': element 1 is 9007199254740992, outside the range/);
    const neg = new BigInt64Array([-(2n ** 62n)]);
    const f3 = build({ x: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(neg.buffer));
    expect(() => parseSafetensors(f3)).toThrow(/element 0 is -4611686018427387904/);
  });
});

describe('safetensors: corrupt files throw clear errors', () => {
  const good = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const data8 = new Uint8Array(8);
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty file', new Uint8Array(0), /shorter than the 8-byte header length/],
    ['7 bytes', new Uint8Array(7), /shorter than the 8-byte header length/],
    ['header length 2^40', (() => { const b = build(good, data8); new DataView(b.buffer).setBigUint64(0, 2n ** 40n, true); return b; })(), /exceeds the 100000000-byte limit/],
    ['header length 2^64-1', (() => { const b = build(good, data8); new DataView(b.buffer).setBigUint64(0, 2n ** 64n - 1n, true); return b; })(), /exceeds the 100000000-byte limit/],
    ['header past the end', (() => { const b = build(good, data8); new DataView(b.buffer).setBigUint64(0, 5000n, true); return b; })(), /runs past the end/],
    ['header not an object', build(null, new Uint8Array(0), Buffer.from('[1, 2]   ')), /must start with '\{'/],
    ['invalid JSON', build(null, new Uint8Array(0), Buffer.from('{"a": ')), /not valid JSON/],
    ['invalid UTF-8', build(null, new Uint8Array(0), Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d])), /not valid UTF-8/],
    ['unknown dtype', build({ a: { dtype: 'F8_E4M3', shape: [8], data_offsets: [0, 8] } }, data8), /dtype "F8_E4M3"/],
    ['bad shape', build({ a: { dtype: 'F32', shape: [2.5], data_offsets: [0, 8] } }, data8), /shape \[2.5\]/],
    ['negative dim', build({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, data8), /non-negative integers/],
    ['offsets reversed', build({ a: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, data8), /data_offsets \[8,0\]/],
    ['size mismatch', build({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, data8), /needs 12 bytes, but data_offsets \[0,8\] span 8/],
    ['huge shape', build({ a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, data8), /needs more than the file holds/],
    ['gap', build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, data8), /gap in the data buffer before tensor 'a'/],
    ['overlap', build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, data8), /overlaps/],
    ['trailing bytes', build(good, new Uint8Array(12)), /4 bytes not covered/],
    ['truncated data', build(good, new Uint8Array(5)), /need 8 data bytes but the file holds 5/],
    ['metadata not strings', build({ __metadata__: { a: 1 } }), /__metadata__ value for 'a' must be a string/],
    ['entry not an object', build({ a: 3 }), /entry 'a' is not an object/],
  ];
  it.each(cases)('%s', (_name, bytes, re) => {
    expect(() => parseSafetensors(bytes)).toThrow(re);
  });

  it('names the file when loading from disk', () => {
    expect(() => loadSafetensors(fixture('legacy.pth'))).toThrow(/loadSafetensors\('.*legacy\.pth'\): invalid safetensors file/);
  });
});
