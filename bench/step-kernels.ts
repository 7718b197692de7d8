/**
 * Where the native train step's time goes, kernel by kernel: the reference step (bench/reference-step.ts)
 * with every native kernel call timed (wall time around the call), per step:
 * - each kernel kind's milliseconds, calls, and the bytes its array arguments hold (each array read or
 *   written once: the least traffic the kernel can have), as GB/s;
 * - the conv kernels' GFLOP/s (2 * n * cIn/groups * cOut * k * lOut per call) against a peak given on the
 *   command line (bench/fma_peak or the `npm run bench` machine line), and what kernels at that peak would
 *   save;
 * - the memory-bound kernels' time against a copy bandwidth given on the command line (what they would
 *   cost at that bandwidth);
 * - the step's wall time and the part outside the kernels (TypeScript: autograd, cat and adaptive average
 *   pooling, loss, allocation), the serial share an extra thread cannot split; with it, Amdahl's bound on
 *   the 2-thread speedup if every kernel split perfectly.
 *
 *   npx tsx bench/step-kernels.ts [batch=128] [threads=1] [steps=30] [peakGflops=115] [copyGBs=80] [wall|cpu]
 *
 * Timing each call adds two clock reads per kernel (~200 calls per step), which is noise at batch 128.
 * On a loaded machine wall times stretch with every other job; with `cpu` as the last argument the
 * kernels and the step are timed in process CPU time instead (process.cpuUsage: every thread of the
 * process, so on 2 threads a kernel's figure is the work of both, and the step's includes idle spinning),
 * which other jobs change far less.
 */
import { _resetBackendsForTest, setBackend, setNumThreads } from '../src/backend/select.js';
import { loadNativeBackend } from '../src/backend/native.js';
import type { Backend } from '../src/backend/backend.js';
import { Inception1d } from '../src/models/inception1d.js';
import { CrossEntropyLoss } from '../src/nn/index.js';
import { SGD } from '../src/optim/index.js';
import { randn, randint } from '../src/creation.js';
import { Generator } from '../src/util/generator.js';
import { referenceStep } from './reference-step.js';

const [batchArg = '128', threadsArg = '1', stepsArg = '30', peakArg = '115', copyArg = '80', clockArg = 'wall'] =
  process.argv.slice(2);
/** Milliseconds on the chosen clock: wall (performance.now) or the process's CPU time. */
const now = clockArg === 'cpu'
  ? () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  : () => performance.now();
const batch = Number(batchArg);
const steps = Number(stepsArg);
const peak = Number(peakArg);
const copyGBs = Number(copyArg);

interface Tally { ms: number; calls: number; bytes: number; flop: number }
const tally = new Map<string, Tally>();
let recording = false;

/** Bytes held by the typed-array arguments of one call. */
function argBytes(args: unknown[]): number {
  let b = 0;
  for (const a of args) if (ArrayBuffer.isView(a)) b += a.byteLength;
  return b;
}

/** Multiply-adds x 2 of a conv1d kernel call, from its params (the last argument); 0 for other kernels. */
function convFlop(name: string, p: Record<string, number> | undefined): number {
  if (!name.startsWith('conv1d') || !p) return 0;
  return 2 * p.n! * (p.cIn! / (p.groups ?? 1)) * p.cOut! * p.k! * p.lOut!;
}

_resetBackendsForTest({
  native: () => {
    const inner = loadNativeBackend() as unknown as Record<string, unknown>;
    const timed: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(inner)) {
      if (typeof v !== 'function') {
        timed[name] = v;
        continue;
      }
      const f = v as (...a: unknown[]) => unknown;
      timed[name] = (...args: unknown[]) => {
        const t0 = now();
        const r = f(...args);
        const dt = now() - t0;
        if (recording) {
          const e = tally.get(name) ?? { ms: 0, calls: 0, bytes: 0, flop: 0 };
          e.ms += dt;
          e.calls++;
          e.bytes += argBytes(args);
          e.flop += convFlop(name, args[args.length - 1] as Record<string, number> | undefined);
          tally.set(name, e);
        }
        return r;
      };
    }
    return timed as unknown as Backend;
  },
});
setBackend('native');
setNumThreads(Number(threadsArg));
const step = referenceStep({ Inception1d, CrossEntropyLoss, SGD, randn, randint, Generator }, batch);
for (let i = 0; i < 10; i++) step();
recording = true;
const t0 = now();
for (let i = 0; i < steps; i++) step();
const stepMs = (now() - t0) / steps;

const rows = [...tally].map(([name, e]) => ({ name, ms: e.ms / steps, calls: e.calls / steps, bytes: e.bytes / steps, flop: e.flop / steps }))
  .sort((a, b) => b.ms - a.ms);
const kernelMs = rows.reduce((s, r) => s + r.ms, 0);
const pct = (ms: number) => `${((100 * ms) / stepMs).toFixed(1)}%`;
console.log(`batch ${batch}, ${threadsArg} thread(s), ${steps} steps, ${clockArg} clock, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| kernel | ms / step | share | calls | MB moved | GB/s | GFLOP/s |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  const gflops = r.flop > 0 ? (r.flop / r.ms / 1e6).toFixed(1) : '';
  console.log(`| ${r.name} | ${r.ms.toFixed(2)} | ${pct(r.ms)} | ${r.calls} | ${(r.bytes / 1e6).toFixed(1)} | ${(r.bytes / r.ms / 1e6).toFixed(1)} | ${gflops} |`);
}
const outside = stepMs - kernelMs;
console.log(`| outside the kernels (TypeScript) | ${outside.toFixed(2)} | ${pct(outside)} | | | | |`);
console.log(`| step | ${stepMs.toFixed(2)} | 100% | | | | |`);

const conv = rows.filter((r) => r.flop > 0);
const convMs = conv.reduce((s, r) => s + r.ms, 0);
const convFlops = conv.reduce((s, r) => s + r.flop, 0);
const convAtPeak = convFlops / peak / 1e6;
console.log(`conv kernels: ${convMs.toFixed(2)} ms, ${(convFlops / 1e9).toFixed(3)} GFLOP, ` +
  `${(convFlops / convMs / 1e6).toFixed(1)} GFLOP/s = ${((100 * convFlops) / convMs / 1e6 / peak).toFixed(0)}% of ${peak}; ` +
  `at peak ${convAtPeak.toFixed(2)} ms: a perfect kernel saves ${(convMs - convAtPeak).toFixed(2)} ms (${pct(convMs - convAtPeak)})`);
const mem = rows.filter((r) => r.flop === 0 && r.name !== 'matmul');
const memMs = mem.reduce((s, r) => s + r.ms, 0);
const memBytes = mem.reduce((s, r) => s + r.bytes, 0);
const memAtCopy = memBytes / copyGBs / 1e6;
console.log(`memory-bound kernels: ${memMs.toFixed(2)} ms, ${(memBytes / 1e6).toFixed(1)} MB, ${(memBytes / memMs / 1e6).toFixed(1)} GB/s; ` +
  `at ${copyGBs} GB/s ${memAtCopy.toFixed(2)} ms: saves ${(memMs - memAtCopy).toFixed(2)} ms (${pct(memMs - memAtCopy)})`);
const s = outside / stepMs;
console.log(`serial share (outside the kernels) ${(100 * s).toFixed(1)}%: Amdahl bound on 2 threads ${(1 / (s + (1 - s) / 2)).toFixed(2)}x ` +
  `(every kernel split perfectly)`);
