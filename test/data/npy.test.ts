import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, writeNpy, encodeNpy, parseNpy, npyToTensor, loadNpySignals, npyDataset } from '../../src/data/npy.js';
import { DataFileError } from '../../src/data/errors.js';
import { DataLoader } from '../../src/data/dataloader.js';
import { tensor } from '../../src/creation.js';
import type { Tensor } from '../../src/tensor.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nodetorch-npy-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const p = (name: string) => join(dir, name);

/** A .npy file with the given header dict text and data bytes (v1.0, padded like numpy). */
function rawNpy(dict: string, data: Uint8Array | ArrayBufferView, version = 1): Uint8Array {
  const lenBytes = version === 1 ? 2 : 4;
  let header = dict;
  const unpadded = 8 + lenBytes + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const h = Buffer.from(header, 'latin1');
  const d = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(8 + lenBytes + h.length + d.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (lenBytes === 2) out.set([h.length & 0xff, h.length >> 8], 8);
  else new DataView(out.buffer).setUint32(8, h.length, true);
  out.set(h, 8 + lenBytes);
  out.set(d, 8 + lenBytes + h.length);
  return out;
}

function expectFileError(fn: () => unknown, file: string, re: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, `expected an error matching ${re}`).toBeInstanceOf(DataFileError);
  const e = err as DataFileError;
  expect(e.path).toBe(file);
  expect(e.message).toContain(file);
  expect(e.message).toMatch(re);
}

