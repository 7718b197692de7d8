/**
 * What the wasm backend's staging copies cost per kernel in the CNN example's train step (DigitCnn 16/32 ch
 * on (32, 1, 28, 28), Adam): every kernel of the backend is wrapped to tally, per step, the bytes the adapter
 * copies in (arrays the kernel reads) and out (arrays it writes), by the kernel's manifest roles, and the
 * kernel's own time with its copies. The copies are then timed alone as TypedArray.set calls of the same
 * sizes between two buffers (what copyIn / copyOut do), so the table says how much of each kernel's time is
 * staging: `node --import tsx bench/wasm-staging.ts [steps]`. CPU time (process.cpuUsage), 1 thread.
 */
import { getBackend, setBackend } from '../src/backend/select.js';
import { kernelSpec, KERNEL_NAMES, type KernelName } from '../src/backend/manifest.js';
import { cnnExampleStep } from './cnn-example-step.js';

type AnyArray = Float32Array | Float64Array | Int32Array | Uint8Array;
const steps = Number(process.argv[2] ?? 100);
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

setBackend('wasm');
const backend = getBackend() as unknown as Record<string, (...a: unknown[]) => void>;
/** Per kernel: calls, copies (byte counts, in and out) of one step, and CPU ms with the copies. */
const tally = new Map<KernelName, { calls: number; copies: number[]; ms: number }>();
let recording = false;
for (const k of KERNEL_NAMES) {
  const fn = backend[k]!;
  const args = kernelSpec(k).args;
  backend[k] = (...a: unknown[]) => {
    const t0 = cpuMs();
    fn(...a);
    if (!recording) return;
    const t = tally.get(k) ?? { calls: 0, copies: [], ms: 0 };
    t.ms += cpuMs() - t0;
    t.calls++;
    if (t.copies.length < 64) {
      args.forEach((s, i) => {
        const arr = a[i] as AnyArray | null;
        if (arr === null || !ArrayBuffer.isView(arr)) return;
        if (s.role !== 'out') t.copies.push(arr.byteLength); // copied in
        if (s.role !== 'in') t.copies.push(arr.byteLength); // copied out
      });
    }
    tally.set(k, t);
  };
}

const step = cnnExampleStep();
for (let i = 0; i < 10; i++) step();
// one recorded step for the copy sizes (copies of the first step, at most 64 per kernel), then the timing
recording = true;
step();
const sizes = new Map([...tally].map(([k, t]) => [k, { perStep: t.calls, copies: t.copies.slice() }]));
tally.clear();
const c0 = cpuMs();
for (let i = 0; i < steps; i++) step();
const stepMs = (cpuMs() - c0) / steps;
recording = false;

/**
 * CPU ms of one byte-for-byte copy of each size (TypedArray.set), minimum of 20 rounds. The copies walk
 * through two 64 MiB buffers (past the caches, as the step's 38 MB of tensors are) into memory that was
 * written before; a fresh output array's first-touch page faults are not in this figure.
 */
const BUF = 1 << 26;
const src = new Uint8Array(BUF).fill(1), dst = new Uint8Array(BUF).fill(1);
let at = 0;
function copyMs(bytes: number[]): number {
  let best = Infinity;
  for (let r = 0; r < 20; r++) {
    const t0 = cpuMs();
    for (const b of bytes) {
      if (at + b > BUF) at = 0;
      dst.set(src.subarray(at, at + b), (BUF - b - at) & ~63);
      at += (b + 63) & ~63;
    }
    best = Math.min(best, cpuMs() - t0);
  }
  return best;
}
console.log(`step: ${stepMs.toFixed(2)} CPU ms (${steps} steps)`);
console.log('kernel'.padEnd(24), 'calls', 'kernel ms', 'copied MB', 'copies ms (est.)');
let totalCopy = 0;
for (const [k, t] of [...tally].sort((p, q) => q[1].ms - p[1].ms)) {
  const s = sizes.get(k)!;
  const mb = s.copies.reduce((p, q) => p + q, 0) / 1e6;
  const cm = copyMs(s.copies);
  totalCopy += cm;
  console.log(k.padEnd(24), String(s.perStep).padStart(5), (t.ms / steps).toFixed(3).padStart(9),
    mb.toFixed(2).padStart(9), cm.toFixed(3).padStart(16));
}
console.log(`copies in all: ${totalCopy.toFixed(2)} ms of ${stepMs.toFixed(2)} (${(100 * totalCopy / stepMs).toFixed(1)}%)`);
