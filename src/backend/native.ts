/**
 * The native backend: a thin adapter over the C++ N-API addon built from native/ by `npm run build:native`
 * (build/Release/nodetorch.node). Each Backend method is exactly one addon call on the caller's typed arrays
 * (zero copy: the addon reads and writes their memory in place). The addon validates every argument itself
 * and throws TypeError / RangeError naming the kernel, so no input can crash the process.
 *
 * The addon picks its kernels by CPU at load (`avx512` with F/BW/VL/DQ, else `avx2` with FMA, else `baseline`;
 * NODETORCH_NATIVE_ISA=avx2|baseline forces a lower one) and runs them on a process-wide thread pool
 * (NODETORCH_NUM_THREADS, default: all cores).
 * It is context-aware, so it also loads inside worker_threads.
 */
import { createRequire } from 'node:module';
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

/** Relative to this file; the same from src/backend/ (tsx, vitest) and dist/backend/ (built package). */
const ADDON_PATH = '../../build/Release/nodetorch.node';

let addon: NativeAddon | undefined;
let loadError: Error | undefined;

/** Load the addon once per thread; throws an Error saying why it cannot. */
export function loadNativeAddon(): NativeAddon {
  if (addon) return addon;
  if (loadError) throw loadError;
  try {
    const loaded = createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
    const names = Object.keys(loaded.kernels ?? {}).sort().join(',');
    if (names !== [...KERNEL_NAMES].sort().join(',')) {
      throw new Error(`it exports kernels [${names}], expected [${KERNEL_NAMES.join(',')}]; rebuild it`);
    }
    addon = loaded;
    return addon;
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    loadError = new Error(`native addon ${new URL(ADDON_PATH, import.meta.url).pathname} not loadable: ${reason}`);
    throw loadError;
  }
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
