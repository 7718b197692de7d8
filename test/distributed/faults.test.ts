/**
 * Faults: a rank that dies or stalls mid-allreduce, and one that never joins, make the others fail with
 * an error naming it within the timeout. Ranks are started directly (not by the launcher, which would
 * stop the survivors first) with a hard time limit, so a hang fails the test.
 */
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { RUN_GLOO, RUN_MPI, spawnNode, worker, launch, type Run } from './helpers.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function ranks(mode: string, world: number, env: Record<string, string>, only?: number[]): Promise<Run[]> {
  const port = String(await freePort());
  const which = only ?? Array.from({ length: world }, (_, r) => r);
  return Promise.all(which.map((r) => spawnNode([worker('fault.ts'), mode], {
    env: { MASTER_ADDR: '127.0.0.1', MASTER_PORT: port, RANK: String(r), WORLD_SIZE: String(world), TIMEOUT_MS: '3000', ...env },
    hardLimitMs: 45_000,
  })));
}

describe.skipIf(!RUN_GLOO)('distributed faults (Gloo)', () => {
  // Survivors learn of a death from the transport (a closed pair) and from the store's watch connection
  // (the departed ranks, pushed in order; its loss when rank 0, the store's host, goes). Whichever comes
  // first, the error names the collective and the first rank to leave, also when rank 0 is the one killed,
  // and when rank 0 survived it and exited before a late survivor (rank 2) failed.
  it.each([
    { who: 'a non-zero rank', victim: 1, survivors: [0, 2] },
    { who: 'rank 0 (the store host)', victim: 0, survivors: [1, 2] },
  ])('$who killed mid-allreduce: the others fail naming it and the collective', async ({ victim, survivors }) => {
    const runs = await ranks('die', 3, { VICTIM: String(victim), LATE: '2' });
    expect(runs[victim].signal).toBe('SIGKILL');
    for (const r of survivors.map((s) => runs[s])) {
      expect(r.code, r.stderr).toBe(17);
      // The first to leave is named, whoever left after it (rank 0 exits as soon as it has failed).
      expect(r.stdout).toMatch(new RegExp(`^FAILED allReduce: .* in allreduce #\\d+ \\(rank ${victim} exited[,)]`, 'm'));
    }
  }, 60_000);

  it('a rank that stops answering: the others time out saying no rank exited', async () => {
    const runs = await ranks('stall', 2, { VICTIM: '1' });
    expect(runs[0].code, runs[0].stderr).toBe(17);
    expect(runs[0].stdout).toMatch(/^FAILED allReduce: .*Timed out waiting 3000ms.*no rank has exited: a rank stopped answering/m);
  }, 60_000);

  it('a rank that never joins fails the rendezvous within the timeout, naming it', async () => {
    const [r0] = await ranks('absent', 3, {}, [0]);
    expect(r0.code).toBe(17);
    expect(r0.stdout).toMatch(/^FAILED initProcessGroup: rank 0 of 3: rendezvous timed out after 3000 ms: rank 1 never joined/m);
  }, 60_000);

  it('without rank 0 the store is unreachable: a clear error within the timeout', async () => {
    const [r1] = await ranks('absent', 2, {}, [1]);
    expect(r1.code).toBe(17);
    expect(r1.stdout).toMatch(/^FAILED initProcessGroup: rank 1 of 2: could not reach the rendezvous store at 127\.0\.0\.1:\d+ within 3000 ms/m);
  }, 60_000);

  it('under the launcher a killed rank stops the job, which exits non-zero naming it', async () => {
    const run = await launch(['--nproc-per-node', '2'], worker('fault.ts'), ['die'], { env: { VICTIM: '1' }, hardLimitMs: 45_000 });
    expect(run.code).toBe(128 + 9);
    expect(run.stderr).toMatch(/nodetorch run: rank 1 was killed by SIGKILL; stopping the other ranks/);
  }, 60_000);
});

// Open MPI: mpirun owns the processes, so a killed rank takes the job down through mpirun (which the
// launcher reports, naming the rank); a rank that stops answering trips the engine's own timeout, and
// the survivor names it after asking every peer how far it got, then MPI_Abort ends the job.
describe.skipIf(!RUN_MPI)('distributed faults (Open MPI)', () => {
  const mpi = (world: number, mode: string, env: Record<string, string>): Promise<Run> =>
    launch(['--backend', 'mpi', '--nproc-per-node', String(world)], worker('fault.ts'), [mode], { env: { TIMEOUT_MS: '3000', ...env }, hardLimitMs: 45_000 });

  it.each([
    { who: 'a non-zero rank', victim: 1 },
    { who: 'rank 0', victim: 0 },
  ])('$who killed mid-allreduce: the launcher exits non-zero naming it', async ({ victim }) => {
    const run = await mpi(3, 'die', { VICTIM: String(victim) });
    expect(run.code).toBe(128 + 9);
    expect(run.stderr).toMatch(new RegExp(`nodetorch run: rank ${victim} was killed by SIGKILL; mpirun stopped the other ranks`));
    expect(run.stdout).not.toMatch(/NO FAILURE/);
  }, 60_000);

  it('a rank that stops answering: the others fail within the timeout naming it', async () => {
    const run = await mpi(2, 'stall', { VICTIM: '1' });
    expect(run.stdout).toMatch(/^\[rank0\]: FAILED allReduce: Timed out waiting 3000ms in allreduce #6: rank 1 has not reached it \(its last finished collective is #5\)/m);
    // mpirun usually reports the MPI_Abort (then the launcher names rank 0 and its code); under heavy
    // load it sometimes reports only an internal error instead: the job still fails.
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/nodetorch run: (rank 0 exited with code 17 \(MPI_Abort\)|mpirun exited with code \d+)/);
  }, 60_000);

  it('a rank that never joins fails the rendezvous within the timeout', async () => {
    const run = await mpi(3, 'nojoin', { VICTIM: '1' });
    expect(run.stdout).toMatch(/^\[rank[02]\]: FAILED initProcessGroup: rank [02] of 3: rendezvous timed out after 3000 ms: MPI_Init did not complete/m);
    expect(run.code).toBe(17);
    expect(run.stderr).toMatch(/nodetorch run: rank [02] exited with code 17/);
  }, 60_000);
});
