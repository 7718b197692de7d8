/**
 * Determinism (issue 11): the same seed, backend and thread count give bit-identical weights after N
 * training steps, each run in its own process (nothing shared but the code). The native kernels cut
 * their reductions into chunks that do not depend on the pool size, so native 1 thread and 2 threads
 * are bit-identical too; other pairs (native vs wasm vs ref, native ISA baseline vs AVX2) may differ
 * in the last bits: README.md, "Reliability".
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/backends.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./train-weights.ts', import.meta.url));
const STEPS = '3';
const BATCH = '4';

interface Run { backend: string; threads: number; hash: string; weights: Record<string, number[]> }

function train(backend: string, threads: number, seed = 7): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, backend, String(seed), STEPS, BATCH], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODETORCH_NUM_THREADS: String(threads) }, maxBuffer: 64 << 20,
  });
  expect(r.status, r.stderr).toBe(0);
  const run = JSON.parse(r.stdout) as Run;
  expect(run.backend).toBe(backend);
  expect(run.threads).toBe(threads);
  expect(Object.keys(run.weights).length).toBeGreaterThan(10); // the hash covers the whole state dict
  return run;
}

describe.each(testBackends().map((b) => b.name))('%s: same seed, same thread count, same weights', (backend) => {
  const threadCounts = backend === 'native' ? [1, 2] : [1];
  it.each(threadCounts)(`${STEPS} train steps on %i thread(s), twice in separate processes: bit-identical`, (threads) => {
    const a = train(backend, threads);
    const b = train(backend, threads);
    expect(b.hash).toBe(a.hash);
  }, 120_000);

  it('another seed gives other weights (the hash sees a difference)', () => {
    expect(train(backend, 1, 8).hash).not.toBe(train(backend, 1, 7).hash);
  }, 120_000);

  if (backend === 'native') {
    it('native: 1 and 2 threads are bit-identical (reductions chunked independently of the pool size)', () => {
      expect(train('native', 2).hash).toBe(train('native', 1).hash);
    }, 120_000);
  }
});
