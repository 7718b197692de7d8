/**
 * A/B of the reference model's train step between two checkouts (or two backends) in one process: both
 * trees' module graphs load side by side (each with its own backend selection and wasm instance), and the
 * steps alternate A, B, A, B, ... so that load from other jobs falls on both sides alike. Prints one JSON
 * line: wall and CPU time per step (process.cpuUsage: time this process ran, so other jobs' time slices on
 * a shared machine do not count), min and median, and the median of the per-pair ratios B / A.
 *
 *   npx tsx bench/train-step-ab.ts <treeA> <treeB> [backendA=wasm] [backendB=wasm] [batch=32] [pairs=40] [threads=1]
 *
 * A tree is a checkout with node_modules and built wasm / addon (e.g. a `git worktree` of the old commit).
 * The two backends must come from different trees (one tree has one backend selection). The native addon
 * is loaded in both trees first (its malloc tuning is process-wide, as in `npm run bench`); native runs on
 * `threads` threads (each tree's addon has its own pool). The losses printed last must agree.
 */
import { treeStep } from './reference-step.js';
import { alternatePairs } from './ab-pairs.js';

const [treeA, treeB, backendA = 'wasm', backendB = 'wasm', batchArg = '32', pairsArg = '40', threadsArg = '1'] = process.argv.slice(2);
if (!treeA || !treeB) throw new Error('usage: train-step-ab.ts <treeA> <treeB> [backendA] [backendB] [batch] [pairs]');
const batch = Number(batchArg);
const pairs = Number(pairsArg);
const threads = Number(threadsArg);

const a = (await treeStep(treeA, backendA, threads, batch)).step;
const b = (await treeStep(treeB, backendB, threads, batch)).step;
const { wallA, wallB, cpuA, cpuB, lossA, lossB } = alternatePairs(a, b, pairs, 5);
const ratio = wallA.map((w, i) => wallB[i]! / w);
const at = (xs: number[], q: number) => +[...xs].sort((p, r) => p - r)[Math.floor(q * (xs.length - 1))]!.toFixed(2);
console.log(JSON.stringify({
  A: `${treeA}:${backendA}`, B: `${treeB}:${backendB}`, batch, pairs, threads,
  wallMinA: at(wallA, 0), wallMinB: at(wallB, 0), wallMedA: at(wallA, 0.5), wallMedB: at(wallB, 0.5),
  cpuMinA: at(cpuA, 0), cpuMinB: at(cpuB, 0), cpuMedA: at(cpuA, 0.5), cpuMedB: at(cpuB, 0.5),
  cpuMinRatio: +(at(cpuB, 0) / at(cpuA, 0)).toFixed(3), medianPairRatio: at(ratio, 0.5), lossA, lossB,
}));
