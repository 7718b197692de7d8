/** initProcessGroup's argument checks and errors, with no peers needed. */
import { describe, expect, it } from 'vitest';
import { HAVE_MPI, spawnNode } from './helpers.js';
import * as dist from '../../src/distributed/index.js';

describe('distributed without a process group', () => {
  it('getRank and friends say the group is not initialized', () => {
    expect(dist.isInitialized()).toBe(false);
    expect(() => dist.getRank()).toThrow(/^getRank: Default process group has not been initialized/);
    expect(() => dist.getWorldSize()).toThrow(/^getWorldSize: Default process group/);
    expect(() => dist.barrier()).toThrow(/^barrier: Default process group/);
    expect(() => dist.destroyProcessGroup()).toThrow(/^destroyProcessGroup: Default process group/);
  });

  it('initProcessGroup checks its options before touching the engine', () => {
    const init = (o: object): (() => void) => () => dist.initProcessGroup(o);
    expect(init({ backend: 'nccl', rank: 0, worldSize: 1 })).toThrow(/^initProcessGroup: backend must be 'gloo' or 'mpi', got 'nccl'/);
    // mpi: mpirun does the rendezvous, and a job of several ranks must come from it (checked before MPI starts).
    expect(init({ backend: 'mpi', initMethod: 'tcp://127.0.0.1:1234' })).toThrow(/^initProcessGroup: the mpi backend takes its processes and rendezvous from mpirun: initMethod must be 'env:\/\/', got 'tcp:\/\/127.0.0.1:1234'/);
    expect(init({ backend: 'mpi', rank: 0, worldSize: 2 })).toThrow(/^initProcessGroup: the mpi backend needs its 2 processes started by mpirun: use `nodetorch run --backend mpi --nproc-per-node 2 script.js` or `mpirun -np 2 node script.js`/);
    expect(init({ backend: 'mpi', rank: 2, worldSize: 2 })).toThrow(RangeError);
    expect(init({ rank: 2, worldSize: 2, initMethod: 'tcp://127.0.0.1:1234' })).toThrow(RangeError);
    expect(init({ rank: '0', worldSize: 2 })).toThrow(TypeError);
    expect(init({ rank: 0, worldSize: 2, initMethod: 'udp://x:1' })).toThrow(/initMethod must be 'env:\/\/', 'tcp:\/\/host:port' or 'file:\/\/\/path', got 'udp:\/\/x:1'/);
    expect(init({ rank: 0, worldSize: 2, initMethod: 'tcp://127.0.0.1:70000' })).toThrow(/port must be in \[1, 65535\]/);
  });

  it('env:// names the missing variable', async () => {
    const env = { ...process.env };
    for (const k of ['RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT']) delete env[k];
    const saved = process.env;
    process.env = env;
    try {
      expect(() => dist.initProcessGroup()).toThrow(/^initProcessGroup: environment variable RANK expected, but not set/);
      process.env = { ...env, RANK: '0', WORLD_SIZE: '2' };
      expect(() => dist.initProcessGroup()).toThrow(/MASTER_ADDR expected, but not set/);
    } finally {
      process.env = saved;
    }
  });

  it('without the Gloo addon, says what to install and how to rebuild', async () => {
    const code = "import('./src/distributed/index.ts').then((d) => { for (const backend of ['gloo', undefined]) try { d.initProcessGroup({ backend, rank: 0, worldSize: 1, initMethod: 'tcp://127.0.0.1:1' }); } catch (e) { console.log(e.message); } })";
    const r = await spawnNode(['-e', code], { env: { NODETORCH_GLOO_ADDON: '/nonexistent/nodetorch_gloo.node', NODETORCH_DIST_BACKEND: undefined }, hardLimitMs: 30_000 });
    // The default backend without Gloo is mpi when that is built (whose rendezvous is mpirun's), else gloo.
    expect(r.stdout.split('\n')[1]).toMatch(HAVE_MPI ? /^initProcessGroup: the mpi backend takes its processes and rendezvous from mpirun/ : /^initProcessGroup: the Gloo backend is not available/);
    expect(r.stdout).toMatch(/^initProcessGroup: the Gloo backend is not available \(.*\)\. Install Gloo \(Debian\/Ubuntu: apt-get install libgloo-dev\), then rebuild with `npm rebuild nodetorch`/);
  }, 40_000);

  it('without the Open MPI addon, says what to install and how to rebuild', async () => {
    const code = "import('./src/distributed/index.ts').then((d) => { try { d.initProcessGroup({ backend: 'mpi' }); } catch (e) { console.log(e.message); } })";
    const r = await spawnNode(['-e', code], { env: { NODETORCH_MPI_ADDON: '/nonexistent/nodetorch_mpi.node' }, hardLimitMs: 30_000 });
    expect(r.stdout).toMatch(/^initProcessGroup: the Open MPI backend is not available \(.*\)\. Install Open MPI \(Debian\/Ubuntu: apt-get install libopenmpi-dev openmpi-bin\), then rebuild with `npm rebuild nodetorch`/);
  }, 40_000);

  it.skipIf(!HAVE_MPI)('mpi outside mpirun: a world of one (MPI singleton), collectives included; finalized at exit', async () => {
    const code = "import('./src/index.ts').then((m) => { const d = m.distributed; d.initProcessGroup({ backend: 'mpi', timeoutMs: 20000 }); const t = m.tensor([1.5, -2], { dtype: 'float32' }); d.allReduce(t, { op: 'avg' }); const o = m.zeros([2]); d.reduceScatter(o, [m.tensor([3, 4], { dtype: 'float32' })]); console.log(JSON.stringify([d.getBackend(), d.getRank(), d.getWorldSize(), Array.from(t.data), Array.from(o.data)])); d.destroyProcessGroup(); d.initProcessGroup({ backend: 'mpi' }); console.log(d.getWorldSize()); })";
    const env = { RANK: undefined, WORLD_SIZE: undefined, OMPI_COMM_WORLD_SIZE: undefined, OMPI_COMM_WORLD_RANK: undefined, PMI_SIZE: undefined, PMI_RANK: undefined };
    const r = await spawnNode(['-e', code], { env, hardLimitMs: 40_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['["mpi",0,1,[1.5,-2],[3,4]]', '1']); // and a second init after destroy reuses MPI
  }, 50_000);
});
