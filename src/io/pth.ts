/**
 * PyTorch `.pth`/`.pt` files: the zip archive torch.save has written since PyTorch 1.6
 * (`<archive>/data.pkl`, `<archive>/data/<key>` raw storages, `<archive>/version`, optionally
 * `<archive>/byteorder`).
 *
 * Reading uses the restricted unpickler of pickle.ts (nothing in the file is ever executed), then builds
 * contiguous nodetorch Tensors from the storages: views with an offset, non-contiguous strides or
 * stride 0 (expand) are gathered; storages of other dtypes are converted (see tensor-bytes.ts); tensors
 * that shared a storage in PyTorch get separate copies. CUDA-saved tensors load like CPU ones.
 *
 * Writing produces what `torch.save(obj, f)` writes (protocol 2, version 3, little-endian, 64-byte
 * aligned stored entries), readable by `torch.load(f, weights_only=True)` in PyTorch >= 2.0. (PyTorch
 * 1.13's weights_only loader cannot read Python floats, so on 1.13 files holding floats — optimizer
 * state dicts, checkpoints — need `weights_only=False`; a plain model state dict loads either way.)
 */
import { readInput } from './read-input.js';
import { Tensor, storageFor, type Storage } from '../tensor.js';
import { writeFileAtomic } from './atomic-write.js';
import { parseStoragePid, unpickle, UnpicklingError, type PickleValue } from './pickle.js';
import { pickleTorch } from './pickler.js';
import { decodeElements, RAW_ITEM_SIZE, type RawDType } from './tensor-bytes.js';
import { ZipReader, writeZip } from './zip.js';
import { describeValue } from '../util/describe.js';

/** Options of `loadPth` / `load` for PyTorch files. */
export interface LoadPthOptions {
  /**
   * Upper bound on the elements of a tensor that is larger than its storage (a stride-0 expand, which
   * PyTorch keeps as a view but nodetorch materialises). Default 2^24. It is also the slack of the
   * file-wide bound: all tensors together may hold at most 2 elements per byte of storage in the
   * archive plus this many, so a small (or malicious) file can never demand a huge allocation.
   */
  maxExpandedElements?: number;
}

/** How many elements all tensors of one file may hold in total, per byte of storage in the archive. */
const ELEMENTS_PER_STORAGE_BYTE = 2;

interface StorageToken {
  readonly key: string;
  readonly dtype: RawDType;
  readonly numel: number;
}

const LEGACY_HINT =
  'Re-save it in the zip format with PyTorch >= 1.6: `torch.save(torch.load("old.pth"), "new.pth")` ' +
  '(the default, _use_new_zipfile_serialization=True).';

function findArchivePrefix(zip: ZipReader, what: string): string {
  const names = zip.names();
  const pkls = names.filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pkls.length === 1) return pkls[0].slice(0, -'data.pkl'.length);
  if (pkls.length > 1) throw new RangeError(`${what}: archive holds ${pkls.length} data.pkl records; expected one`);
  if (names.some((n) => /(^|\/)constants\.pkl$/.test(n) || /(^|\/)code\//.test(n))) {
    throw new RangeError(`${what}: this is a TorchScript archive (torch.jit.save), not a torch.save file; save the model's state_dict() with torch.save instead`);
  }
  throw new RangeError(`${what}: not a torch.save archive (no <archive>/data.pkl record)`);
}

/**
 * Parse the bytes of a .pth file. Returns the saved object (a state dict becomes
 * `Record<string, Tensor>`). Throws a clear error for legacy (non-zip) files, corrupt or truncated
 * archives, and pickles that reference anything but tensors and containers.
 */
