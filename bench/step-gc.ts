/**
 * What one train step of a checkout costs beyond its wall time, in figures other jobs on the machine do not
 * change: garbage collections per step (perf_hooks 'gc' entries: minor = scavenges, major = everything
 * else: mark-compacts, incremental-marking and weak-callback phases), CPU per step
 * (process.cpuUsage: every thread of the process, pool workers and V8's GC threads included), minor page
 * faults per step. Prints one JSON line; run it once per checkout (GC is per process, so two trees in one
 * process would share it).
 *
 *   npx tsx bench/step-gc.ts <tree> [batch=128 | cnn | lstm] [threads=1] [steps=50]
 *
 * The tree is a checkout with node_modules and a built addon (e.g. `git worktree add` of an old commit);
 * the step is bench/reference-step.ts with that tree's modules, on the native backend, after 10 warm-up steps,
 * or with `cnn` / `lstm` the example model's step (bench/example-steps.ts sizes, the tree's src/ and examples/).
 * Besides the means it prints the spread of wall time per step (min, median, p90, max) and how many steps a
 * collection fell in: a step that allocates fresh arrays makes V8 collect for external memory pressure.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { treeStep } from './reference-step.js';

const [tree, batchArg = '128', threadsArg = '1', stepsArg = '50'] = process.argv.slice(2);
if (!tree) throw new Error('usage: step-gc.ts <tree> [batch|cnn|lstm] [threads] [steps]');
const example = batchArg === 'cnn' || batchArg === 'lstm' ? batchArg : null;
const batch = example === null ? Number(batchArg) : 32;
const steps = Number(stepsArg);

/** The CNN or LSTM example's train step built from `tree` (as bench/example-step-ab.ts builds it). */
async function exampleStep(name: 'cnn' | 'lstm'): Promise<{ step: () => void; select: { backendInfo(): { threads: number } } }> {
  const from = (p: string) => import(pathToFileURL(resolve(tree!, p)).href);
  const select = await from('src/backend/select.ts');
  const { nn, optim, randn, randint, manualSeed } = await from('src/index.ts');
  const { DigitCnn, LstmClassifier } = await from('examples/models.ts');
  select.availableBackends();
  select.setBackend('native');
  select.setNumThreads(Number(threadsArg));
  manualSeed(0);
  const lossFn = new nn.CrossEntropyLoss();
  const [m, x, y, lengths] = name === 'cnn'
    ? [new DigitCnn({ channels1: 16, channels2: 32 }), randn([32, 1, 28, 28]), randint(0, 10, [32]), null]
    : [new LstmClassifier({ vocab: 12, embeddingDim: 128, hiddenSize: 128, numClasses: 2 }), randint(1, 12, [32, 64]),
      randint(0, 2, [32]), new Array<number>(32).fill(64)];
  const opt = new optim.Adam(m.parameters(), { lr: 1e-3 });
  m.train();
  return {
    select,
    step: () => {
      opt.zeroGrad();
      lossFn.forward(lengths === null ? m.forward(x) : m.forward(x, lengths), y).backward();
      opt.step();
    },
  };
}

const { step, select: sel } = example === null ? await treeStep(tree, 'native', Number(threadsArg), batch) : await exampleStep(example);
for (let i = 0; i < 10; i++) step();

let minor = 0;
let major = 0;
let gcMs = 0;
const gcStarts: number[] = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
    else major++;
    gcMs += e.duration;
    gcStarts.push(e.startTime);
  }
});
obs.observe({ entryTypes: ['gc'] });
const wall: number[] = [];
const spans: [number, number][] = [];
const f0 = process.resourceUsage().minorPageFault;
const c0 = process.cpuUsage();
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  step();
  const t1 = performance.now();
  wall.push(t1 - t0);
  spans.push([t0, t1]);
}
const c1 = process.cpuUsage(c0);
const faults = process.resourceUsage().minorPageFault - f0;
await new Promise((r) => setTimeout(r, 100)); // the observer's callback runs from the event loop
obs.disconnect();
wall.sort((a, b) => a - b);
const per = (x: number) => +(x / steps).toFixed(2);
const stepsWithGc = spans.filter(([t0, t1]) => gcStarts.some((g) => g >= t0 && g < t1)).length;
console.log(JSON.stringify({
  tree, model: example ?? 'reference', batch, threads: sel.backendInfo().threads, steps,
  wallMinMs: +wall[0].toFixed(2), wallMedianMs: +wall[wall.length >> 1].toFixed(2),
  wallP90Ms: +wall[Math.min(steps - 1, Math.ceil(0.9 * steps) - 1)].toFixed(2), wallMaxMs: +wall[steps - 1].toFixed(2), stepsWithGc,
  cpuMsPerStep: per((c1.user + c1.system) / 1000), minorGcPerStep: per(minor), majorGcPerStep: per(major),
  gcPauseMsPerStep: per(gcMs), pageFaultsPerStep: per(faults),
}));
