/** Collectives at 2 and 3 ranks through the launcher, against closed forms computed here. */
import { describe, expect, it } from 'vitest';
import { ENGINES, engineArgs, launch, results, worker } from './helpers.js';

const value = (i: number, r: number): number => ((i * 7 + r * 13) % 17) - 8 + (i % 1000);

const reduce = (op: string, vs: number[]): number => {
  const sum = vs.reduce((a, b) => a + b, 0);
  return op === 'sum' ? sum : op === 'avg' ? Math.fround(Math.fround(sum) / vs.length) : op === 'max' ? Math.max(...vs) : Math.min(...vs);
};

describe.each(ENGINES)('distributed collectives ($engine)', ({ engine, skip }) => {
  it.skipIf(skip).each([2, 3])('%i ranks: allReduce sum/avg/max/min bit-exact, broadcast, allGather, reduceScatter, barrier, async work, errors', async (world) => {
    const run = await launch([...engineArgs(engine), '--nproc-per-node', String(world)], worker('collectives.ts'));
    expect(run.code, run.stderr).toBe(0);
    const res = results(run.stdout);
    expect(Object.keys(res).length).toBe(world);
    for (let rank = 0; rank < world; rank++) {
      const r = res[rank];
      expect(r.rank).toBe(rank);
      expect(r.world).toBe(world);
      expect(r.isInitialized).toBe(true);
      for (const n of [1, 7]) {
        const vs = (i: number): number[] => Array.from({ length: world }, (_, q) => value(i, q));
        const sum = (i: number): number => vs(i).reduce((a, b) => a + b, 0);
        const idx = Array.from({ length: n }, (_, i) => i);
        expect(r[`sum${n}`]).toEqual(idx.map(sum));
        expect(r[`avg${n}`]).toEqual(idx.map((i) => Math.fround(sum(i) / world)));
        expect(r[`max${n}`]).toEqual(idx.map((i) => Math.max(...vs(i))));
        expect(r[`min${n}`]).toEqual(idx.map((i) => Math.min(...vs(i))));
      }
      // 300,007 elements were checked by the worker: -1 means no element differed.
      for (const op of ['sum', 'avg', 'max', 'min']) expect(r[`${op}300007`]).toBe(-1);
      const src = world - 1;
      expect(r.broadcast).toEqual([src, src * 10, -src]);
      expect(r.allGather).toEqual(Array.from({ length: world }, (_, q) => [q, q + 0.5]));
      // reduceScatter: rank r gets the reduction over ranks q of q's inputList[r] = [10r + q, -q - 1, q^2 + r + 0.5].
      const qs = Array.from({ length: world }, (_, q) => q);
      for (const op of ['sum', 'avg', 'max', 'min']) {
        expect(r[`reduceScatter_${op}`], op).toEqual([
          reduce(op, qs.map((q) => rank * 10 + q)), reduce(op, qs.map((q) => -q - 1)), reduce(op, qs.map((q) => Math.fround(q * q + rank + 0.5))),
        ]);
        expect(r[`reduceScatter_${op}_inputsKept`]).toBe(true);
      }
      expect(r.reduceScatterBig).toBe('ok');
      const tri = (world * (world + 1)) / 2;
      expect(r.async).toEqual([[tri], [2 * world], [0]]);
      expect(r.asyncCompleted).toBe(true);
      expect(r.errors).toEqual([
        "RangeError: allReduce: op must be 'sum', 'avg', 'max' or 'min', got 'prod'",
        `RangeError: broadcast: src must be a rank in [0, ${world}), got ${world}`,
        `RangeError: allGather: tensorList must be an array of ${world} tensors (the world size), got an array`,
        'RangeError: reduceScatter: inputList[0] has 3 elements, expected 2 like the output',
        `RangeError: reduceScatter: inputList must be an array of ${world} tensors (the world size), got an array`,
        'TypeError: allReduce: expected tensor to be a Tensor, got an array',
        'Error: initProcessGroup: trying to initialize the default process group twice!',
      ]);
      expect(r.afterDestroy).toBe(false);
    }
  }, 120_000);

  it.skipIf(skip)('a script that ends with the group up and a collective in flight exits cleanly', async () => {
    const run = await launch([...engineArgs(engine), '--nproc-per-node', '3'], worker('no-destroy.ts'), [], { hardLimitMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(Object.keys(results(run.stdout)).length).toBe(3);
  }, 90_000);
});
