/** DistributedDataParallel against single-process training on the concatenated batch. */
import { describe, expect, it } from 'vitest';
import { RUN_GLOO, RUN_MPI, launch, results, spawnNode, worker, type Run } from './helpers.js';

/** What every equivalence run must show (rank 0's RESULT line). */
function expectEquivalent(run: Run, world: number, bn: string): void {
  expect(run.code, run.stderr).toBe(0);
  const r = results(run.stdout)[0];
  expect(r.world).toBe(world);
  expect(r.maxDiff).toBeLessThanOrEqual(1e-5);
  expect(r.spread).toBe(0); // every rank holds the same weights
  expect(r.noSyncSpread).toBeGreaterThan(1e-3); // inside noSync the gradients stay local
  expect(r.syncSpread).toBe(0);
  expect(r.accDiff).toBeLessThanOrEqual(1e-6); // then the accumulated sum is averaged
  expect(r.syncBn).toBe(bn === 'bn');
  expect(r.keys).toEqual(['module.0.weight', 'module.0.bias']);
  expect(r.innerKeys).toEqual(['0.weight', '0.bias']);
}

describe.skipIf(!RUN_GLOO)('DistributedDataParallel (Gloo)', () => {
  // [ranks, steps, bucketCapMb, micro-batches]: one bucket; a tiny cap (one bucket per parameter, so
  // several allreduces overlap backward); gradient accumulation through noSync.
  // With 'bn' the model has batch norm: SyncBatchNorm on the ranks, BatchNorm1d on the concatenated
  // batch in the reference; running statistics are compared too.
  it.each([
    [2, 20, 25, 1, ''],
    [3, 12, 0.0001, 1, ''],
    [2, 8, 0.0001, 3, ''],
    [4, 6, 0.0001, 1, ''],
    [2, 10, 0.0001, 1, 'bn'],
    [3, 8, 25, 2, 'bn'],
  ])('%i ranks, %i SGD-momentum steps, bucketCapMb %d, %i micro-batches %s: same weights as one process', async (world, steps, cap, acc, bn) => {
    const run = await launch(['--nproc-per-node', String(world)], worker('ddp-equivalence.ts'), [String(steps), String(cap), String(acc), bn]);
    expectEquivalent(run, world, bn);
  }, 120_000);
});

// The same proof on Open MPI, fewer cases (the engine-independent parts, bucketing and noSync, are
// covered above): 2 and 4 ranks without batch norm, SyncBatchNorm at 2, through the launcher (which
// runs mpirun), and 2 ranks under a plain mpirun.
describe.skipIf(!RUN_MPI)('DistributedDataParallel (Open MPI)', () => {
  it.each([
    [2, 20, 25, 1, ''],
    [4, 6, 0.0001, 1, ''],
    [2, 10, 0.0001, 1, 'bn'],
  ])('%i ranks, %i SGD-momentum steps, bucketCapMb %d, %i micro-batches %s: same weights as one process', async (world, steps, cap, acc, bn) => {
    const run = await launch(['--backend', 'mpi', '--nproc-per-node', String(world)], worker('ddp-equivalence.ts'), [String(steps), String(cap), String(acc), bn]);
    expectEquivalent(run, world, bn);
  }, 120_000);

  // The other documented way: mpirun started by the user, initProcessGroup() reading OMPI_COMM_WORLD_*
  // and picking the mpi engine by itself (no RANK, no NODETORCH_DIST_BACKEND).
  it('under a plain `mpirun -np 2 node script.js`', async () => {
    const env = { RANK: undefined, WORLD_SIZE: undefined, NODETORCH_DIST_BACKEND: undefined, NODETORCH_NUM_THREADS: '1' };
    const run = await spawnNode([worker('mpirun.ts'), '-np', '2', '--tag-output', '--mca', 'pml', 'ob1', '--mca', 'btl', 'self,tcp', 'ddp-equivalence.ts', '12', '25', '1', ''], { env, hardLimitMs: 100_000 });
    run.stdout = run.stdout.replace(/^\[\d+,(\d+)\]<stdout>:/gm, '[rank$1]: ');
    expectEquivalent(run, 2, '');
  }, 120_000);
});
