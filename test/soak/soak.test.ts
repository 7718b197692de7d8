/**
 * Soak (issue 11, finding 8): the reference model trains 1,000 steps (ref: 100 smaller ones) with no
 * manual memory management, in a child process (bench/soak.ts --json, with --expose-gc so every sample
 * follows a full GC), and what it holds must stay flat from 10% to 100% of the run. The 10,000-step
 * figures are in bench/README.md. A run that keeps one input batch alive per step must trip the check.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testBackends } from '../helpers/backends.js';
import type { MemoryGrowth } from '../../bench/soak-growth.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../bench/soak.ts', import.meta.url));
const MB = 1024 * 1024;

/**
 * The bounds, over the last 90% of the run. Measured (bench/README.md): heapUsed grows ~0.2 MB (optimized
 * code, levelling off by ~3,000 steps), external and arrayBuffers not at all, RSS after a GC moves by
 * up to ~20 MB either way as V8 and glibc return and re-take pages (the window's peak RSS much less). A leak of one batch-8 input per step (38 KB) adds ~34 MB of arrayBuffers over
 * 900 steps; one autograd graph per step adds far more heap.
 */
const BOUNDS = { heapUsed: 3 * MB, external: 2 * MB, arrayBuffers: 2 * MB, rss: 24 * MB, peakRss: 24 * MB };

function soak(backend: string, steps: number, batch: number, every: number, leakBytes = 0): MemoryGrowth {
  const args = ['--expose-gc', '--import', 'tsx', SCRIPT, '--json', '--backend', backend, '--steps', String(steps), '--batch', String(batch), '--every', String(every)];
  if (leakBytes > 0) args.push('--leak-bytes', String(leakBytes));
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { samples: unknown[]; growth: MemoryGrowth };
  expect(out.samples.length).toBe(steps / every);
  return out.growth;
}

/** The names of the quantities whose growth exceeds its bound. */
function overBounds(g: MemoryGrowth): string[] {
  return (Object.keys(BOUNDS) as (keyof typeof BOUNDS)[]).filter((k) => g[k].bytes >= BOUNDS[k]);
}

describe.each(testBackends())('$name backend soak', (backend) => {
  // ref is ~30x slower: fewer, smaller steps
  const [steps, batch, every] = backend.name === 'ref' ? [100, 2, 10] : [1000, 8, 100];
  it(`memory after GC stays flat over ${steps} train steps at batch ${batch} (no dispose needed)`, () => {
    const g = soak(backend.name, steps, batch, every);
    const mb = (k: keyof typeof BOUNDS) => `${k} ${(g[k].bytes / MB).toFixed(2)} MB`;
    console.log(`soak ${backend.name}, steps ${g.from}-${g.to}: ${(Object.keys(BOUNDS) as (keyof typeof BOUNDS)[]).map(mb).join(', ')}`);
    expect(g.to).toBe(steps);
    expect(overBounds(g), JSON.stringify(g)).toEqual([]);
  }, 900_000);

  it('a run that keeps one input batch per step alive trips the check', () => {
    const g = soak(backend.name, backend.name === 'ref' ? 100 : 200, 2, backend.name === 'ref' ? 10 : 20, 8 * 1200 * 4);
    expect(overBounds(g)).toContain('arrayBuffers');
  }, 300_000);
});
