/**
 * Raw little-endian tensor bytes <-> nodetorch Tensors, shared by the safetensors and .pth readers and
 * writers.
 *
 * nodetorch has three dtypes, so other on-disk dtypes are converted on read:
 * - F32 -> float32 (bit-exact); F64 -> float32 (rounded to nearest, like `tensor.float()`);
 *   F16, BF16 -> float32 (exact: every half/bfloat16 value is a float32 value).
 * - I64, U64, I32, U32, I16, U16, I8, U8 -> int64 (a Float64Array of integers). Values outside
 *   +-(2^53 - 1) cannot be held exactly and throw a RangeError naming the value.
 * - BOOL -> bool (any non-zero byte reads as 1).
 * On write: float32 -> F32, int64 -> I64, bool -> BOOL.
 */
import { endianness } from 'node:os';
import { Tensor, shapeSize, type Shape } from '../tensor.js';

/** The element types the readers understand (safetensors spelling). */
export type RawDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

/** Bytes per element. */
export const RAW_ITEM_SIZE: Readonly<Record<RawDType, number>> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};

export function isRawDType(s: unknown): s is RawDType {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(RAW_ITEM_SIZE, s);
}

/** True when this machine stores numbers little-endian (every platform Node ships on today). */
export const HOST_LITTLE_ENDIAN = endianness() === 'LE';

const TWO32 = 4294967296;

/** Reverse the byte order of each `size`-byte item in place. */
export function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

let halfTable: Float32Array | null = null;

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return sign * f * 2 ** -24;
  if (e === 31) return f !== 0 ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + f / 1024) * 2 ** (e - 15);
}

function getHalfTable(): Float32Array {
  if (halfTable === null) {
    halfTable = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) halfTable[i] = halfToFloat(i);
  }
  return halfTable;
}

function int64Error(what: string, index: number, hi: number, lo: number, unsigned: boolean): RangeError {
  const big = (unsigned ? BigInt(hi >>> 0) : BigInt(hi | 0)) * 4294967296n + BigInt(lo >>> 0);
  return new RangeError(
    `${what}: element ${index} is ${big}, outside the range nodetorch's int64 holds exactly ` +
      '(+-(2^53 - 1), stored as float64)',
  );
}

/**
 * Decode `count` little-endian (or big-endian) elements of `dtype` into nodetorch storage.
 * `bytes` must hold exactly count * itemsize bytes. The result never aliases `bytes`.
 */
export function decodeElements(
  bytes: Uint8Array, dtype: RawDType, count: number, what: string, littleEndian = true,
): Float32Array | Float64Array | Uint8Array {
  const size = RAW_ITEM_SIZE[dtype];
  if (bytes.length !== count * size) {
    throw new RangeError(`${what}: expected ${count * size} bytes for ${count} ${dtype} elements, got ${bytes.length}`);
  }
  // One aligned copy; byte-swap it when the file's order differs from the host's.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(copy, size);
  const buf = copy.buffer;
  switch (dtype) {
    case 'F32': return new Float32Array(buf, 0, count);
    case 'F64': return Float32Array.from(new Float64Array(buf, 0, count));
    case 'F16': {
      const table = getHalfTable();
      const src = new Uint16Array(buf, 0, count);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = table[src[i]];
      return out;
    }
    case 'BF16': {
      const src = new Uint16Array(buf, 0, count);
      const bits = new Uint32Array(count);
      for (let i = 0; i < count; i++) bits[i] = src[i] << 16;
      return new Float32Array(bits.buffer);
    }
    case 'I64':
    case 'U64': {
      const words = new Uint32Array(buf, 0, count * 2);
      const lowFirst = HOST_LITTLE_ENDIAN;
      const out = new Float64Array(count);
      const unsigned = dtype === 'U64';
      for (let i = 0; i < count; i++) {
        const lo = words[lowFirst ? 2 * i : 2 * i + 1];
        const hiU = words[lowFirst ? 2 * i + 1 : 2 * i];
        const hi = unsigned ? hiU : hiU | 0;
        // |value| <= 2^53 - 1 exactly when hi is in [-2^21, 2^21) and value is not -2^53.
        if (hi >= 2097152 || hi < -2097152) throw int64Error(what, i, hiU, lo, unsigned);
        const v = hi * TWO32 + lo;
        if (v === -9007199254740992) throw int64Error(what, i, hiU, lo, unsigned);
        out[i] = v;
      }
      return out;
    }
    case 'I32': return Float64Array.from(new Int32Array(buf, 0, count));
    case 'U32': return Float64Array.from(new Uint32Array(buf, 0, count));
    case 'I16': return Float64Array.from(new Int16Array(buf, 0, count));
    case 'U16': return Float64Array.from(new Uint16Array(buf, 0, count));
    case 'I8': return Float64Array.from(new Int8Array(buf, 0, count));
    case 'U8': return Float64Array.from(copy);
    case 'BOOL': {
      for (let i = 0; i < count; i++) if (copy[i] > 1) copy[i] = 1;
      return copy;
    }
    default: throw new TypeError(`${what}: unsupported dtype ${String(dtype)}`);
  }
}

/** Decode a whole tensor of `shape` from raw bytes. */
export function decodeTensor(bytes: Uint8Array, dtype: RawDType, shape: Shape, what: string, littleEndian = true): Tensor {
  const data = decodeElements(bytes, dtype, shapeSize(shape), what, littleEndian);
  return new Tensor(data, shape);
}

/** The on-disk dtype a nodetorch dtype is written as. */
export function rawDTypeOf(t: Tensor): 'F32' | 'I64' | 'BOOL' {
  switch (t.dtype) {
    case 'float32': return 'F32';
    case 'int64': return 'I64';
    case 'bool': return 'BOOL';
    default: throw new TypeError(`cannot serialize a tensor of dtype ${String(t.dtype)}`);
  }
}

/**
 * The little-endian bytes of a tensor's elements. float32 storage is returned as a view (no copy) on
 * little-endian hosts; int64 is converted to two's-complement 64-bit integers (every element must be a
 * safe integer, else RangeError); bool is normalised to 0/1.
 */
export function encodeTensor(t: Tensor, what: string): Uint8Array {
  const d = t.data;
  const n = d.length;
  switch (t.dtype) {
    case 'float32': {
      const view = new Uint8Array(d.buffer, d.byteOffset, n * 4);
      if (HOST_LITTLE_ENDIAN) return view;
      const copy = view.slice();
      swapBytes(copy, 4);
      return copy;
    }
    case 'int64': {
      const out = new Uint8Array(n * 8);
      const dv = new DataView(out.buffer);
      for (let i = 0; i < n; i++) {
        const v = d[i];
        if (!Number.isSafeInteger(v)) {
          throw new RangeError(`${what}: int64 element ${i} is ${v}, expected an integer within +-(2^53 - 1)`);
        }
        const hi = Math.floor(v / TWO32);
        const lo = v - hi * TWO32;
        dv.setUint32(8 * i, lo, true);
        dv.setInt32(8 * i + 4, hi, true);
      }
      return out;
    }
    case 'bool': {
      const view = new Uint8Array(d.buffer, d.byteOffset, n);
      for (let i = 0; i < n; i++) {
        if (view[i] > 1) {
          const copy = view.slice();
          for (let j = i; j < n; j++) if (copy[j] > 1) copy[j] = 1;
          return copy;
        }
      }
      return view;
    }
    default: throw new TypeError(`${what}: cannot serialize a tensor of dtype ${String(t.dtype)}`);
  }
}
