/**
 * safetensors (https://github.com/huggingface/safetensors), the default format for weights.
 *
 * Layout: an 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON
 * `{"__metadata__": {str: str}, "<name>": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}`
 * (padded with spaces so the data starts 8-byte aligned); then the data buffer, in which each tensor's
 * row-major little-endian bytes occupy [begin, end). Readers validate exactly what the reference
 * implementation validates: header size limit (100 MB), JSON object starting with '{', known dtypes,
 * byte lengths matching shapes, and offsets that tile the buffer with no gap or overlap.
 *
 * Reading converts to nodetorch's dtypes (see tensor-bytes.ts): F32 exact; F64/F16/BF16 -> float32;
 * I64/I32/I16/I8/U64/U32/U16/U8 -> int64; BOOL -> bool. Writing: float32 -> F32, int64 -> I64,
 * bool -> BOOL. Tensors are written in the reference order (wider dtypes first, then by name).
 */
import type { Tensor } from '../tensor.js';
import { writeFileAtomic } from './atomic-write.js';
import { stateDictEntries, type StateDict } from './state-dict.js';
import { decodeTensor, encodeTensor, isRawDType, RAW_ITEM_SIZE, rawDTypeOf, type RawDType } from './tensor-bytes.js';
import { describeValue } from '../util/describe.js';
import { previewJson } from './preview.js';
import { readInput } from './read-input.js';

/** The largest header the reference implementation accepts. */
export const SAFETENSORS_MAX_HEADER = 100_000_000;