export function parsePth(bytes: Uint8Array, opts: LoadPthOptions = {}, what = 'loadPth'): PickleValue {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what}: expected a Uint8Array, got ${describeValue(bytes)}`);
  const maxExpanded = opts.maxExpandedElements ?? 2 ** 24;
  if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] <= 5) {
    throw new RangeError(`${what}: this is a legacy (pre-1.6, non-zip) torch.save file, which is not supported. ${LEGACY_HINT}`);
  }
  if (bytes.length >= 262 && String.fromCharCode(...bytes.subarray(257, 262)) === 'ustar') {
    throw new RangeError(`${what}: this is a legacy tar-format torch.save file (PyTorch < 0.4), which is not supported. ${LEGACY_HINT}`);
  }
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new RangeError(`${what}: not a PyTorch .pth file (expected a zip archive starting with "PK"${bytes.length === 0 ? ', got an empty file' : ''})`);
  }
  const zip = new ZipReader(bytes, what);
  const prefix = findArchivePrefix(zip, what);
  let littleEndian = true;
  if (zip.has(`${prefix}byteorder`)) {
    const order = new TextDecoder().decode(zip.read(`${prefix}byteorder`)).trim();
    if (order !== 'little' && order !== 'big') throw new RangeError(`${what}: unknown byteorder record '${order.slice(0, 20)}'`);
    littleEndian = order === 'little';
  }
  for (const rec of [`${prefix}version`, `${prefix}.data/version`]) {
    if (!zip.has(rec)) continue;
    const v = new TextDecoder().decode(zip.read(rec)).trim();
    if (!/^\d{1,4}$/.test(v)) throw new RangeError(`${what}: unreadable version record '${v.slice(0, 20)}'`);
  }

  // Tensors are copies of storage views, and a pickle can name one storage many times; bound the total
  // by what the archive's storages can legitimately back, so a small file cannot demand huge memory.
  let storageBytes = 0;
  for (const n of zip.names()) if (n.startsWith(`${prefix}data/`)) storageBytes += zip.entry(n)!.size;
  const budget = ELEMENTS_PER_STORAGE_BYTE * storageBytes + maxExpanded;
  let materialized = 0;
  const tokens = new Map<string, StorageToken>();
  const tokenSet = new WeakSet<StorageToken>();
  const decoded = new Map<string, Storage>();
  const storageData = (tok: StorageToken, at: number): Storage => {
    let data = decoded.get(tok.key);
    if (data) return data;
    const name = `${prefix}data/${tok.key}`;
    if (!zip.has(name)) throw new UnpicklingError(`${what}: storage '${tok.key}' has no record ${name} (byte ${at})`);
    const raw = zip.read(name);
    const want = tok.numel * RAW_ITEM_SIZE[tok.dtype];
    if (raw.length !== want) {
      throw new RangeError(`${what}: storage record ${name} has ${raw.length} bytes, expected ${want} (${tok.numel} ${tok.dtype} elements)`);
    }
    data = decodeElements(raw, tok.dtype, tok.numel, `${what}: storage ${name}`, littleEndian);
    decoded.set(tok.key, data);
    return data;
  };

  const result = unpickle(zip.read(`${prefix}data.pkl`), {
    persistentLoad(pid, at) {
      const p = parseStoragePid(pid, what, at);
      const prev = tokens.get(p.key);
      if (prev) {
        if (prev.dtype !== p.dtype || prev.numel !== p.numel) {
          throw new UnpicklingError(`${what}: storage '${p.key}' is referenced with two different types or sizes (byte ${at})`);
        }
        return prev;
      }
      const tok: StorageToken = { key: p.key, dtype: p.dtype, numel: p.numel };
      tokens.set(p.key, tok);
      tokenSet.add(tok);
      return tok;
    },
    rebuildTensor(storage, offset, size, stride, at) {
      const isToken = typeof storage === 'object' && storage !== null && tokenSet.has(storage as StorageToken);
      const tok = storage as StorageToken;
      if (!isToken) throw new UnpicklingError(`${what}: tensor rebuilt from something that is not a storage (byte ${at})`);
      let numel = 1;
      let span = 0;
      for (let i = 0; i < size.length; i++) {
        numel *= size[i];
        span += (size[i] - 1) * stride[i];
      }
      if (!Number.isSafeInteger(numel)) throw new RangeError(`${what}: tensor of size (${size.join(', ')}) is too large`);
      const src = storageData(tok, at);
      const dtype = src instanceof Float32Array ? 'float32' : src instanceof Float64Array ? 'int64' : 'bool';
      if (numel === 0) return new Tensor(storageFor(dtype, 0), size);
      if (offset + span >= tok.numel) {
        throw new RangeError(`${what}: tensor view (offset ${offset}, size (${size.join(', ')}), stride (${stride.join(', ')})) runs past its storage of ${tok.numel} elements`);
      }
      if (numel > tok.numel && numel > maxExpanded) {
        throw new RangeError(`${what}: tensor of size (${size.join(', ')}) expands a ${tok.numel}-element storage to ${numel} elements, above maxExpandedElements=${maxExpanded}`);
      }
      materialized += numel;
      if (materialized > budget) {
        throw new RangeError(`${what}: the tensors of this file would hold more than ${budget} elements, more than its ${storageBytes} bytes of storage can back (corrupt or malicious file?)`);
      }
      // Contiguous row-major?
      let contiguous = true;
      let expect = 1;
      for (let i = size.length - 1; i >= 0; i--) {
        if (size[i] !== 1 && stride[i] !== expect) contiguous = false;
        expect *= size[i];
      }
      if (contiguous) return new Tensor(src.slice(offset, offset + numel), size);
      const out = storageFor(dtype, numel);
      const nd = size.length;
      const idx = new Array<number>(nd).fill(0);
      let p = offset;
      for (let i = 0; i < numel; i++) {
        out[i] = src[p];
        for (let d = nd - 1; d >= 0; d--) {
          if (++idx[d] < size[d]) {
            p += stride[d];
            break;
          }
          p -= (size[d] - 1) * stride[d];
          idx[d] = 0;
        }
      }
      return new Tensor(out, size);
    },
  }, `${what}: record ${prefix}data.pkl`);
  return result;
}

/**
 * Serialize `obj` as torch.save does; returns the archive as chunks in order (tensor bytes are not
 * copied). See pickler.ts for how JS values map to Python ones.
 */
export function serializePth(obj: unknown, what = 'savePth'): Uint8Array[] {
  const { pickle, storages } = pickleTorch(obj, what);
  const enc = new TextEncoder();
  return writeZip([
    { name: 'archive/data.pkl', data: pickle },
    { name: 'archive/byteorder', data: enc.encode('little') },
    ...storages.map((s) => ({ name: `archive/data/${s.key}`, data: s.bytes })),
    { name: 'archive/version', data: enc.encode('3\n') },
  ], 64, what);
}

/**
 * Load a file written by `torch.save` (PyTorch >= 1.6) or by `savePth`. Never executes code from the
 * file: only tensors, numbers, strings, bools, None, lists, tuples, dicts and OrderedDicts are accepted.
 * @example
 * const sd = loadPth('inception1d.pth');            // { 'stem.0.weight': Tensor, ... }
 * const { model, optimizer } = loadPth('ckpt.pth'); // a dict of state dicts
 */
export function loadPth<T = unknown>(path: string, opts: LoadPthOptions = {}): T {
  const what = `loadPth('${path}')`;
  return parsePth(readInput(path, what), opts, what) as T;
}

/**
 * Save `obj` (a state dict, an optimizer state dict, or any nesting of dicts, lists, numbers, strings,
 * bools, null and Tensors) as a .pth file that `torch.load(path, weights_only=True)` reads. The write is
 * atomic: a crash mid-write leaves any previous file intact.
 * @example savePth(model.stateDict(), 'model.pth');
 */
export function savePth(obj: unknown, path: string): void {
  writeFileAtomic(path, serializePth(obj, `savePth('${path}')`));
}
