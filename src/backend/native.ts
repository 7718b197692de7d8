/**
 * The native backend: a thin adapter over the C++ N-API addon built from native/: the prebuilt binary the
 * package ships for this platform (prebuilds/<platform>-<arch>/nodetorch.node, `npm run prebuild`), else the
 * local compile (build/Release/nodetorch.node, `npm run build:native`); NODETORCH_NATIVE_PATH names one file
 * instead (tests, the sanitizer build). Each Backend method is exactly one addon call on the caller's typed arrays
 * (zero copy: the addon reads and writes their memory in place). The addon validates every argument itself
 * and throws TypeError / RangeError naming the kernel, so no input can crash the process.
 *
 * The addon picks its kernels by CPU at load (`avx512` with F/BW/VL/DQ, else `avx2` with FMA, else `baseline`;
 * NODETORCH_NATIVE_ISA=avx2|baseline forces a lower one) and runs them on a process-wide thread pool
 * (NODETORCH_NUM_THREADS, default: all cores).
 * It is context-aware, so it also loads inside worker_threads.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend, Kernels } from './backend.js';
import { KERNEL_NAMES } from './manifest.js';

/** The addon's exports (native/addon.cc): the manifest's kernels, with the Backend's signatures. */
export interface NativeAddon {
  readonly kernels: Kernels;
  info(): NativeInfo;
  setNumThreads(n: number): void;
}

export type NativeIsa = 'avx512' | 'avx2' | 'baseline';

export interface NativeInfo {
  /** The kernel variant chosen for this CPU. */
  isa: NativeIsa;
  /** The variants compiled into the addon, best first (avx512 is skipped where the compiler cannot target it). */
  built: NativeIsa[];
  /** Thread pool size, including the calling thread. */
  threads: number;
  /** Whether the addon set glibc's malloc to reuse freed tensor memory (native/malloc-tuning.cc). */
  mallocTuned: boolean;
}

/** Where the loaded addon came from: a prebuilt binary shipped in the package, a local compile, or NODETORCH_NATIVE_PATH. */
export type NativeSource = 'prebuilt' | 'built' | 'env';

/** A file the loader may load, or the reason it was skipped. */
export interface NativeCandidate {
  source: NativeSource;
  /** Absolute path. */
  file: string;
  /** Set when the candidate is not tried (e.g. a glibc prebuild on a musl system). */
  skip?: string;
}

/** The package root, the same from src/backend/ (tsx, vitest) and dist/backend/ (built package). */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `prebuilds/<platform>-<arch>/nodetorch.node`, as `npm run prebuild` (prebuildify --napi) names it. */
export function prebuiltAddonFile(root = PACKAGE_ROOT): string {
  return join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'nodetorch.node');
}

/** Whether this process runs on glibc (Linux prebuilds link against it; musl would load them wrongly). */
function isGlibc(): boolean {
  // The diagnostic report's header names the glibc version. excludeNetwork (Node >= 20.13) leaves out the
  // socket list, which can be long and resolve host names in a busy server.
  const report = process.report as NodeJS.ProcessReport & { excludeNetwork?: boolean };
  const saved = report.excludeNetwork;
  report.excludeNetwork = true;
  try {
    const header = (report.getReport() as { header?: { glibcVersionRuntime?: string } }).header;
    return typeof header?.glibcVersionRuntime === 'string';
  } finally {
    report.excludeNetwork = saved;
  }
}

/**
 * The files the loader tries, in order: the file NODETORCH_NATIVE_PATH names (alone, when set); else the
 * prebuilt binary for this platform and CPU architecture (Linux: glibc only), then the local compile
 * build/Release/nodetorch.node. Missing files are left out.
 */
export function nativeCandidates(root = PACKAGE_ROOT, env: NodeJS.ProcessEnv = process.env): NativeCandidate[] {
  const forced = env.NODETORCH_NATIVE_PATH;
  if (forced) return [{ source: 'env', file: resolve(forced) }];
  const out: NativeCandidate[] = [];
  const prebuilt = prebuiltAddonFile(root);
  if (existsSync(prebuilt)) {
    const skip = process.platform === 'linux' && !isGlibc() ? 'it is built for glibc and this C library is not glibc' : undefined;
    out.push({ source: 'prebuilt', file: prebuilt, ...(skip ? { skip } : {}) });
  }
  const built = join(root, 'build', 'Release', 'nodetorch.node');
  if (existsSync(built)) out.push({ source: 'built', file: built });
  return out;
}

let addon: NativeAddon | undefined;
let loadedFrom: NativeCandidate | undefined;
let loadError: Error | undefined;

/** Load one file and check it exports exactly the manifest's kernels; throws with the reason. */
function loadFile(file: string): NativeAddon {
  const loaded = createRequire(import.meta.url)(file) as NativeAddon;
  const names = Object.keys(loaded.kernels ?? {}).sort().join(',');
  if (names !== [...KERNEL_NAMES].sort().join(',')) {
    throw new Error(`it exports kernels [${names}], expected [${KERNEL_NAMES.join(',')}]; rebuild it`);
  }
  return loaded;
}

/**
 * Load the first candidate that loads; throws an Error giving each one's reason (a skip, a failed dlopen
 * such as a too old glibc, a kernel list that does not match this package's).
 */
export function loadFirstNative(candidates: readonly NativeCandidate[]): { addon: NativeAddon; from: NativeCandidate } {
  const reasons: string[] = [];
  for (const c of candidates) {
    if (c.skip) {
      reasons.push(`${c.source} ${c.file} skipped: ${c.skip}`);
      continue;
    }
    try {
      return { addon: loadFile(c.file), from: c };
    } catch (e) {
      reasons.push(`${c.source} ${c.file} not loadable: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  if (candidates.length === 0) {
    reasons.push(`no prebuilt binary for ${process.platform}-${process.arch} and no local build (build/Release/nodetorch.node)`);
  }
  throw new Error(`native addon: ${reasons.join('; ')}`);
}

/** Load the addon once per thread (nativeCandidates, in order); throws an Error saying why each file could not. */
export function loadNativeAddon(): NativeAddon {
  if (addon) return addon;
  if (loadError) throw loadError;
  try {
    ({ addon, from: loadedFrom } = loadFirstNative(nativeCandidates()));
    return addon;
  } catch (e) {
    loadError = e as Error;
    throw loadError;
  }
}

/** Which file the addon was loaded from and why (loads it; throws if it cannot). */
export function nativeOrigin(): { source: NativeSource; file: string } {
  loadNativeAddon();
  const { source, file } = loadedFrom as NativeCandidate;
  return { source, file };
}

let backend: Backend | undefined;

/**
 * The native backend: the addon's kernel functions themselves (no forwarders; the addon validates every
 * argument). Throws an Error with the reason if the addon is not built or cannot load here.
 */
export function loadNativeBackend(): Backend {
  backend ??= Object.freeze({ name: 'native' as const, ...loadNativeAddon().kernels });
  return backend;
}

/** ISA variant and thread count of the loaded addon (loads it; throws if it cannot). */
export function nativeInfo(): NativeInfo {
  return loadNativeAddon().info();
}

/** Resize the addon's process-wide thread pool (an integer in [1, 256]); throws if the addon cannot load. */
export function setNativeThreads(n: number): void {
  loadNativeAddon().setNumThreads(n);
}