describe('writeNpy / readNpy', () => {
  it('writes exactly what numpy.save writes (v1.0 header padded to 64 bytes)', () => {
    const bytes = encodeNpy({ data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] });
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    expect(bytes.length).toBe(128 + 24);
    expect(Buffer.from(bytes.subarray(0, 10)).toString('latin1')).toBe('\x93NUMPY\x01\x00v\x00');
    expect(Buffer.from(bytes.subarray(10, 128)).toString('latin1')).toBe(header + ' '.repeat(128 - 10 - header.length - 1) + '\n');
    expect(Array.from(new Float32Array(bytes.slice(128).buffer))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('round-trips every supported dtype and shape', () => {
    const cases: [string, Parameters<typeof writeNpy>[1], string, number[]][] = [
      ['f4', { data: Float32Array.from([1.5, -2, 3.25]), shape: [3] }, 'float32', [3]],
      ['f8', { data: Float64Array.from([0.1, 0.2, 0.3, 0.4]), shape: [2, 1, 2] }, 'float64', [2, 1, 2]],
      ['i1', { data: Int8Array.from([-128, 127]) }, 'int8', [2]],
      ['i2', { data: Int16Array.from([-3, 4]) }, 'int16', [2]],
      ['i4', { data: Int32Array.from([1, 2, -3, 4]), shape: [2, 2] }, 'int32', [2, 2]],
      ['i8', { data: BigInt64Array.from([1n, -2n]) }, 'int64', [2]],
      ['u1', { data: Uint8Array.from([0, 255]) }, 'uint8', [2]],
      ['u2', { data: Uint16Array.from([65535]) }, 'uint16', [1]],
      ['u4', { data: Uint32Array.from([4294967295]) }, 'uint32', [1]],
      ['u8', { data: BigUint64Array.from([7n]) }, 'uint64', [1]],
      ['b1', { data: Uint8Array.from([1, 0, 1]), dtype: 'bool' }, 'bool', [3]],
      ['scalar', { data: Float64Array.from([2.5]), shape: [] }, 'float64', []],
      ['empty', { data: new Float32Array(0), shape: [0, 4] }, 'float32', [0, 4]],
    ];
    for (const [name, value, dtype, shape] of cases) {
      writeNpy(p(`${name}.npy`), value);
      const back = readNpy(p(`${name}.npy`));
      expect(back.dtype, name).toBe(dtype);
      expect(back.shape, name).toEqual(shape);
      expect(Array.from(back.data as ArrayLike<number>), name).toEqual(Array.from((value as { data: ArrayLike<number> }).data));
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]); // atomic writes left nothing behind
  });

  it('writes and reads Tensors (float32, int64, bool)', () => {
    writeNpy(p('t32.npy'), tensor([[1, 2], [3, 4]], { dtype: 'float32' }));
    writeNpy(p('t64.npy'), tensor([5, -6], { dtype: 'int64' }));
    writeNpy(p('tb.npy'), tensor([true, false]));
    const a = npyToTensor(readNpy(p('t32.npy')));
    expect([a.dtype, a.shape, a.toArray()]).toEqual(['float32', [2, 2], [[1, 2], [3, 4]]]);
    const b = readNpy(p('t64.npy'));
    expect(b.dtype).toBe('int64');
    const bt = npyToTensor(b);
    expect([bt.dtype, bt.toArray()]).toEqual(['int64', [5, -6]]);
    const c = npyToTensor(readNpy(p('tb.npy')));
    expect([c.dtype, c.toArray()]).toEqual(['bool', [true, false]]);
    expect(() => npyToTensor({ data: BigInt64Array.from([2n ** 60n]), shape: [1], dtype: 'int64' }, 'x.npy')).toThrow(/does not fit an int64 tensor exactly/);
  });

  it('reads format versions 2.0 and 3.0 and older 16-byte aligned headers', () => {
    const data = Float64Array.from([1, 2]);
    for (const v of [2, 3]) {
      writeFileSync(p(`v${v}.npy`), rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data, v));
      expect(Array.from(readNpy(p(`v${v}.npy`)).data as Float64Array)).toEqual([1, 2]);
    }
    const h = Buffer.from("{'descr':'<i4','fortran_order':False,'shape':(1L,2L)}    \n", 'latin1');
    const bytes = Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length, 0]), h, Buffer.from(Int32Array.from([7, 8]).buffer)]);
    const arr = parseNpy(bytes, 'old.npy');
    expect(arr.shape).toEqual([1, 2]);
    expect(Array.from(arr.data as Int32Array)).toEqual([7, 8]);
  });

  it('rejects bad files with the file name and the problem', () => {
    const f4 = Float32Array.from([1, 2, 3, 4]);
    const dict = (descr: string, shape = '(2, 2)', fortran = 'False') => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
    const cases: [string, Uint8Array, RegExp][] = [
      ['magic', Buffer.from('PK\x03\x04 not numpy at all'), /not a \.npy file \(bad magic/],
      ['short', Buffer.from([0x93, 0x4e]), /bad magic/],
      ['version', (() => { const b = rawNpy(dict('<f4'), f4); b[6] = 4; return b; })(), /unsupported \.npy format version 4\.0/],
      ['trunc-header', rawNpy(dict('<f4'), f4).subarray(0, 40), /truncated header/],
      ['not-dict', rawNpy("['descr', '<f4']", f4), /malformed header \(expected a Python dict literal/],
      ['no-descr', rawNpy("{'fortran_order': False, 'shape': (4,), }", f4), /malformed header: no 'descr'/],
      ['no-shape', rawNpy("{'descr': '<f4', 'fortran_order': False, }", f4), /malformed header: no 'shape' tuple/],
      ['no-fortran', rawNpy("{'descr': '<f4', 'shape': (4,), }", f4), /malformed header: no 'fortran_order'/],
      ['bad-shape', rawNpy(dict('<f4', '(2, -2)'), f4), /shape entry '-2' is not a non-negative integer/],
      ['f2', rawNpy(dict('<f2'), f4), /unsupported dtype '<f2'/],
      ['complex', rawNpy(dict('<c8'), f4), /unsupported dtype '<c8'/],
      ['object', rawNpy(dict('|O'), f4), /unsupported dtype '\|O'/],
      ['big-endian', rawNpy(dict('>f4'), f4), /unsupported dtype '>f4': big-endian data; save it little-endian, e\.g\. arr\.astype\('<f4'\)/],
      ['structured', rawNpy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4,), }", f4), /structured arrays/],
      ['fortran', rawNpy(dict('<f4', '(2, 2)', 'True'), f4), /Fortran-order \(column-major\) data is not supported/],
      ['truncated', rawNpy(dict('<f4', '(2, 3)'), f4), /truncated data: shape \(2, 3\) of <f4 needs 24 bytes, file has 16/],
      ['trailing', rawNpy(dict('<f4', '(3,)'), f4), /4 unexpected bytes after the data of shape \(3\)/],
      ['bool', rawNpy(dict('|b1', '(2,)'), Uint8Array.from([1, 7])), /bool element 1 has byte value 7/],
    ];
    for (const [name, bytes, re] of cases) {
      writeFileSync(p(`bad-${name}.npy`), bytes);
      expectFileError(() => readNpy(p(`bad-${name}.npy`)), p(`bad-${name}.npy`), re);
    }
    // a Fortran-order 1-D array has the same layout as C order: accepted
    writeFileSync(p('f1d.npy'), rawNpy(dict('<f4', '(4,)', 'True'), f4));
    expect(Array.from(readNpy(p('f1d.npy')).data as Float32Array)).toEqual([1, 2, 3, 4]);
    expectFileError(() => readNpy(p('missing.npy')), p('missing.npy'), /cannot read file/);
    expect(() => writeNpy(p('x.npy'), { data: Float32Array.from([1, 2]), shape: [3] })).toThrow(/shape \(3\) holds 3 elements, data has 2/);
    expect(() => writeNpy(p('x.npy'), { data: [1, 2] as never })).toThrow(TypeError);
  });
});

