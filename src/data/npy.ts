/**
 * NumPy `.npy` files: readNpy / parseNpy / writeNpy / npyToTensor, and loadNpySignals, the loader for a
 * signal data set kept as two arrays (signals (N, L) or (N, 1, L); labels (N,)).
 *
 * Format (numpy.lib.format): the magic `\x93NUMPY`, a version byte pair (1.0: 2-byte header length;
 * 2.0 and 3.0: 4-byte), a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`
 * padded with spaces and a newline, then the raw elements. Supported element types: little-endian
 * (`<`, or `|` for one byte) `f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1`, C order.
 */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { writeFileAtomic } from '../io/atomic-write.js';
import { Tensor } from '../tensor.js';
import { DataFileError } from './errors.js';
import { TensorDataset } from './dataset.js';

/** Element types readNpy understands (numpy names). */
export type NpyDType =
  | 'float32' | 'float64'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool';

/** The typed array holding an .npy's elements (bool as Uint8Array of 0/1). */
export type NpyData =
  | Float32Array | Float64Array
  | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

/** A decoded .npy array: elements row-major (C order). */
export interface NpyArray {
  data: NpyData;
  shape: number[];
  dtype: NpyDType;
}

interface DTypeInfo {
  dtype: NpyDType;
  size: number;
  make: (buf: ArrayBuffer, length: number) => NpyData;
}

const DTYPES: Record<string, DTypeInfo> = {
  f4: { dtype: 'float32', size: 4, make: (b, n) => new Float32Array(b, 0, n) },
  f8: { dtype: 'float64', size: 8, make: (b, n) => new Float64Array(b, 0, n) },
  i1: { dtype: 'int8', size: 1, make: (b, n) => new Int8Array(b, 0, n) },
  i2: { dtype: 'int16', size: 2, make: (b, n) => new Int16Array(b, 0, n) },
  i4: { dtype: 'int32', size: 4, make: (b, n) => new Int32Array(b, 0, n) },
  i8: { dtype: 'int64', size: 8, make: (b, n) => new BigInt64Array(b, 0, n) },
  u1: { dtype: 'uint8', size: 1, make: (b, n) => new Uint8Array(b, 0, n) },
  u2: { dtype: 'uint16', size: 2, make: (b, n) => new Uint16Array(b, 0, n) },
  u4: { dtype: 'uint32', size: 4, make: (b, n) => new Uint32Array(b, 0, n) },
  u8: { dtype: 'uint64', size: 8, make: (b, n) => new BigUint64Array(b, 0, n) },
  b1: { dtype: 'bool', size: 1, make: (b, n) => new Uint8Array(b, 0, n) },
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function checkHostEndianness(op: string): void {
  if (endianness() !== 'LE') throw new Error(`${op}: .npy support needs a little-endian host`);
}

/**
 * Read a `.npy` file. Errors (DataFileError) name the file and the problem: bad magic, unsupported
 * version, malformed header, unsupported dtype (big-endian, structured, object, float16...),
 * Fortran order, truncated data, trailing bytes.
 * @example const { data, shape, dtype } = readNpy('signals.npy');
 */
export function readNpy(path: string): NpyArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new DataFileError('readNpy', path, `cannot read file (${(e as Error).message})`);
  }
  return parseNpy(bytes, path);
}

