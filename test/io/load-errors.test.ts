/**
 * Every load error names the operation, the file and the entry (issue 11, "Files"): the tensor of a
 * safetensors file, the path inside a structure document, the zip record of a .pth file, or the system
 * error of reading it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import { load, loadCheckpoint, saveCheckpoint, save } from '../../src/io/serialize.js';
import { loadSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';
import { loadPth, savePth } from '../../src/io/pth.js';
import { crc32, ZipReader } from '../../src/io/zip.js';
import { concat, tempDir } from './util.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const f32 = (n: number): Tensor => new Tensor(Float32Array.from({ length: n }, (_, i) => i), [n]);

/** A safetensors file whose header was rewritten by `edit`. */
function withHeader(bytes: Uint8Array, edit: (h: Record<string, any>) => void): Uint8Array {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const h = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
  edit(h);
  const text = Buffer.from(JSON.stringify(h));
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(text.length), true);
  return concat([len, text, bytes.subarray(8 + n)]);
}

/** Each loader given, on `path`, throws a message starting with `<loader>('<path>'): ` and then `rest`. */
function expectNamed(path: string, loaders: [string, (p: string) => unknown][], rest: RegExp): void {
  for (const [name, f] of loaders) {
    let msg = '';
    try {
      f(path);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg, name).toMatch(new RegExp(`^${esc(`${name}('${path}'): `)}${rest.source}`));
  }
}

const LOAD: [string, (p: string) => unknown] = ['load', (p) => load(p)];
const CKPT: [string, (p: string) => unknown] = ['loadCheckpoint', (p) => loadCheckpoint(p, { generator: null })];
const SAFE: [string, (p: string) => unknown] = ['loadSafetensors', (p) => loadSafetensors(p)];
const PTH: [string, (p: string) => unknown] = ['loadPth', (p) => loadPth(p)];

describe('load errors name the file and the entry', () => {
  it('safetensors: the tensor', () => {
    const path = join(tmp.dir, 'bad-shape.safetensors');
    const good = concat(serializeSafetensors({ 'fc.weight': f32(6), 'fc.bias': f32(2) }));
    writeFileSync(path, withHeader(good, (h) => { h['fc.weight'].shape = [7]; }));
    expectNamed(path, [LOAD, CKPT, SAFE], /invalid safetensors file: tensor 'fc\.weight' of dtype F32 and shape \[7\] needs 28 bytes/);
    writeFileSync(path, withHeader(good, (h) => { h['fc.bias'].dtype = 'Q8'; }));
    expectNamed(path, [LOAD, CKPT, SAFE], /invalid safetensors file: tensor 'fc\.bias' has dtype "Q8"/);
  });

  it('structure documents: the path inside the document (a 5,000-deep $tensor too)', () => {
    const path = join(tmp.dir, 'ckpt.safetensors');
    saveCheckpoint(path, { model: { w: f32(2) }, optimizer: { state: { 0: { momentum_buffer: f32(2) } }, param_groups: [{ lr: 0.1, params: [0] }] }, generator: null });
    const bytes = new Uint8Array(readFileSync(path));
    /** Rewrite the structure document as text (JSON.stringify would overflow on a 5,000-deep one). */
    const rewrite = (edit: (docText: string) => string): void => {
      writeFileSync(path, withHeader(bytes, (h) => { h.__metadata__.nodetorch = edit(h.__metadata__.nodetorch); }));
    };
    const ref = '{"$tensor":"optimizer.state.0.momentum_buffer"}';
    rewrite((d) => { expect(d).toContain(ref); return d.replace(ref, '{"$tensor":"gone"}'); });
    expectNamed(path, [LOAD, CKPT], /corrupt nodetorch structure in safetensors metadata at optimizer\.state\.0\.momentum_buffer: reference to missing tensor "gone"$/);
    rewrite((d) => { expect(d).toContain('"lr":0.1'); return d.replace('"lr":0.1', `"lr":${'{"$tensor":'.repeat(5000)}"model.w"${'}'.repeat(5000)}`); });
    expectNamed(path, [LOAD, CKPT], /corrupt nodetorch structure in safetensors metadata at optimizer\.param_groups\.0\.lr: reference to missing tensor \{"\$tensor":/);
  });

  it('.pth: the zip record', () => {
    const path = join(tmp.dir, 'ckpt.pth');
    savePth({ model: { 'fc.weight': f32(16) } }, path);
    const bytes = new Uint8Array(readFileSync(path));
    const zip = new ZipReader(bytes, 'test');
    const storage = zip.names().find((n) => n.endsWith('/data/0'))!;
    const corrupt = bytes.slice();
    corrupt[zip.entry(storage)!.dataOffset + 5] ^= 0x40;
    writeFileSync(path, corrupt);
    expectNamed(path, [LOAD, CKPT, PTH], new RegExp(`corrupt zip archive: CRC-32 mismatch in entry '${esc(storage)}'`));
    const pkl = zip.names().find((n) => n.endsWith('/data.pkl'))!;
    const noStop = bytes.slice();
    const e = zip.entry(pkl)!;
    noStop[e.dataOffset + e.size - 1] = 0x4e; // STOP -> NONE (the CRC is checked first: fix it up)
    writeFileSync(path, patchCrc(noStop, e.name));
    expectNamed(path, [LOAD, CKPT, PTH], new RegExp(`record ${esc(pkl)}: truncated pickle: no STOP opcode \\(byte \\d+\\)$`));
  });

  it('reading the file: the system error, with the file', () => {
    const missing = join(tmp.dir, 'missing.safetensors');
    expectNamed(missing, [LOAD, CKPT, SAFE, PTH], /ENOENT: no such file or directory/);
    const dir = join(tmp.dir, 'a-directory.pth');
    mkdirSync(dir);
    expectNamed(dir, [LOAD, CKPT, SAFE, PTH], /EISDIR: illegal operation on a directory/);
    expect(() => load(7 as never)).toThrow(/^load\('7'\): expected a file path, got 7$/);
    let code: unknown;
    try {
      load(missing);
    } catch (err) {
      code = (err as NodeJS.ErrnoException).code;
    }
    expect(code).toBe('ENOENT');
  });

  it('loadCheckpoint: what is missing, with the file', () => {
    const path = join(tmp.dir, 'not-a-checkpoint.safetensors');
    save({ notModel: { a: 1 } }, path);
    expectNamed(path, [CKPT], /no model state in checkpoint \(looked for 'model', 'model_state_dict', 'state_dict'\); keys: notModel$/);
  });
});

/** Recompute the CRC-32 of record `name` in both its local and central headers. */
function patchCrc(bytes: Uint8Array, name: string): Uint8Array {
  const out = bytes.slice();
  const zip = new ZipReader(bytes, 'test');
  const e = zip.entry(name)!;
  const data = out.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
  const crc = crc32(data);
  const dv = new DataView(out.buffer);
  const nameBytes = Buffer.from(name);
  for (let p = 0; p + 4 <= out.length; p++) {
    const sig = dv.getUint32(p, true);
    const local = sig === 0x04034b50 && Buffer.compare(out.subarray(p + 30, p + 30 + nameBytes.length), nameBytes) === 0;
    const central = sig === 0x02014b50 && Buffer.compare(out.subarray(p + 46, p + 46 + nameBytes.length), nameBytes) === 0;
    if (local) dv.setUint32(p + 14, crc, true);
    if (central) dv.setUint32(p + 16, crc, true);
  }
  return out;
}
