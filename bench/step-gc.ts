/**
 * What one train step of a checkout costs beyond its wall time, in figures other jobs on the machine do not
 * change: garbage collections per step (perf_hooks 'gc' entries: minor = scavenges, major = everything
 * else: mark-compacts, incremental-marking and weak-callback phases), CPU per step
 * (process.cpuUsage: every thread of the process, pool workers and V8's GC threads included), minor page
 * faults per step. Prints one JSON line; run it once per checkout (GC is per process, so two trees in one
 * process would share it).
 *
 *   npx tsx bench/step-gc.ts <tree> [batch=128] [threads=1] [steps=50]
 *
 * The tree is a checkout with node_modules and a built addon (e.g. `git worktree add` of an old commit);
 * the step is bench/reference-step.ts with that tree's modules, on the native backend, after 10 warm-up steps.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { treeStep } from './reference-step.js';

const [tree, batchArg = '128', threadsArg = '1', stepsArg = '50'] = process.argv.slice(2);
if (!tree) throw new Error('usage: step-gc.ts <tree> [batch] [threads] [steps]');
const batch = Number(batchArg);
const steps = Number(stepsArg);

const { step, select: sel } = await treeStep(tree, 'native', Number(threadsArg), batch);
for (let i = 0; i < 10; i++) step();

let minor = 0;
let major = 0;
let gcMs = 0;
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
    else major++;
    gcMs += e.duration;
  }
});
obs.observe({ entryTypes: ['gc'] });
const wall: number[] = [];
const f0 = process.resourceUsage().minorPageFault;
const c0 = process.cpuUsage();
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  step();
  wall.push(performance.now() - t0);
}
const c1 = process.cpuUsage(c0);
const faults = process.resourceUsage().minorPageFault - f0;
await new Promise((r) => setTimeout(r, 100)); // the observer's callback runs from the event loop
obs.disconnect();
wall.sort((a, b) => a - b);
const per = (x: number) => +(x / steps).toFixed(2);
console.log(JSON.stringify({
  tree, batch, threads: sel.backendInfo().threads, steps,
  wallMinMs: +wall[0].toFixed(2), wallMedianMs: +wall[wall.length >> 1].toFixed(2),
  cpuMsPerStep: per((c1.user + c1.system) / 1000), minorGcPerStep: per(minor), majorGcPerStep: per(major),
  gcPauseMsPerStep: per(gcMs), pageFaultsPerStep: per(faults),
}));