/** Decode `.npy` bytes already in memory; `name` is used in error messages. */
export function parseNpy(bytes: Uint8Array, name = '<buffer>'): NpyArray {
  const op = 'readNpy';
  checkHostEndianness(op);
  const fail = (problem: string): never => {
    throw new DataFileError(op, name, problem);
  };
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    fail('not a .npy file (bad magic: expected the bytes \\x93NUMPY at the start)');
  }
  const major = bytes[6];
  const minor = bytes[7];
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = bytes[8] | (bytes[9] << 8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('truncated header');
    headerLen = (bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (bytes[11] << 24)) >>> 0;
    headerStart = 12;
  } else {
    return fail(`unsupported .npy format version ${major}.${minor} (expected 1.0, 2.0 or 3.0)`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) fail(`truncated header (declares ${headerLen} bytes, file has ${bytes.length - headerStart})`);
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + headerStart, headerLen).toString(major === 3 ? 'utf8' : 'latin1');
  const { descr, fortranOrder, shape } = parseHeader(header, fail);

  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  const key = m ? `${m[2]}${m[3]}` : '';
  const info = DTYPES[key];
  if (!m || !info) {
    fail(`unsupported dtype '${descr}' (supported: <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 |b1)`);
  }
  if (m![1] === '>' && info.size > 1) {
    fail(`unsupported dtype '${descr}': big-endian data; save it little-endian, e.g. arr.astype('<${key}')`);
  }
  if (m![1] === '=' && info.size > 1) {
    fail(`unsupported dtype '${descr}': native byte order is ambiguous; save it with an explicit '<'`);
  }
  if (fortranOrder && shape.filter((d) => d > 1).length > 1) {
    fail(`Fortran-order (column-major) data is not supported; save it C-contiguous, e.g. np.save(path, np.ascontiguousarray(arr))`);
  }
  const count = shape.reduce((a, d) => a * d, 1);
  const nbytes = count * info.size;
  const available = bytes.length - dataStart;
  if (available < nbytes) {
    fail(`truncated data: shape (${shape.join(', ')}) of ${descr} needs ${nbytes} bytes, file has ${available}`);
  }
  if (available > nbytes) fail(`${available - nbytes} unexpected bytes after the data of shape (${shape.join(', ')})`);
  // Copy into a fresh, aligned buffer (a Buffer from readFileSync may sit at any offset of a pool).
  const buf = new ArrayBuffer(nbytes);
  new Uint8Array(buf).set(bytes.subarray(dataStart, dataStart + nbytes));
  const data = info.make(buf, count);
  if (info.dtype === 'bool') {
    const u = data as Uint8Array;
    for (let i = 0; i < u.length; i++) {
      if (u[i] > 1) fail(`bool element ${i} has byte value ${u[i]} (expected 0 or 1)`);
    }
  }
  return { data, shape, dtype: info.dtype };
}

