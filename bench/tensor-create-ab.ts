/**
 * A/B of the cost of creating small tensors between two checkouts in one process (as
 * bench/train-step-ab.ts does for the train step): each tree's src/index.ts loads side by side and the
 * rounds alternate A, B, A, B, ... so that load from other jobs falls on both sides alike. A round
 * creates `count` 4-element float32 tensors with the constructor and as many views (`view([2, 2])`),
 * keeping the last few alive so the work cannot be dropped. Prints one JSON line: CPU time per round
 * (process.cpuUsage) for each kind and side, min and median, and the median of the per-pair ratios B / A.
 *
 *   npx tsx bench/tensor-create-ab.ts <treeA> <treeB> [count=1000000] [rounds=9]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Tensor } from '../src/tensor.js';

const [treeA, treeB, countArg = '1000000', roundsArg = '9'] = process.argv.slice(2);
if (!treeA || !treeB) throw new Error('usage: tensor-create-ab.ts <treeA> <treeB> [count] [rounds]');
const count = Number(countArg);
const rounds = Number(roundsArg);

type TensorClass = typeof Tensor;
const load = async (tree: string): Promise<TensorClass> =>
  (await import(pathToFileURL(resolve(tree, 'src/index.ts')).href)).Tensor as TensorClass;

const keep: Tensor[] = new Array(16);
/** `count` fresh tensors from the constructor. */
const creates = (T: TensorClass) => () => {
  for (let i = 0; i < count; i++) keep[i & 15] = new T(new Float32Array(4), [4]);
};
/** `count` views of one tensor. */
const views = (T: TensorClass) => {
  const src = new T(new Float32Array(4), [4]);
  return () => {
    for (let i = 0; i < count; i++) keep[i & 15] = src.view([2, 2]);
  };
};

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const timed = (f: () => void) => {
  const c0 = cpuMs();
  f();
  return cpuMs() - c0;
};
const at = (xs: number[], q: number) => +[...xs].sort((p, r) => p - r)[Math.floor(q * (xs.length - 1))]!.toFixed(2);

const A = await load(treeA);
const B = await load(treeB);
const result: Record<string, unknown> = { A: treeA, B: treeB, count, rounds };
for (const [kind, make] of [['create', creates], ['view', views]] as const) {
  const a = make(A);
  const b = make(B);
  a();
  b();
  const ta: number[] = [], tb: number[] = [], ratio: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const x = timed(a);
    const y = timed(b);
    ta.push(x);
    tb.push(y);
    ratio.push(y / x);
  }
  Object.assign(result, {
    [`${kind}CpuMinA`]: at(ta, 0), [`${kind}CpuMinB`]: at(tb, 0),
    [`${kind}CpuMedA`]: at(ta, 0.5), [`${kind}CpuMedB`]: at(tb, 0.5), [`${kind}MedianPairRatio`]: at(ratio, 0.5),
  });
}
console.log(JSON.stringify(result));
