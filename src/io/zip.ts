/**
 * A minimal ZIP reader and writer for PyTorch's archive format (torch.save since 1.6).
 *
 * Reader: locates the end-of-central-directory record, validates every central-directory entry (sizes,
 * offsets, names, the local header that matches it) before anything is extracted, and checks each
 * entry's CRC-32 when it is read. Entries may be stored (method 0, what torch.save writes) or deflated
 * (method 8, e.g. re-zipped by another tool; inflated with node:zlib, bounded by the declared size).
 * The ZIP64 end records that PyTorch always appends are tolerated; archives that actually need ZIP64
 * (entries or offsets past 4 GiB, more than 65535 entries) are rejected, as are encrypted entries and
 * multi-disk archives.
 *
 * Writer: stored entries whose data is aligned to 64 bytes (padding in an extra field with id "FB", as
 * PyTorch's writer does), CRC-32 and sizes in the local headers, one central directory.
 */
import * as zlib from 'node:zlib';

/** One central-directory entry. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's data (after its local header). */
  dataOffset: number;
}

let crcTable: Int32Array | null = null;

function crc32Table(): Int32Array {
  if (crcTable === null) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  return crcTable;
}

type Crc32Fn = (data: Uint8Array, value?: number) => number;
const nativeCrc32: Crc32Fn | undefined = (zlib as unknown as { crc32?: Crc32Fn }).crc32;

