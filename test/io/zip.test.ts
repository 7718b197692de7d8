import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, writeZip, ZipReader } from '../../src/io/zip.js';
import { concat, fixture } from './util.js';

const enc = new TextEncoder();

describe('crc32', () => {
  it('matches the standard check values', () => {
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(enc.encode('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    // Incremental over chunks equals one pass.
    const all = enc.encode('hello, world');
    expect(crc32(all.subarray(5), crc32(all.subarray(0, 5)))).toBe(crc32(all));
  });
});

describe('ZipReader on torch.save archives', () => {
  it('reads the PyTorch 1.13 archive (data descriptors, ZIP64 end records, FB padding)', () => {
    const z = new ZipReader(readFileSync(fixture('inception1d_state.pth')));
    const names = z.names();
    expect(names[0]).toBe('inception1d_state/data.pkl');
    expect(names).toContain('inception1d_state/version');
    expect(new TextDecoder().decode(z.read('inception1d_state/version'))).toBe('3\n');
    const pkl = z.read('inception1d_state/data.pkl');
    expect([pkl[0], pkl[1], pkl[pkl.length - 1]]).toEqual([0x80, 0x02, 0x2e]); // PROTO 2 ... STOP
    for (const n of names.filter((x) => x.includes('/data/'))) {
      expect(z.entry(n)!.dataOffset % 64, n).toBe(0);
    }
  });
});

describe('writeZip / ZipReader', () => {
  it('round-trips entries, aligned to 64 bytes, readable from chunks', () => {
    const files = [
      { name: 'archive/data.pkl', data: enc.encode('pickle bytes') },
      { name: 'archive/data/0', data: [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])] },
      { name: 'archive/empty', data: new Uint8Array(0) },
      { name: 'archive/ünïcode', data: enc.encode('x') },
    ];
    const bytes = concat(writeZip(files));
    const z = new ZipReader(bytes);
    expect(z.names()).toEqual(files.map((f) => f.name));
    expect([...z.read('archive/data/0')]).toEqual([1, 2, 3, 4, 5]);
    expect(z.read('archive/empty').length).toBe(0);
    expect(new TextDecoder().decode(z.read('archive/data.pkl'))).toBe('pickle bytes');
    for (const f of files) expect(z.entry(f.name)!.dataOffset % 64).toBe(0);
    expect(() => z.read('nope')).toThrow(/missing entry 'nope'/);
    expect(() => writeZip([{ name: 'a', data: new Uint8Array(1) }, { name: 'a', data: new Uint8Array(1) }])).toThrow(/duplicate entry 'a'/);
  });

  it('inflates deflated entries and checks their size and CRC', () => {
    const payload = enc.encode('abcabcabcabc'.repeat(100));
    const stored = concat(writeZip([{ name: 'x', data: payload }]));
    // Rewrite the single entry as deflate (method 8): rebuild by hand.
    const comp = deflateRawSync(payload);
    const z = new ZipReader(stored);
    const e = z.entry('x')!;
    const head = stored.slice(0, e.dataOffset);
    const dv = new DataView(head.buffer);
    dv.setUint16(8, 8, true);
    dv.setUint32(18, comp.length, true);
    const cdOff = e.dataOffset + payload.length;
    const tail = stored.slice(cdOff);
    const tv = new DataView(tail.buffer);
    tv.setUint16(10, 8, true);
    tv.setUint32(20, comp.length, true);
    const eocd = tail.length - 22;
    tv.setUint32(eocd + 16, e.dataOffset + comp.length, true);
    const deflated = concat([head, comp, tail]);
    expect(new TextDecoder().decode(new ZipReader(deflated).read('x'))).toBe('abcabcabcabc'.repeat(100));
    // Wrong CRC in the central directory.
    const badCrc = deflated.slice();
    new DataView(badCrc.buffer).setUint32(e.dataOffset + comp.length + 16, 0x12345678, true);
    expect(() => new ZipReader(badCrc).read('x')).toThrow(/CRC-32 mismatch in entry 'x'/);
    // Declared size larger than what inflates.
    const badSize = deflated.slice();
    new DataView(badSize.buffer).setUint32(e.dataOffset + comp.length + 24, payload.length + 1, true);
    expect(() => new ZipReader(badSize).read('x')).toThrow(/inflates to 1200 bytes, expected 1201/);
    // A size beyond deflate's maximum ratio is rejected before inflating.
    const bomb = deflated.slice();
    new DataView(bomb.buffer).setUint32(e.dataOffset + comp.length + 24, 0xfffffff0, true);
    expect(() => new ZipReader(bomb)).toThrow(/beyond deflate's maximum ratio/);
    // Garbage instead of deflate data.
    const garbage = concat([head, new Uint8Array(comp.length).fill(0xff), tail]);
    expect(() => new ZipReader(garbage).read('x')).toThrow(/does not inflate/);
  });

  it('detects a flipped data byte by CRC', () => {
    const bytes = concat(writeZip([{ name: 'a', data: enc.encode('hello world') }]));
    const z = new ZipReader(bytes);
    bytes[z.entry('a')!.dataOffset + 3] ^= 1;
    expect(() => z.read('a')).toThrow(/CRC-32 mismatch in entry 'a'/);
  });

  it('rejects ZIP64, encryption, unknown methods, multi-disk and truncation clearly', () => {
    const base = concat(writeZip([{ name: 'a', data: enc.encode('hello') }]));
    const eocd = base.length - 22;
    const cd = new DataView(base.buffer).getUint32(eocd + 16, true);
    const mutate = (f: (dv: DataView) => void): Uint8Array => {
      const b = base.slice();
      f(new DataView(b.buffer));
      return b;
    };
    expect(() => new ZipReader(mutate((dv) => dv.setUint32(eocd + 16, 0xffffffff, true)))).toThrow(/ZIP64 archives .* not supported/);
    expect(() => new ZipReader(mutate((dv) => dv.setUint32(cd + 20, 0xffffffff, true)))).toThrow(/needs ZIP64/);
    expect(() => new ZipReader(mutate((dv) => dv.setUint16(cd + 8, 1, true)))).toThrow(/encrypted/);
    expect(() => new ZipReader(mutate((dv) => dv.setUint16(cd + 10, 12, true)))).toThrow(/compression method 12/);
    expect(() => new ZipReader(mutate((dv) => dv.setUint16(eocd + 4, 1, true)))).toThrow(/multi-disk/);
    expect(() => new ZipReader(mutate((dv) => dv.setUint32(cd, 0, true)))).toThrow(/bad signature for central directory entry 0/);
    expect(() => new ZipReader(mutate((dv) => dv.setUint32(cd + 42, 7, true)))).toThrow(/no local header at offset 7/);
    expect(() => new ZipReader(mutate((dv) => dv.setUint32(cd + 24, 6, true)))).toThrow(/compressed size 5 != size 6/);
    expect(() => new ZipReader(mutate((dv) => dv.setUint16(eocd + 10, 3, true)))).toThrow(/multi-disk|cannot fit/);
    expect(() => new ZipReader(base.subarray(0, base.length - 1))).toThrow(/end of central directory record not found/);
    expect(() => new ZipReader(base.subarray(0, 10))).toThrow(/too short for a zip archive/);
    expect(() => new ZipReader(base.subarray(cd))).toThrow(/corrupt zip archive/);
  });
});
