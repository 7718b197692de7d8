/**
 * The native backend: a thin adapter over the C++ N-API addon built from native/ by `npm run build:native`
 * (build/Release/nodetorch.node). Each Backend method is exactly one addon call on the caller's typed arrays
 * (zero copy: the addon reads and writes their memory in place). The addon validates every argument itself
 * and throws TypeError / RangeError naming the kernel, so no input can crash the process.
 *
 * The addon picks its kernels by CPU at load (`avx2` with FMA, else `baseline`; NODETORCH_NATIVE_ISA=baseline
 * forces baseline) and runs them on a process-wide thread pool (NODETORCH_NUM_THREADS, default: all cores).
 * It is context-aware, so it also loads inside worker_threads.
 */
import { createRequire } from 'node:module';
import type {
  Backend, BatchNormParams, Conv1dParams, MatmulParams, Pool1dParams, SgdParams,
} from './backend.js';
import { KERNEL_NAMES } from './kernels.js';

/** The addon's exports (native/addon.cc). */
export interface NativeAddon {
  readonly kernels: {
    matmul(a: Float32Array, b: Float32Array, c: Float32Array, p: MatmulParams): void;
    conv1dForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, p: Conv1dParams): void;
    conv1dBackwardInput(gy: Float32Array, w: Float32Array, gx: Float32Array, p: Conv1dParams): void;
    conv1dBackwardWeight(x: Float32Array, gy: Float32Array, gw: Float32Array, gb: Float32Array | null,
      p: Conv1dParams): void;
    sgdStep(param: Float32Array, grad: Float32Array, buf: Float32Array | null, p: SgdParams): void;
    reluForward(x: Float32Array, y: Float32Array): void;
    reluBackward(y: Float32Array, gy: Float32Array, gx: Float32Array): void;
    maxPool1dForward(x: Float32Array, y: Float32Array, idx: Uint8Array | Int32Array, p: Pool1dParams): void;
    maxPool1dBackward(gy: Float32Array, idx: Uint8Array | Int32Array, gx: Float32Array, p: Pool1dParams): void;
    batchNormForward(x: Float32Array, weight: Float32Array | null, bias: Float32Array | null, mean: Float64Array,
      invstd: Float64Array, y: Float32Array, p: BatchNormParams): void;
    batchNormBackward(gy: Float32Array, x: Float32Array, weight: Float32Array | null, mean: Float64Array,
      invstd: Float64Array, gx: Float32Array | null, gw: Float32Array | null, gb: Float32Array | null,
      p: BatchNormParams): void;
  };
  info(): NativeInfo;
  setNumThreads(n: number): void;
}

export interface NativeInfo {
  /** The kernel variant chosen for this CPU. */
  isa: 'avx2' | 'baseline';
  /** Thread pool size, including the calling thread. */
  threads: number;
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

/** The Backend over the addon's kernels. */
class NativeBackend implements Backend {
  readonly name = 'native' as const;
  readonly #k: NativeAddon['kernels'];

  constructor(kernels: NativeAddon['kernels']) {
    this.#k = kernels;
  }

  matmul(a: Float32Array, b: Float32Array, c: Float32Array, p: MatmulParams): void {
    this.#k.matmul(a, b, c, p);
  }

  conv1dForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, p: Conv1dParams): void {
    this.#k.conv1dForward(x, w, bias, y, p);
  }

  conv1dBackwardInput(gy: Float32Array, w: Float32Array, gx: Float32Array, p: Conv1dParams): void {
    this.#k.conv1dBackwardInput(gy, w, gx, p);
  }

  conv1dBackwardWeight(x: Float32Array, gy: Float32Array, gw: Float32Array, gb: Float32Array | null,
    p: Conv1dParams): void {
    this.#k.conv1dBackwardWeight(x, gy, gw, gb, p);
  }

  sgdStep(param: Float32Array, grad: Float32Array, buf: Float32Array | null, p: SgdParams): void {
    this.#k.sgdStep(param, grad, buf, p);
  }

  reluForward(x: Float32Array, y: Float32Array): void {
    this.#k.reluForward(x, y);
  }

  reluBackward(y: Float32Array, gy: Float32Array, gx: Float32Array): void {
    this.#k.reluBackward(y, gy, gx);
  }

  maxPool1dForward(x: Float32Array, y: Float32Array, idx: Uint8Array | Int32Array, p: Pool1dParams): void {
    this.#k.maxPool1dForward(x, y, idx, p);
  }

  maxPool1dBackward(gy: Float32Array, idx: Uint8Array | Int32Array, gx: Float32Array, p: Pool1dParams): void {
    this.#k.maxPool1dBackward(gy, idx, gx, p);
  }

  batchNormForward(x: Float32Array, weight: Float32Array | null, bias: Float32Array | null, mean: Float64Array,
    invstd: Float64Array, y: Float32Array, p: BatchNormParams): void {
    this.#k.batchNormForward(x, weight, bias, mean, invstd, y, p);
  }

  batchNormBackward(gy: Float32Array, x: Float32Array, weight: Float32Array | null, mean: Float64Array,
    invstd: Float64Array, gx: Float32Array | null, gw: Float32Array | null, gb: Float32Array | null,
    p: BatchNormParams): void {
    this.#k.batchNormBackward(gy, x, weight, mean, invstd, gx, gw, gb, p);
  }
}

let backend: NativeBackend | undefined;

/** The native backend. Throws an Error with the reason if the addon is not built or cannot load here. */
export function loadNativeBackend(): Backend {
  backend ??= new NativeBackend(loadNativeAddon().kernels);
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
