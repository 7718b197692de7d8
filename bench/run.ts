/**
 * `npm run bench`: every target of the speed issue, each figure beside its baseline measured in the same
 * run (PyTorch / numpy in child processes, the copy bandwidth, the other backends), threads stated; prints
 * tables and a targets summary, and writes JSON to bench/results/bench-<time>.json.
 *
 * Flags:
 *   --quick              shorter timings, one round, no wasm batch 128, no user's loop
 *   --only <groups>      comma-separated: conv, matmul, memory, train, examples, loop; `kernels` = conv,matmul,memory
 *   --threads <n[,m]>    native / PyTorch / numpy thread counts to measure (default 1,2)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { spawnSync } from 'node:child_process';
import { availableBackends, unavailableBackends } from '../src/backend/select.js';
import { benchKernels } from './kernels.js';
import { benchMatmul } from './matmul.js';
import { benchMemory } from './memory.js';
import { benchTrainStep } from './train-step.js';
import { benchLoop } from './loop.js';
import { benchExampleSteps } from './example-steps.js';
import { machineInfo, printMachine } from './machine.js';
import { busy, note, notes, printTable, type BenchOptions, type Row } from './harness.js';

const GROUPS = ['conv', 'matmul', 'memory', 'train', 'examples', 'loop'] as const;
type Group = (typeof GROUPS)[number];

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const onlyArg = flag('--only');
let groups: Group[] = [...GROUPS];
if (onlyArg) {
  const asked = onlyArg.split(',').flatMap((g) => (g === 'kernels' ? ['conv', 'matmul', 'memory'] : [g]));
  const bad = asked.filter((g) => !(GROUPS as readonly string[]).includes(g));
  if (bad.length) throw new RangeError(`bench: --only takes ${[...GROUPS, 'kernels'].join(', ')} (comma-separated), got '${bad.join(',')}'`);
  groups = asked as Group[];
}
if (quick && groups.includes('loop') && !onlyArg?.split(',').includes('loop')) groups = groups.filter((g) => g !== 'loop');
const threadArg = flag('--threads');
const threads = threadArg ? threadArg.split(',').map(Number) : [1, 2];
if (!threads.every((t) => Number.isInteger(t) && t >= 1)) throw new RangeError(`bench: --threads takes positive integers, got '${threadArg}'`);
const o: BenchOptions = { quick, threads: [...new Set(threads)].sort((a, b) => a - b) };

const load = () => loadavg().map((x) => Number(x.toFixed(2)));
const loadStart = load();
const machine = machineInfo(o.threads);
const backends = availableBackends();
printMachine(machine);
console.log(`backends: ${backends.map((b) => b.name).join(', ')}${unavailableBackends().map((u) => `; ${u.name} unavailable (${u.reason})`).join('')}`);
console.log(`threads measured: ${o.threads.join(', ')} (native pool, torch.set_num_threads, OpenBLAS); wasm and ref: 1 thread; ` +
  `load average at start: ${loadStart.join(' ')} on ${machine.cores} cores${quick ? '; --quick' : ''}`);

const result: Record<string, unknown> = { date: new Date().toISOString(), commit: gitCommit(), args, threads: o.threads, machine };
const targets: Row[] = [];
const target = (name: string, measured: string | null, goal: string, met: boolean | null) =>
  targets.push({ target: name, measured, goal, status: met === null ? 'n/a' : met ? 'met' : 'MISSED' });
const x = (s: string | null | undefined) => (s ? Number(s.replace(/x$/, '')) : null);
const busyBySection: Record<string, ReturnType<typeof busy>> = {};
let warnedBusy = false;
const section = (group: Group, title: string) => {
  const b = busy();
  busyBySection[group] = b;
  console.log(`\n== ${title}\n[load average ${b.load1}${b.cpuPressure10s === null ? '' : `, CPU pressure ${b.cpuPressure10s}% (tasks waiting for a CPU, last 10 s)`}]`);
  if (!warnedBusy && b.load1 > machine.cores + 0.5) {
    warnedBusy = true;
    note(`other jobs share this machine (load ${b.load1} on ${machine.cores} cores): multi-thread figures on both sides suffer most ` +
      '(a thread waiting for a descheduled peer); read the min columns beside the medians');
  }
};

if (groups.includes('train')) {
  section('train', 'train step of the reference Inception1d (zeroGrad + forward + CrossEntropyLoss + backward + SGD), random input');
  const r = benchTrainStep(backends, o);
  console.log(`PyTorch: ${r.torch ?? 'n/a'}, same threads, MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_=4294967296; ` +
    `interleaved (PyTorch, then native, then wasm) over ${r.rounds} round(s), medians; ratio = our time / PyTorch's (target <= 0.25x)`);
  printTable(r.native);
  if (r.speedup) {
    console.log('\n2 threads vs 1 at batch 128 (target >= 1.7x):');
    printTable([r.speedup]);
  }
  if (r.wasm.length) {
    console.log('\nwasm (1 thread) vs native at the same batch (target <= 2.5x) and vs PyTorch on 1 thread (target < 1x):');
    printTable(r.wasm);
  }
  result.trainStep = r;
  for (const row of r.native) {
    const v = row['native/PyTorch'] as string | null;
    target(`train step, batch ${row.batch}, ${row.threads}T: native / PyTorch`, v, '<= 0.25x', v ? x(v)! <= 0.25 : null);
  }
  const s = r.speedup?.['native 2T speedup'] as string | undefined;
  if (r.speedup) target('train step, batch 128: native 2T speedup over 1T', s ?? null, '>= 1.7x', s ? x(s)! >= 1.7 : null);
  for (const row of r.wasm) {
    for (const t of [1, 2]) {
      const v = row[`wasm/native ${t}T`] as string | null;
      if (v) target(`wasm step, batch ${row.batch}: wasm / native ${t}T`, v, '<= 2.5x', x(v)! <= 2.5);
    }
    const v = row['wasm/PyTorch 1T'] as string | null;
    target(`wasm step, batch ${row.batch}: wasm / PyTorch 1T`, v, '< 1x', v ? x(v)! < 1 : null);
  }
}

if (groups.includes('examples')) {
  section('examples', 'train steps of the example models (examples/models.ts: small CNN on 28x28, LSTM seq 64 h 128, transformer encoder seq 64 d 128)');
  const r = benchExampleSteps(backends, o);
  console.log(`PyTorch: ${r.torch ?? 'n/a'}, same threads (wasm rows: PyTorch on 1 thread), MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_=4294967296; ` +
    `interleaved (PyTorch, then native, per thread count, then wasm) over ${r.rounds} round(s); ms per step, medians and minimums; ratio = our time / PyTorch's`);
  printTable(r.rows);
  result.exampleSteps = r;
}

if (groups.includes('matmul')) {
  section('matmul', 'matmul, square, native kernel vs numpy float32 matmul at the same threads (target >= 0.9x), GFLOP/s');
  const r = benchMatmul(backends, o);
  console.log(`numpy: ${r.baseline ?? 'n/a'}; one child per round and thread count, right before ours; medians`);
  printTable(r.rows);
  result.matmul = r;
  for (const row of r.rows) {
    target(`matmul ${row.n}, ${row.threads}T: native / numpy`, row.ratio, '>= 0.9x', row.ratio ? x(row.ratio)! >= 0.9 : null);
  }
}

if (groups.includes('memory')) {
  section('memory', 'memory-bound kernels at the model\'s shapes (batch 32), buffers reused; GB/s = bytes read + written per call / time');
  const r = benchMemory(backends, o);
  console.log(`copy bandwidth (Float32Array.set, 64 MiB, 1 thread, before and after the kernels): ${r.copySamplesGBs.map((g) => g.toFixed(1)).join(', ')} GB/s ` +
    `-> ${r.copyGBs.toFixed(1)} GB/s is 100% (%copy); at 2.4 MB (cache-resident) ${r.copyActivationGBs.toFixed(1)} GB/s. ` +
    `%same: of a Float32Array.set copy of the same counted bytes, timed just before the row. Target >= 50%.`);
  printTable(r.rows);
  result.memory = r;
  for (const t of o.threads) {
    for (const [key, what] of [['copy', '64 MiB copy'], ['same', 'same-size copy']]) {
      const vals = r.rows.map((row) => row[`${t}T %${key}`]).filter((v): v is string => typeof v === 'string').map((v) => Number(v.replace('%', '')));
      if (vals.length === 0) continue;
      const met = vals.filter((v) => v >= 50).length;
      target(`memory-bound kernels, native ${t}T: rows >= 50% of ${what}`, `${met}/${vals.length} (worst ${Math.min(...vals)}%)`, 'all', met === vals.length);
    }
  }
}

if (groups.includes('conv')) {
  section('conv', 'compute kernels per backend (batch 32 conv shapes of the model), GFLOP/s, median');
  const rows = benchKernels(backends, o);
  printTable(rows);
  result.kernels = rows;
}

if (groups.includes('loop')) {
  section('loop', `the user's loop: npm run train, 5 epochs x 3,750 samples, whole-process wall time vs the same loop in PyTorch (target <= 0.3x)`);
  const r = benchLoop(o);
  if (r) {
    printTable([r.row]);
    const v = r.row['ours/PyTorch'] as string | null;
    target(`user's loop (npm run train, 5 x 3,750), ${r.threads}T: ours / PyTorch`, v, '<= 0.3x', v ? x(v)! <= 0.3 : null);
    const v1 = r.row['ours/PyTorch 1T'] as string | null | undefined;
    if (v1) target(`user's loop, ${r.threads}T: ours / PyTorch 1T (context)`, v1, '<= 0.3x', x(v1)! <= 0.3);
  }
  result.loop = r;
}

const loadEnd = load();
result.load = { start: loadStart, end: loadEnd, bySection: busyBySection };
console.log(`\n== targets (load average at start ${loadStart.join(' ')}, at end ${loadEnd.join(' ')}, ${machine.cores} cores)`);
if (targets.length) printTable(targets);
else note('no targets measured in the groups asked for');
result.targets = targets;
result.notes = notes;
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/bench-${Date.now()}.json`, import.meta.url);
writeFileSync(file, JSON.stringify(result, null, 2));
console.log(`\nJSON: ${file.pathname}`);

function gitCommit(): string | null {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname });
  return r.status === 0 ? r.stdout.trim() : null;
}
