/** initProcessGroup's argument checks and errors, with no peers needed. */
import { describe, expect, it } from 'vitest';
import { spawnNode } from './helpers.js';
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
    expect(init({ backend: 'mpi', rank: 0, worldSize: 1 })).toThrow(/^initProcessGroup: the 'mpi' backend is not built/);
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
    const code = "import('./src/distributed/index.ts').then((d) => { try { d.initProcessGroup({ rank: 0, worldSize: 1, initMethod: 'tcp://127.0.0.1:1' }); } catch (e) { console.log(e.message); } })";
    const r = await spawnNode(['-e', code], { env: { NODETORCH_GLOO_ADDON: '/nonexistent/nodetorch_gloo.node' }, hardLimitMs: 30_000 });
    expect(r.stdout).toMatch(/^initProcessGroup: the Gloo backend is not available \(.*\)\. Install Gloo \(Debian\/Ubuntu: apt-get install libgloo-dev\), then rebuild with `npm rebuild nodetorch`/);
  }, 40_000);
});