function parseHeader(header: string, fail: (p: string) => never): { descr: string; fortranOrder: boolean; shape: number[] } {
  const h = header.trim();
  if (!h.startsWith('{') || !h.endsWith('}')) fail(`malformed header (expected a Python dict literal, got ${JSON.stringify(h.slice(0, 80))})`);
  const descrM = /['"]descr['"]\s*:\s*(['"])([^'"]*)\1/.exec(h);
  if (!descrM) {
    if (/['"]descr['"]\s*:\s*\[/.test(h)) fail('unsupported dtype: structured arrays (a list descr) are not supported');
    fail(`malformed header: no 'descr' string in ${JSON.stringify(h)}`);
  }
  const fortM = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(h);
  if (!fortM) fail(`malformed header: no 'fortran_order' True/False in ${JSON.stringify(h)}`);
  const shapeM = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(h);
  if (!shapeM) fail(`malformed header: no 'shape' tuple in ${JSON.stringify(h)}`);
  const parts = shapeM![1].split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const shape = parts.map((s) => {
    const v = /^\d+L?$/.test(s) ? Number.parseInt(s, 10) : Number.NaN;
    if (!Number.isSafeInteger(v)) fail(`malformed header: shape entry '${s}' is not a non-negative integer`);
    return v;
  });
  return { descr: descrM![2], fortranOrder: fortM![1] === 'True', shape };
}

/** Anything writeNpy can write: a Tensor, or a typed array with a shape (default 1-D). */
export type NpyWritable = Tensor | { data: NpyData; shape?: readonly number[]; dtype?: NpyDType };

function descrFor(data: NpyData, dtype?: NpyDType): string {
  if (dtype === 'bool') return '|b1';
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Int8Array) return '|i1';
  if (data instanceof Int16Array) return '<i2';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof BigInt64Array) return '<i8';
  if (data instanceof Uint8Array) return '|u1';
  if (data instanceof Uint16Array) return '<u2';
  if (data instanceof Uint32Array) return '<u4';
  if (data instanceof BigUint64Array) return '<u8';
  throw new TypeError(`writeNpy: unsupported array type ${Object.prototype.toString.call(data)}`);
}

/**
 * Encode an array as `.npy` (version 1.0, C order, header padded to 64 bytes like numpy).
 * A Tensor is written as its dtype: float32 `<f4`, int64 `<i8`, bool `|b1`.
 */
export function encodeNpy(value: NpyWritable): Uint8Array {
  checkHostEndianness('writeNpy');
  let data: NpyData;
  let shape: readonly number[];
  let descr: string;
  if (value instanceof Tensor) {
    shape = value.shape;
    if (value.dtype === 'int64') {
      const src = value.data;
      const big = new BigInt64Array(src.length);
      for (let i = 0; i < src.length; i++) big[i] = BigInt(src[i]);
      data = big;
      descr = '<i8';
    } else if (value.dtype === 'bool') {
      data = value.data as Uint8Array;
      descr = '|b1';
    } else {
      data = value.data as Float32Array;
      descr = '<f4';
    }
  } else {
    if (!value || !ArrayBuffer.isView(value.data)) throw new TypeError('writeNpy: expected a Tensor or { data: TypedArray, shape }');
    data = value.data;
    shape = value.shape ?? [data.length];
    descr = descrFor(data, value.dtype);
    const n = shape.reduce((a, d) => a * d, 1);
    if (n !== data.length) {
      throw new RangeError(`writeNpy: shape (${shape.join(', ')}) holds ${n} elements, data has ${data.length}`);
    }
  }
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const headerBytes = Buffer.from(header, 'latin1');
  const out = new Uint8Array(10 + headerBytes.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = headerBytes.length & 0xff;
  out[9] = (headerBytes.length >> 8) & 0xff;
  out.set(headerBytes, 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + headerBytes.length);
  return out;
}

/** Write a `.npy` file atomically (see writeFileAtomic: temporary file, fsync, rename). See encodeNpy for the dtypes. */
export function writeNpy(path: string, value: NpyWritable): void {
  writeFileAtomic(path, encodeNpy(value));
}

/**
 * Convert a decoded .npy array to a Tensor: float32/float64 -> 'float32', integer types -> 'int64'
 * (values beyond +-2^53 are rejected), bool -> 'bool'. The data is copied.
 */
export function npyToTensor(arr: NpyArray, name = '<array>'): Tensor {
  const n = arr.data.length;
  if (arr.dtype === 'float32' || arr.dtype === 'float64') {
    return new Tensor(Float32Array.from(arr.data as Float32Array | Float64Array), arr.shape, 'float32');
  }
  if (arr.dtype === 'bool') return new Tensor(Uint8Array.from(arr.data as Uint8Array), arr.shape, 'bool');
  const out = new Float64Array(n);
  if (arr.data instanceof BigInt64Array || arr.data instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) {
      const v = arr.data[i];
      if (v > 9007199254740991n || v < -9007199254740991n) {
        throw new DataFileError('npyToTensor', name, `element ${i} = ${v} does not fit an int64 tensor exactly (|x| <= 2^53-1)`);
      }
      out[i] = Number(v);
    }
  } else {
    out.set(arr.data as ArrayLike<number>);
  }
  return new Tensor(out, arr.shape, 'int64');
}

/** Options of loadNpySignals and csv loaders for the labels. */
export interface LabelOptions {
  /** The label of the first class in the file: 0 (default) or 1 (stored labels are then label - 1). */
  labelBase?: 0 | 1;
  /** Number of classes; labels must lie in [0, numClasses) after subtracting labelBase. Default 2. */
  numClasses?: number;
}

export interface SignalFileOptions extends LabelOptions {
  /** Required series length; default: whatever the file holds (every sample must agree). */
  length?: number;
}

/** Signals (N, 1, L) float32 and labels (N,) int64, 0-based. */
export interface SignalArrays {
  signals: Tensor;
  labels: Tensor;
}

export function checkLabelOptions(op: string, opts: LabelOptions): { base: number; numClasses: number } {
  const base = opts.labelBase ?? 0;
  const numClasses = opts.numClasses ?? 2;
  if (base !== 0 && base !== 1) throw new RangeError(`${op}: labelBase must be 0 or 1, got ${String(base)}`);
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`${op}: numClasses must be a positive integer, got ${numClasses}`);
  return { base, numClasses };
}