/** Everything a safetensors file holds. */
export interface SafetensorsContents {
  /** name -> tensor, in header order. */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` string map, or null when absent. */
  metadata: Record<string, string> | null;
  /** name -> the dtype stored in the file (before conversion to a nodetorch dtype). */
  dtypes: Record<string, RawDType>;
}

function fail(what: string, msg: string): never {
  throw new RangeError(`${what}: invalid safetensors file: ${msg}`);
}


function defineKey<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Parse safetensors bytes (e.g. from `fs.readFileSync`). Throws a RangeError naming the problem for
 * a truncated, corrupt or inconsistent file; never allocates more than the input's size plus the
 * decoded tensors.
 */
export function parseSafetensors(bytes: Uint8Array, what = 'loadSafetensors'): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what}: expected a Uint8Array, got ${describeValue(bytes)}`);
  if (bytes.length < 8) fail(what, `file is ${bytes.length} bytes, shorter than the 8-byte header length (truncated?)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = dv.getUint32(0, true);
  const hi = dv.getUint32(4, true);
  const n = hi * 4294967296 + lo;
  if (n > SAFETENSORS_MAX_HEADER) fail(what, `header length ${hi > 0 ? `${BigInt(hi) * 4294967296n + BigInt(lo)}` : n} exceeds the 100000000-byte limit`);
  if (8 + n > bytes.length) fail(what, `header length ${n} runs past the end of the ${bytes.length}-byte file (truncated?)`);
  if (n < 2) fail(what, `header length ${n} is too small for a JSON object`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail(what, 'header is not valid UTF-8');
  }
  if (text[0] !== '{') fail(what, `header must start with '{', got ${JSON.stringify(text.slice(0, 8))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(what, `header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail(what, 'header is not a JSON object');
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  let metadata: Record<string, string> | null = null;
  interface Entry { name: string; dtype: RawDType; shape: number[]; begin: number; end: number }
  const entries: Entry[] = [];
  for (const name of Object.keys(header)) {
    const info = (header as Record<string, unknown>)[name];
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info)) fail(what, '__metadata__ must be an object of strings');
      metadata = {};
      for (const k of Object.keys(info)) {
        const v = (info as Record<string, unknown>)[k];
        if (typeof v !== 'string') fail(what, `__metadata__ value for '${k}' must be a string, got ${describeValue(v)}`);
        defineKey(metadata, k, v);
      }
      continue;
    }
    if (typeof info !== 'object' || info === null || Array.isArray(info)) fail(what, `entry '${name}' is not an object`);
    const { dtype, shape, data_offsets: offs } = info as Record<string, unknown>;
    if (!isRawDType(dtype)) {
      fail(what, `tensor '${name}' has dtype ${previewJson(dtype)}; supported: ${Object.keys(RAW_ITEM_SIZE).join(', ')}`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(what, `tensor '${name}' has shape ${previewJson(shape)}; expected an array of non-negative integers`);
    }
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && o >= 0) || offs[0] > offs[1]) {
      fail(what, `tensor '${name}' has data_offsets ${previewJson(offs)}; expected [begin, end] with 0 <= begin <= end`);
    }
    let numel = (shape as number[]).includes(0) ? 0 : 1;
    for (const d of shape as number[]) {
      if (numel === 0 || numel > dataLen) break; // empty, or cannot fit: reported below without overflowing
      numel *= d;
    }
    const need = numel * RAW_ITEM_SIZE[dtype];
    if (need !== offs[1] - offs[0]) {
      fail(what, `tensor '${name}' of dtype ${dtype} and shape ${previewJson(shape)} needs ${numel > dataLen ? 'more than the file holds' : `${need} bytes`}, but data_offsets ${JSON.stringify(offs)} span ${offs[1] - offs[0]}`);
    }
    entries.push({ name, dtype, shape: shape as number[], begin: offs[0], end: offs[1] });
  }
  // The offsets must tile [0, dataLen) exactly.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const e of sorted) {
    if (e.begin !== pos) {
      fail(what, e.begin < pos ? `tensor '${e.name}' overlaps the previous tensor (data_offsets begin ${e.begin} < ${pos})` : `gap in the data buffer before tensor '${e.name}' (offset ${pos} to ${e.begin})`);
    }
    pos = e.end;
  }
  if (pos !== dataLen) {
    fail(what, pos > dataLen ? `tensors need ${pos} data bytes but the file holds ${dataLen} (truncated?)` : `the data buffer has ${dataLen - pos} bytes not covered by any tensor`);
  }
  const tensors: Record<string, Tensor> = {};
  const dtypes: Record<string, RawDType> = {};
  for (const e of entries) {
    const raw = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    defineKey(tensors, e.name, decodeTensor(raw, e.dtype, e.shape, `${what}: tensor '${e.name}'`));
    defineKey(dtypes, e.name, e.dtype);
  }
  return { tensors, metadata, dtypes };
}

const DTYPE_RANK: Record<string, number> = { I64: 3, F32: 2, BOOL: 1 };

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Serialize tensors (and optional string metadata) to safetensors bytes, as chunks to write in order
 * (tensor bytes are not copied). Concatenate them with `Buffer.concat` if one buffer is needed.
 */
export function serializeSafetensors(
  tensors: StateDict, metadata: Record<string, string> | null = null, what = 'saveSafetensors',
): Uint8Array[] {
  const entries = stateDictEntries(tensors, what);
  const seen = new Set<string>();
  for (const [k] of entries) {
    if (k === '__metadata__') throw new RangeError(`${what}: '__metadata__' is reserved and cannot name a tensor`);
    if (seen.has(k)) throw new RangeError(`${what}: duplicate tensor name '${k}'`);
    seen.add(k);
  }
  if (metadata !== null && metadata !== undefined) {
    if (typeof metadata !== 'object' || Array.isArray(metadata)) throw new TypeError(`${what}: metadata must be an object of strings`);
    for (const k of Object.keys(metadata)) {
      if (typeof metadata[k] !== 'string') throw new TypeError(`${what}: metadata value for '${k}' must be a string, got ${describeValue(metadata[k])}`);
    }
  }
  const items = entries.map(([name, t]) => ({ name, t, dtype: rawDTypeOf(t) }));
  items.sort((a, b) => DTYPE_RANK[b.dtype] - DTYPE_RANK[a.dtype] || compareUtf8(a.name, b.name));
  const header: Record<string, unknown> = {};
  if (metadata) defineKey(header, '__metadata__', { ...metadata });
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const it of items) {
    const bytes = encodeTensor(it.t, `${what}: tensor '${it.name}'`);
    defineKey(header, it.name, { dtype: it.dtype, shape: [...it.t.shape], data_offsets: [offset, offset + bytes.length] });
    offset += bytes.length;
    chunks.push(bytes);
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (8 - (json.length % 8)) % 8;
  if (pad > 0) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(json.length), true);
  return [prefix, json, ...chunks];
}

/**
 * Read a .safetensors file: name -> Tensor, in header order. See `readSafetensors` for the metadata and
 * the stored dtypes.
 * @example const sd = loadSafetensors('model.safetensors'); model.loadStateDict(sd);
 */
export function loadSafetensors(path: string): Record<string, Tensor> {
  return readSafetensors(path).tensors;
}

/** Read a .safetensors file with its `__metadata__` and the dtypes as stored. */
export function readSafetensors(path: string): SafetensorsContents {
  const what = `loadSafetensors('${path}')`;
  return parseSafetensors(readInput(path, what), what);
}

/**
 * Write tensors to a .safetensors file atomically (a crash mid-write leaves any previous file intact).
 * `metadata` becomes the string map `__metadata__`.
 * @example saveSafetensors(model.stateDict(), 'model.safetensors', { epoch: '3' });
 */
export function saveSafetensors(tensors: StateDict, path: string, metadata: Record<string, string> | null = null): void {
  writeFileAtomic(path, serializeSafetensors(tensors, metadata, `saveSafetensors('${path}')`));
}
