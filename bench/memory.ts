/**
 * Target 4 (memory-bound kernels): relu, max-pool, batch-norm (forward and backward), cat, gradient sums
 * (`add`) and sgdStep at the reference Inception1d's shapes (batch 32), buffers reused across calls.
 * GB/s = bytes per call / time, counting each array once (read or written; in place counts both) — a kernel
 * that makes two passes over its input shows less than its real traffic. Read against the copy bandwidth
 * measured in this section: Float32Array.set of 64 MiB (memcpy, 1 thread; DRAM) before and after the kernels,
 * and, per row, Float32Array.set of the same counted bytes (bytes/8 floats copied: cache-resident like the
 * kernel's own working set), the tighter reference on a CPU whose L2/L3 holds the model's activations.
 * Native runs at each thread count; wasm (its TypeScript kernels for relu, max-pool, batch-norm and add;
 * staged wasm for sgdStep) and ref alongside.
 */
import type { Backend, BatchNormParams, Pool1dParams, SgdParams } from '../src/backend/backend.js';
import { setNumThreads, getNumThreads } from '../src/backend/select.js';
import { Tensor } from '../src/tensor.js';
import { cat } from '../src/ops/cat.js';
import { copyBandwidth } from './machine.js';
import { median, note, rand, time, type BenchOptions, type Row } from './harness.js';

interface MemCase {
  kernel: string;
  shape: string;
  bytes: number;
  /** Backend-independent (a TS op): measured once per native thread count, or in the wasm column. */
  agnostic?: boolean;
  /** Allocate the buffers for one backend and return the call to time. */
  make(be: Backend): () => void;
}

const N = 32; // batch
const dims = (c: number, l: number) => `${N}x${c}x${l}`;

function pool(c: number, l: number, stride: number): Pool1dParams {
  return { n: N, c, l, k: 3, stride, padding: 1, dilation: 1, lOut: Math.floor((l + 2 - 3) / stride) + 1 };
}

function cases(): MemCase[] {
  const out: MemCase[] = [];
  // relu at conv outputs: the stem (after BN), block1 branch 2's k3 conv, block2 branch 1's 1x1 conv.
  for (const [c, l, where] of [[32, 600, 'stem'], [24, 300, 'block1.b2'], [16, 150, 'block2.b1']] as const) {
    const n = N * c * l;
    out.push({
      kernel: 'reluForward', shape: `${dims(c, l)} (${where})`, bytes: 8 * n,
      make: (be) => { const x = rand(n, 1), y = new Float32Array(n); return () => be.reluForward(x, y); },
    });
    out.push({
      kernel: 'reluBackward (in place)', shape: `${dims(c, l)} (${where})`, bytes: 12 * n,
      make: (be) => { const y = rand(n, 2), g = rand(n, 3); return () => be.reluBackward(y, g, g); },
    });
  }
  // max-pool: stem pool, the pool between blocks, and each block's branch-4 pool (k3 s1 p1).
  for (const [c, l, s] of [[32, 600, 2], [64, 300, 2], [32, 300, 1], [64, 150, 1]] as const) {
    const p = pool(c, l, s);
    const nIn = N * c * l, nOut = N * c * p.lOut;
    const shape = `${dims(c, l)} k3 s${s} p1`;
    out.push({
      kernel: 'maxPool1dForward', shape, bytes: 4 * nIn + 5 * nOut,
      make: (be) => {
        const x = rand(nIn, 4), y = new Float32Array(nOut), idx = new Uint8Array(nOut);
        return () => be.maxPool1dForward(x, y, idx, p);
      },
    });
    out.push({
      kernel: 'maxPool1dBackward', shape, bytes: 5 * nOut + 4 * nIn,
      make: (be) => {
        const x = rand(nIn, 5), y = new Float32Array(nOut), idx = new Uint8Array(nOut), gx = new Float32Array(nIn);
        be.maxPool1dForward(x, y, idx, p);
        const gy = rand(nOut, 6);
        return () => be.maxPool1dBackward(gy, idx, gx, p);
      },
    });
  }
  // batch norm of the stem conv's output, training mode.
  {
    const c = 32, l = 600, n = N * c * l;
    const p: BatchNormParams = { n: N, c, inner: l, training: true, eps: 1e-5, relu: false };
    out.push({
      kernel: 'batchNormForward (train)', shape: dims(c, l), bytes: 8 * n,
      make: (be) => {
        const x = rand(n, 7), w = rand(c, 8), b = rand(c, 9), mean = new Float64Array(c), invstd = new Float64Array(c), y = new Float32Array(n);
        return () => be.batchNormForward(x, w, b, mean, invstd, y, p);
      },
    });
    out.push({
      kernel: 'batchNormBackward (train)', shape: dims(c, l), bytes: 12 * n,
      make: (be) => {
        const x = rand(n, 10), w = rand(c, 11), b = rand(c, 12), mean = new Float64Array(c), invstd = new Float64Array(c), y = new Float32Array(n);
        be.batchNormForward(x, w, b, mean, invstd, y, p);
        const gy = rand(n, 13), gx = new Float32Array(n), gw = new Float32Array(c), gb = new Float32Array(c);
        return () => be.batchNormBackward(gy, x, w, mean, invstd, gx, gw, gb, p);
      },
    });
  }
  // cat of the four inception branches (16 + 24 + 12 + 12 channels), the op itself (allocates its output).
  for (const l of [300, 150]) {
    const parts = [16, 24, 12, 12].map((c, i) => new Tensor(rand(N * c * l, 20 + i), [N, c, l]));
    out.push({
      kernel: 'cat (op; allocates its output)', shape: `4 -> ${dims(64, l)}`, bytes: 8 * N * 64 * l, agnostic: true,
      make: () => () => void cat(parts, 1),
    });
  }
  // gradient sums: the inception blocks' input gradients (four branches add into one), in place.
  for (const [c, l] of [[32, 300], [64, 150]] as const) {
    const n = N * c * l;
    out.push({
      kernel: 'add (gradient sum, in place)', shape: dims(c, l), bytes: 12 * n,
      make: (be) => { const a = rand(n, 14), b = rand(n, 15); return () => be.add(a, b, a); },
    });
  }
  // SGD with momentum over the model's 8,882 parameters (one flat array; the optimizer calls per tensor).
  {
    const n = 8882;
    const p: SgdParams = { lr: 0.003, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, firstStep: false };
    out.push({
      kernel: 'sgdStep (momentum)', shape: `${n} params`, bytes: 20 * n,
      make: (be) => { const w = rand(n, 16), g = rand(n, 17), buf = rand(n, 18); return () => be.sgdStep(w, g, buf, p); },
    });
  }
  return out;
}