/** CRC-32 (ISO-HDLC, as ZIP uses) of `data`, continuing from `prev`. Uses node:zlib's when present. */
export function crc32(data: Uint8Array, prev = 0): number {
  if (nativeCrc32) return nativeCrc32(data, prev) >>> 0;
  const t = crc32Table();
  let c = ~prev;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;

const utf8 = new TextDecoder('utf-8');

/** Read-only view of a ZIP archive held in memory. */
export class ZipReader {
  private readonly bytes: Uint8Array;
  private readonly dv: DataView;
  private readonly byName = new Map<string, ZipEntry>();
  private readonly what: string;

  /** Parse and validate the archive's directory. `what` prefixes error messages. */
  constructor(bytes: Uint8Array, what = 'zip') {
    this.bytes = bytes;
    this.what = what;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.parse();
  }

  private fail(msg: string): never {
    throw new RangeError(`${this.what}: corrupt zip archive: ${msg}`);
  }

  private u16(o: number): number {
    return this.dv.getUint16(o, true);
  }

  private u32(o: number): number {
    return this.dv.getUint32(o, true);
  }

  private findEocd(): number {
    const len = this.bytes.length;
    if (len < 22) this.fail(`file is ${len} bytes, too short for a zip archive (truncated?)`);
    const stop = Math.max(0, len - 22 - 65535);
    for (let p = len - 22; p >= stop; p--) {
      if (this.u32(p) === SIG_EOCD && p + 22 + this.u16(p + 20) === len) return p;
    }
    return this.fail('end of central directory record not found (truncated or not a zip file)');
  }

  private parse(): void {
    const eocd = this.findEocd();
    const disk = this.u16(eocd + 4);
    const cdDisk = this.u16(eocd + 6);
    const onDisk = this.u16(eocd + 8);
    const total = this.u16(eocd + 10);
    const cdSize = this.u32(eocd + 12);
    const cdOffset = this.u32(eocd + 16);
    if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      throw new RangeError(`${this.what}: ZIP64 archives (over 4 GiB or 65535 entries) are not supported`);
    }
    if (disk !== 0 || cdDisk !== 0 || onDisk !== total) this.fail('multi-disk archives are not supported');
    // PyTorch appends ZIP64 end records (56 + 20 bytes) even to small archives; they sit between the
    // central directory and the EOCD.
    let cdLimit = eocd;
    if (eocd >= 20 && this.u32(eocd - 20) === SIG_ZIP64_LOCATOR) cdLimit = eocd - 20;
    if (cdOffset + cdSize > cdLimit) this.fail(`central directory (offset ${cdOffset}, ${cdSize} bytes) runs past its end record at ${cdLimit}`);
    if (total * 46 > cdSize) this.fail(`${total} entries cannot fit in a ${cdSize}-byte central directory`);
    let p = cdOffset;
    const cdEnd = cdOffset + cdSize;
    for (let i = 0; i < total; i++) {
      if (p + 46 > cdEnd) this.fail(`central directory entry ${i} is truncated`);
      if (this.u32(p) !== SIG_CENTRAL) this.fail(`bad signature for central directory entry ${i} at offset ${p}`);
      const flags = this.u16(p + 8);
      const method = this.u16(p + 10);
      const crc = this.u32(p + 16);
      const csize = this.u32(p + 20);
      const size = this.u32(p + 24);
      const nameLen = this.u16(p + 28);
      const extraLen = this.u16(p + 30);
      const commentLen = this.u16(p + 32);
      const diskStart = this.u16(p + 34);
      const localOffset = this.u32(p + 42);
      const next = p + 46 + nameLen + extraLen + commentLen;
      if (next > cdEnd) this.fail(`central directory entry ${i} runs past the directory`);
      const nameBytes = this.bytes.subarray(p + 46, p + 46 + nameLen);
      const name = utf8.decode(nameBytes);
      if (csize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) {
        throw new RangeError(`${this.what}: entry '${name}' needs ZIP64 (over 4 GiB), which is not supported`);
      }
      if (flags & 0x41) throw new RangeError(`${this.what}: entry '${name}' is encrypted, which is not supported`);
      if (method !== 0 && method !== 8) throw new RangeError(`${this.what}: entry '${name}' uses compression method ${method}; only stored (0) and deflate (8) are supported`);
      if (method === 0 && csize !== size) this.fail(`stored entry '${name}' has compressed size ${csize} != size ${size}`);
      if (method === 8 && size > csize * 1032 + 1024) this.fail(`entry '${name}' claims ${size} bytes from ${csize} compressed bytes, beyond deflate's maximum ratio`);
      if (diskStart !== 0) this.fail(`entry '${name}' starts on disk ${diskStart}`);
      if (this.byName.has(name)) this.fail(`duplicate entry '${name}'`);
      // The local header must agree with the central directory.
      if (localOffset + 30 > cdOffset) this.fail(`entry '${name}' local header offset ${localOffset} is past the entries area`);
      if (this.u32(localOffset) !== SIG_LOCAL) this.fail(`entry '${name}' has no local header at offset ${localOffset}`);
      const lNameLen = this.u16(localOffset + 26);
      const lExtraLen = this.u16(localOffset + 28);
      const lMethod = this.u16(localOffset + 8);
      if (lMethod !== method) this.fail(`entry '${name}' local header method ${lMethod} != central directory method ${method}`);
      const dataOffset = localOffset + 30 + lNameLen + lExtraLen;
      if (lNameLen !== nameLen || dataOffset > cdOffset) this.fail(`entry '${name}' local header is inconsistent`);
      const localName = this.bytes.subarray(localOffset + 30, localOffset + 30 + lNameLen);
      for (let j = 0; j < nameLen; j++) if (localName[j] !== nameBytes[j]) this.fail(`entry '${name}' local header names a different file`);
      if (dataOffset + csize > cdOffset) this.fail(`entry '${name}' data (${csize} bytes at ${dataOffset}) runs into the central directory (truncated?)`);
      this.byName.set(name, { name, method, crc32: crc, compressedSize: csize, size, dataOffset });
      p = next;
    }
  }

  /** Entry names in central-directory order. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  entry(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  /** The entry's uncompressed bytes, CRC-checked. Stored entries are returned as views (no copy). */
  read(name: string): Uint8Array {
    const e = this.byName.get(name);
    if (!e) throw new RangeError(`${this.what}: missing entry '${name}'`);
    const raw = this.bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
    let out: Uint8Array;
    if (e.method === 0) {
      out = raw;
    } else {
      try {
        out = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        this.fail(`entry '${name}' does not inflate (${(err as Error).message})`);
      }
      if (out.length !== e.size) this.fail(`entry '${name}' inflates to ${out.length} bytes, expected ${e.size}`);
    }
    const c = crc32(out);
    if (c !== e.crc32) this.fail(`CRC-32 mismatch in entry '${name}' (stored ${hex(e.crc32)}, computed ${hex(c)})`);
    return out;
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/** One file to put in an archive: bytes or chunks (concatenated in order). */
export interface ZipInput {
  name: string;
  data: Uint8Array | readonly Uint8Array[];
}

/** DOS date 1980-01-01, time 00:00: fixed so equal inputs give equal archives. */
const DOS_DATE = 0x0021;

/**
 * Build a ZIP archive of stored entries, each entry's data aligned to `align` bytes. Returns the
 * archive as chunks in order (entry data is not copied).
 */
export function writeZip(files: readonly ZipInput[], align = 64, what = 'zip'): Uint8Array[] {
  if (files.length > 0xfffe) throw new RangeError(`${what}: ${files.length} entries need ZIP64, which is not supported`);
  const out: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  const enc = new TextEncoder();
  let offset = 0;
  const names = new Set<string>();
  for (const f of files) {
    if (names.has(f.name)) throw new RangeError(`${what}: duplicate entry '${f.name}'`);
    names.add(f.name);
    const chunks = f.data instanceof Uint8Array ? [f.data] : f.data;
    let size = 0;
    let crc = 0;
    for (const c of chunks) {
      size += c.length;
      crc = crc32(c, crc);
    }
    const name = enc.encode(f.name);
    const utf8Flag = name.some((b) => b >= 0x80) ? 0x0800 : 0;
    const start = offset + 30 + name.length;
    const pad = (align - ((start + 4) % align)) % align;
    const extraLen = 4 + pad;
    const local = new Uint8Array(30 + name.length + extraLen);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, SIG_LOCAL, true);
    lv.setUint16(4, 20, true); // version needed 2.0
    lv.setUint16(6, utf8Flag, true);
    lv.setUint16(8, 0, true); // stored
    lv.setUint16(10, 0, true);
    lv.setUint16(12, DOS_DATE, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, size, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, extraLen, true);
    local.set(name, 30);
    lv.setUint16(30 + name.length, 0x4246, true); // "FB"
    lv.setUint16(32 + name.length, pad, true);
    local.fill(0x5a, 34 + name.length); // 'Z'
    const cd = new Uint8Array(46 + name.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, SIG_CENTRAL, true);
    cv.setUint16(4, 20, true); // version made by
    cv.setUint16(6, 20, true); // version needed
    cv.setUint16(8, utf8Flag, true);
    cv.setUint16(10, 0, true);
    cv.setUint16(12, 0, true);
    cv.setUint16(14, DOS_DATE, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, size, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    cd.set(name, 46);
    central.push(cd);
    out.push(local, ...chunks);
    offset += local.length + size;
    if (offset > 0xffffffff) throw new RangeError(`${what}: archive exceeds 4 GiB, which needs ZIP64 (not supported); save large tensors as safetensors`);
  }
  const cdOffset = offset;
  let cdSize = 0;
  for (const c of central) cdSize += c.length;
  if (cdOffset + cdSize > 0xffffffff) throw new RangeError(`${what}: archive exceeds 4 GiB, which needs ZIP64 (not supported)`);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, SIG_EOCD, true);
  ev.setUint16(8, files.length, true);
  ev.setUint16(10, files.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, cdOffset, true);
  out.push(...central, eocd);
  return out;
}