describe('loadNpySignals', () => {
  const N = 4;
  const L = 6;
  const sig = Float64Array.from({ length: N * L }, (_, i) => i / 10);

  it('(N, L) float64 signals + 1-based int64 labels -> (N, 1, L) float32 and 0-based int64', () => {
    writeNpy(p('x.npy'), { data: sig, shape: [N, L] });
    writeNpy(p('y.npy'), { data: BigInt64Array.from([1n, 2n, 2n, 1n]) });
    const { signals, labels } = loadNpySignals(p('x.npy'), p('y.npy'), { labelBase: 1 });
    expect(signals.shape).toEqual([N, 1, L]);
    expect(signals.dtype).toBe('float32');
    expect(signals.data[7]).toBeCloseTo(0.7, 6);
    expect(labels.dtype).toBe('int64');
    expect(labels.toArray()).toEqual([0, 1, 1, 0]);
  });

  it('(N, 1, L) float32 + uint8 or int32 labels (N,) or (N, 1); npyDataset feeds a DataLoader', () => {
    writeNpy(p('x3.npy'), { data: Float32Array.from(sig), shape: [N, 1, L] });
    writeNpy(p('yu8.npy'), { data: Uint8Array.from([0, 1, 1, 0]) });
    writeNpy(p('yi32.npy'), { data: Int32Array.from([2, 0, 1, 2]), shape: [N, 1] });
    expect(loadNpySignals(p('x3.npy'), p('yu8.npy')).labels.toArray()).toEqual([0, 1, 1, 0]);
    expect(loadNpySignals(p('x3.npy'), p('yi32.npy'), { numClasses: 3, length: L }).labels.toArray()).toEqual([2, 0, 1, 2]);
    const ds = npyDataset(p('x3.npy'), p('yu8.npy'));
    const [[x, y]] = [...new DataLoader<Tensor[]>(ds, { batchSize: 4 })];
    expect(x.shape).toEqual([4, 1, L]);
    expect(y.toArray()).toEqual([0, 1, 1, 0]);
  });

  it('errors name the file and the problem', () => {
    writeNpy(p('x.npy'), { data: sig, shape: [N, L] });
    writeNpy(p('xint.npy'), { data: Int32Array.from({ length: N * L }), shape: [N, L] });
    writeNpy(p('x1d.npy'), { data: sig });
    writeNpy(p('x2ch.npy'), { data: sig, shape: [2, 2, L] });
    writeNpy(p('xnan.npy'), { data: Float32Array.from(sig).fill(Number.NaN, 8, 9), shape: [N, L] });
    writeNpy(p('yf.npy'), { data: Float32Array.from([0, 1, 1, 0]) });
    writeNpy(p('y2d.npy'), { data: Int32Array.from([0, 1, 1, 0, 0, 1, 1, 0]), shape: [N, 2] });
    writeNpy(p('y3.npy'), { data: Int32Array.from([0, 1, 1]) });
    writeNpy(p('ybad.npy'), { data: Int32Array.from([0, 1, 2, 0]) });
    writeNpy(p('y01.npy'), { data: Int32Array.from([1, 0, 1, 2]) });
    writeNpy(p('y.npy'), { data: Int32Array.from([0, 1, 1, 0]) });
    expectFileError(() => loadNpySignals(p('xint.npy'), p('y.npy')), p('xint.npy'), /signals must be float32 or float64, got int32/);
    expectFileError(() => loadNpySignals(p('x1d.npy'), p('y.npy')), p('x1d.npy'), /signals must have shape \(N, L\) or \(N, 1, L\), got \(24\)/);
    expectFileError(() => loadNpySignals(p('x2ch.npy'), p('y.npy')), p('x2ch.npy'), /got \(2, 2, 6\)/);
    expectFileError(() => loadNpySignals(p('x.npy'), p('y.npy'), { length: 1200 }), p('x.npy'), /expected series of length 1200, got shape \(4, 6\)/);
    expectFileError(() => loadNpySignals(p('xnan.npy'), p('y.npy')), p('xnan.npy'), /sample 1 element 2 is NaN/);
    expectFileError(() => loadNpySignals(p('x.npy'), p('yf.npy')), p('yf.npy'), /labels must have an integer dtype \(int32, int64 or uint8\), got float32/);
    expectFileError(() => loadNpySignals(p('x.npy'), p('y2d.npy')), p('y2d.npy'), /labels must have shape \(N,\) or \(N, 1\), got \(4, 2\)/);
    expectFileError(() => loadNpySignals(p('x.npy'), p('y3.npy')), p('y3.npy'), /has 3 labels but .*x\.npy has 4 signals/);
    expectFileError(() => loadNpySignals(p('x.npy'), p('ybad.npy')), p('ybad.npy'), /label 2 at index 2 out of range: expected 0\.\.1 \(labelBase 0, numClasses 2\)/);
    expectFileError(() => loadNpySignals(p('x.npy'), p('y01.npy'), { labelBase: 1 }), p('y01.npy'), /label 0 at index 1 out of range: expected 1\.\.2/);
    expectFileError(() => loadNpySignals(p('x.npy'), p('nope.npy')), p('nope.npy'), /cannot read file/);
    expect(() => loadNpySignals(p('x.npy'), p('y.npy'), { labelBase: 2 as never })).toThrow(/labelBase must be 0 or 1/);
    expect(readFileSync(p('y.npy')).length).toBeGreaterThan(0);
  });
});