export interface MemoryResult {
  /** The copy bandwidth the fractions are of: Float32Array.set of 64 MiB, 1 thread, median of the samples. */
  copyGBs: number;
  copySamplesGBs: number[];
  /** The same copy at 2.4 MB (the model's largest activation), cache-resident. */
  copyActivationGBs: number;
  rows: Row[];
}

export function benchMemory(backends: Backend[], o: BenchOptions): MemoryResult {
  const native = backends.find((b) => b.name === 'native');
  const others = backends.filter((b) => b.name !== 'native');
  if (!native) note('memory-bound kernels: native addon not loaded: native columns skipped');
  const targetMs = o.quick ? 60 : 200;
  const samples = [copyBandwidth()];
  const copyActivationGBs = copyBandwidth(32 * 32 * 600);
  const prev = getNumThreads();
  const results: { c: MemCase; same: number; gbs: Record<string, number | null> }[] = [];
  for (const c of cases()) {
    const gbs: Record<string, number | null> = {};
    const same = copyBandwidth(Math.max(1024, Math.round(c.bytes / 8)), targetMs);
    const measure = (be: Backend, ms: number, minRuns: number) => {
      const fn = c.make(be);
      return c.bytes / time(fn, ms, minRuns).medianMs / 1e6;
    };
    if (native) {
      for (const t of o.threads) {
        setNumThreads(t);
        gbs[`native ${t}T`] = measure(native, targetMs, 5);
      }
    }
    for (const be of others) {
      if (c.agnostic && (native || be.name !== 'wasm')) gbs[be.name] = null;
      else gbs[be.name] = measure(be, be.name === 'ref' ? Math.min(targetMs, 60) : targetMs, be.name === 'ref' ? 3 : 5);
    }
    results.push({ c, same, gbs });
  }
  if (native) setNumThreads(prev);
  samples.push(copyBandwidth());
  const copyGBs = median(samples);
  const pct = (v: number | null, of: number) => (v === null ? null : `${Math.round((100 * v) / of)}%`);
  const rows = results.map(({ c, same, gbs }) => {
    const row: Row = { kernel: c.kernel, shape: c.shape, 'MB/call': c.bytes / 1e6, 'same-size copy GB/s': same };
    for (const [k, v] of Object.entries(gbs)) {
      row[`${k} GB/s`] = v;
      if (k.startsWith('native')) {
        row[`${k.slice(7)} %copy`] = pct(v, copyGBs);
        row[`${k.slice(7)} %same`] = pct(v, same);
      }
    }
    return row;
  });
  return { copyGBs, copySamplesGBs: samples, copyActivationGBs, rows };
}
