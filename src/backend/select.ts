/**
 * Backend selection: native -> wasm -> ref, unless NODETORCH_BACKEND or setBackend() forces one.
 * A forced backend that cannot load throws, listing every backend's status and the command that fixes it.
 */
import type { Backend } from './backend.js';
import { refBackend } from './ref/index.js';
import { loadNativeBackend, nativeInfo, nativeOrigin, setNativeThreads, type NativeSource } from './native.js';
import { loadWasmBackend, wasmInfo } from './wasm.js';

/** The kernel backends: the C++ addon, the WebAssembly module, and the TypeScript reference. */
export type BackendName = 'native' | 'wasm' | 'ref';
export const BACKEND_NAMES: readonly BackendName[] = ['native', 'wasm', 'ref'];

const FIX: Record<BackendName, string> = {
  native: 'run `npm run build:native` (needs a C++ toolchain: python3, make, g++), or install a release that ships a prebuilt binary for this platform',
  wasm: 'run `npm run build:wasm`',
  ref: 'always available',
};

type LoadResult = { ok: true; backend: Backend } | { ok: false; reason: string };
const cache = new Map<BackendName, LoadResult>();
const LOADERS: Record<BackendName, () => Backend> = {
  native: loadNativeBackend,
  wasm: loadWasmBackend,
  ref: () => refBackend,
};
let loaders = LOADERS;

function tryLoad(name: BackendName): LoadResult {
  let r = cache.get(name);
  if (r) return r;
  try {
    const backend = loaders[name]();
    r = { ok: true, backend };
  } catch (e) {
    r = { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  cache.set(name, r);
  return r;
}

function isBackendName(s: string): s is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(s);
}

function loadFailure(forced: BackendName, source: string): Error {
  const lines = BACKEND_NAMES.map((n) => {
    const r = tryLoad(n);
    return `  ${n}: ${r.ok ? 'available' : `failed: ${r.reason}`}${r.ok ? '' : ` -> fix: ${FIX[n]}`}`;
  });
  return new Error(`nodetorch: backend '${forced}' (${source}) cannot be loaded. Backends tried:\n${lines.join('\n')}`);
}

let current: Backend | null = null;

function pickDefault(): Backend {
  const env = process.env.NODETORCH_BACKEND;
  if (env !== undefined && env !== '') {
    if (!isBackendName(env)) {
      throw new RangeError(`nodetorch: NODETORCH_BACKEND must be one of ${BACKEND_NAMES.join(', ')}, got '${env}'`);
    }
    const r = tryLoad(env);
    if (!r.ok) throw loadFailure(env, 'forced by NODETORCH_BACKEND');
    return r.backend;
  }
  for (const n of BACKEND_NAMES) {
    const r = tryLoad(n);
    if (r.ok) return r.backend;
  }
  return refBackend; // unreachable: ref always loads
}

/** The backend kernels run on. Chosen on first use: NODETORCH_BACKEND if set, else native, wasm, ref. */
export function getBackend(): Backend {
  if (current === null) current = pickDefault();
  return current;
}

/** Force a backend by name. Throws (listing every backend's status and fix) if it cannot load. */
export function setBackend(name: BackendName): void {
  if (!isBackendName(name)) {
    throw new RangeError(`setBackend: expected one of ${BACKEND_NAMES.join(', ')}, got '${String(name)}'`);
  }
  const r = tryLoad(name);
  if (!r.ok) throw loadFailure(name, 'requested by setBackend');
  current = r.backend;
}

/** Every backend that loads here, in preference order (tests run each). */
export function availableBackends(): Backend[] {
  return BACKEND_NAMES.map(tryLoad).flatMap((r) => (r.ok ? [r.backend] : []));
}

/** Why each backend that did not load failed. */
export function unavailableBackends(): { name: BackendName; reason: string }[] {
  return BACKEND_NAMES.flatMap((name) => {
    const r = tryLoad(name);
    return r.ok ? [] : [{ name, reason: r.reason }];
  });
}

/** What `backendInfo()` reports: the backend in use, the native CPU variant and threads, wasm SIMD, and why any backend is unavailable. */
export interface BackendInfo {
  /** The backend in use. */
  name: BackendName;
  /** The CPU feature variant the native addon picked ('avx512', 'avx2', 'baseline'), or null if native is not loaded. */
  nativeIsa: string | null;
  /**
   * Where the native addon was loaded from: 'prebuilt' (the binary the package ships for this platform),
   * 'built' (compiled at install or by `npm run build:native`), 'env' (the file NODETORCH_NATIVE_PATH names),
   * or null if native is not loaded.
   */
  nativeSource: NativeSource | null;
  /** The native addon's file, or null if native is not loaded. */
  nativePath: string | null;
  /** Threads the kernels use (native thread pool size; 1 for wasm and ref). */
  threads: number;
  /** Whether this runtime supports wasm SIMD128 (the wasm module needs it). */
  wasmSimd: boolean;
  /**
   * Whether the wasm backend runs its relaxed-SIMD build (fused multiply-adds in the matmul and conv
   * micro-kernel): the runtime validates relaxed SIMD (Node 21 and later, or Node 20 with
   * `--experimental-wasm-relaxed-simd`) and NODETORCH_WASM_RELAXED is not `0`.
   */
  wasmRelaxedSimd: boolean;
  /**
   * Whether the native addon tuned glibc's malloc so freed tensor memory is reused instead of returned to
   * the OS (false without the addon, on other C libraries, or with NODETORCH_MALLOC_TUNING=0).
   */
  mallocTuned: boolean;
  /** Backends that failed to load, with the reason. */
  unavailable: { name: BackendName; reason: string }[];
}

/** What nodetorch is running on: backend, native ISA variant and the addon's origin, threads, wasm SIMD. */
export function backendInfo(): BackendInfo {
  const b = getBackend();
  const native = tryLoad('native').ok ? nativeInfo() : null;
  const origin = native ? nativeOrigin() : null;
  return {
    name: b.name,
    nativeIsa: native ? native.isa : null,
    nativeSource: origin ? origin.source : null,
    nativePath: origin ? origin.file : null,
    threads: b.name === 'native' && native ? native.threads : 1,
    wasmSimd: wasmInfo().simd,
    wasmRelaxedSimd: wasmInfo().relaxedSimd,
    mallocTuned: native ? native.mallocTuned : false,
    unavailable: unavailableBackends(),
  };
}

/** Set the native thread pool size (like torch.set_num_threads). No effect on wasm/ref, which are single-threaded. */
export function setNumThreads(n: number): void {
  if (typeof n !== 'number') throw new TypeError(`setNumThreads: expected a positive integer, got ${typeof n}`);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected a positive integer, got ${n}`);
  if (tryLoad('native').ok) setNativeThreads(n);
}

/** Current native thread count (1 when native is not loaded). */
export function getNumThreads(): number {
  return tryLoad('native').ok ? nativeInfo().threads : 1;
}

/**
 * @internal For tests: forget every loaded backend and the current choice, optionally replacing loaders
 * (e.g. one that throws, to exercise the failure report). Call with no argument to restore the real ones.
 */
export function _resetBackendsForTest(override: Partial<Record<BackendName, () => Backend>> = {}): void {
  cache.clear();
  current = null;
  loaders = { ...LOADERS, ...override };
}