/**
 * Load a signal data set stored as two `.npy` files: signals of shape (N, L) or (N, 1, L), dtype float32
 * or float64; labels of shape (N,) or (N, 1) of an integer dtype (int32/int64/uint8, also int8/int16/
 * uint16/uint32). Returns signals (N, 1, L) float32 and labels (N,) int64 with labelBase subtracted.
 * Every problem (bad file, wrong dtype/shape, N mismatch, a non-finite value, a label out of range) is a
 * DataFileError naming the file and the sample index.
 * @example const { signals, labels } = loadNpySignals('x.npy', 'y.npy', { labelBase: 1 });
 */
export function loadNpySignals(signalsPath: string, labelsPath: string, opts: SignalFileOptions = {}): SignalArrays {
  const op = 'loadNpySignals';
  const { base, numClasses } = checkLabelOptions(op, opts);
  const x = readNpy(signalsPath);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new DataFileError(op, signalsPath, `signals must be float32 or float64, got ${x.dtype}`);
  }
  let n: number;
  let len: number;
  if (x.shape.length === 2) {
    [n, len] = x.shape;
  } else if (x.shape.length === 3 && x.shape[1] === 1) {
    [n, , len] = x.shape;
  } else {
    throw new DataFileError(op, signalsPath, `signals must have shape (N, L) or (N, 1, L), got (${x.shape.join(', ')})`);
  }
  if (opts.length !== undefined && len !== opts.length) {
    throw new DataFileError(op, signalsPath, `expected series of length ${opts.length}, got shape (${x.shape.join(', ')})`);
  }
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i] as number;
    if (!Number.isFinite(v)) {
      throw new DataFileError(op, signalsPath, `sample ${Math.floor(i / len)} element ${i % len} is ${v} (expected finite values)`);
    }
  }
  const y = readNpy(labelsPath);
  if (y.dtype === 'float32' || y.dtype === 'float64' || y.dtype === 'bool') {
    throw new DataFileError(op, labelsPath, `labels must have an integer dtype (int32, int64 or uint8), got ${y.dtype}`);
  }
  if (!(y.shape.length === 1 || (y.shape.length === 2 && y.shape[1] === 1))) {
    throw new DataFileError(op, labelsPath, `labels must have shape (N,) or (N, 1), got (${y.shape.join(', ')})`);
  }
  if (y.shape[0] !== n) {
    throw new DataFileError(op, labelsPath, `has ${y.shape[0]} labels but ${signalsPath} has ${n} signals`);
  }
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const raw = Number(y.data[i]);
    const c = raw - base;
    if (!(c >= 0 && c < numClasses)) {
      throw new DataFileError(op, labelsPath,
        `label ${raw} at index ${i} out of range: expected ${base}..${base + numClasses - 1} (labelBase ${base}, numClasses ${numClasses})`);
    }
    labels[i] = c;
  }
  const signals = new Tensor(Float32Array.from(x.data as Float32Array | Float64Array), [n, 1, len], 'float32');
  return { signals, labels: new Tensor(labels, [n], 'int64') };
}

/**
 * loadNpySignals as a TensorDataset: samples `[x (1, L) float32, y () int64]`.
 * @example const ds = npyDataset('x.npy', 'y.npy', { labelBase: 1 });
 */
export function npyDataset(signalsPath: string, labelsPath: string, opts: SignalFileOptions = {}): TensorDataset {
  const { signals, labels } = loadNpySignals(signalsPath, labelsPath, opts);
  return new TensorDataset(signals, labels);
}
