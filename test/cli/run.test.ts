/** `nodetorch run`: environment, output prefixes, failure propagation, signals, launcher death. */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { parseRunArgs } from '../../src/cli/run.js';
import { UsageError } from '../../src/cli/args.js';
import { launch } from '../distributed/helpers.js';

const script = fileURLToPath(new URL('./workers-run-env.ts', import.meta.url));
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('nodetorch run: arguments', () => {
  it('parses torchrun-style options, stopping at the script', () => {
    expect(parseRunArgs(['--nproc-per-node', '4', '--nnodes=2', '--node_rank', '1', '--master-addr', '10.0.0.1', '--master-port', '29501', 'train.js', '--lr', '0.1'])).toEqual({
      nprocPerNode: 4, nnodes: 2, nodeRank: 1, masterAddr: '10.0.0.1', masterPort: 29501, backend: undefined, script: 'train.js', scriptArgs: ['--lr', '0.1'],
    });
    expect(parseRunArgs(['--help'])).toBeNull();
  });

  it('rejects bad options with a usage error', () => {
    expect(() => parseRunArgs(['--nproc-per-node', '0', 'a.js'])).toThrow(/--nproc-per-node must be an integer >= 1, got '0'/);
    expect(() => parseRunArgs(['--nnodes', '2', '--node-rank', '2', 'a.js'])).toThrow(/--node-rank must be in \[0, 2\), got 2/);
    expect(() => parseRunArgs(['--frobnicate', '1', 'a.js'])).toThrow(UsageError);
    expect(() => parseRunArgs(['--nproc-per-node', '2'])).toThrow(/expected a script/);
    expect(() => parseRunArgs(['--backend', 'nccl', 'a.js'])).toThrow(/--backend must be gloo or mpi/);
  });
});

describe('nodetorch run: processes', () => {
  it('sets torchrun\'s variables and prefixes every line with the rank', async () => {
    const run = await launch(['--nproc-per-node', '3', '--nnodes', '2', '--node-rank', '1', '--master-port', '29999'], script, ['ok', 'x', '--y']);
    expect(run.code, run.stderr).toBe(0);
    const envs = [...run.stdout.matchAll(/^\[rank(\d)\]: ENV (.*)$/gm)].map((m) => [Number(m[1]), JSON.parse(m[2])] as const).sort((a, b) => a[0] - b[0]);
    expect(envs.map(([r]) => r)).toEqual([3, 4, 5]);
    envs.forEach(([rank, e], local) => expect(e).toEqual({
      RANK: String(rank), LOCAL_RANK: String(local), WORLD_SIZE: '6', LOCAL_WORLD_SIZE: '3', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '29999', args: ['x', '--y'],
    }));
    for (const r of [3, 4, 5]) {
      expect(run.stdout).toContain(`[rank${r}]: line one\n`);
      expect(run.stdout).toContain(`[rank${r}]: line two\n`);
      expect(run.stderr).toContain(`[rank${r}]: to stderr\n`);
    }
    // No unprefixed line.
    expect(run.stdout.split('\n').filter((l) => l !== '' && !/^\[rank\d\]: /.test(l))).toEqual([]);
  }, 60_000);

  it('picks a free port when none is given (one node)', async () => {
    const run = await launch(['--nproc-per-node', '2'], script, ['ok']);
    const ports = [...run.stdout.matchAll(/ENV (.*)$/gm)].map((m) => JSON.parse(m[1]).MASTER_PORT);
    expect(ports.length).toBe(2);
    expect(ports[0]).toBe(ports[1]);
    expect(Number(ports[0])).toBeGreaterThan(0);
  }, 60_000);

  it('stops every rank at the first failure and exits with its code', async () => {
    const run = await launch(['--nproc-per-node', '3'], script, ['fail'], { hardLimitMs: 45_000 });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/nodetorch run: rank 1 exited with code 3; stopping the other ranks/);
  }, 60_000);

  it('forwards SIGTERM to the ranks', async () => {
    let launcherPid = 0;
    const ready = new Set<string>();
    const run = await launch(['--nproc-per-node', '2'], script, ['wait'], {
      hardLimitMs: 45_000,
      onSpawn: (c) => {
        launcherPid = c.pid!;
        c.stdout!.on('data', (d: Buffer) => {
          for (const m of String(d).matchAll(/\[rank(\d)\]: READY/g)) ready.add(m[1]);
          if (ready.size === 2) c.kill('SIGTERM');
        });
      },
    });
    expect(launcherPid).toBeGreaterThan(0);
    expect(run.stdout).toContain('[rank0]: GOT SIGTERM');
    expect(run.stdout).toContain('[rank1]: GOT SIGTERM');
    expect(run.code).toBe(128 + 15);
  }, 60_000);

  it('ranks exit when the launcher is killed outright', async () => {
    const pids: number[] = [];
    await launch(['--nproc-per-node', '2'], script, ['wait'], {
      hardLimitMs: 45_000,
      onSpawn: (c) => {
        c.stdout!.on('data', (d: Buffer) => {
          for (const m of String(d).matchAll(/READY (\d+)/g)) pids.push(Number(m[1]));
          if (pids.length === 2) c.kill('SIGKILL');
        });
      },
    });
    expect(pids.length).toBe(2);
    // The parent-pid watch checks twice a second; allow a few seconds (a bound, not a timing assert).
    for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
  }, 60_000);
});
