/**
 * Soak: hundreds of training steps with no manual memory management; memory after GC stays flat.
 * Runs in a child process with --expose-gc so it can measure after a full collection.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testBackends } from '../helpers/backends.js';

const script = fileURLToPath(new URL('./train-memory.ts', import.meta.url));
const MB = 1024 * 1024;

describe.each(testBackends())('$name backend soak', (backend) => {
  // ref is ~30x slower: fewer, smaller steps (a leak of one batch-2 activation per step still adds ~9 MB)
  const [steps, batch] = backend.name === 'ref' ? ['100', '2'] : ['200', '8'];
  it(`memory after GC stays flat over ${steps} train steps at batch ${batch} (no dispose needed)`, () => {
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, backend.name, steps, batch], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const samples = JSON.parse(r.stdout.trim().split('\n').pop()!) as { step: number; heap: number; external: number; rss: number }[];
    expect(samples.length).toBe(5);
    // The last checkpoint against the highest warm one (the first two: JIT, scratch and wasm memory
    // grown). A leak of one batch-8 activation per step (~0.6 MB) would add ~70 MB over 120 steps.
    const last = samples[samples.length - 1];
    const warm = (k: 'heap' | 'external' | 'rss') => Math.max(samples[0][k], samples[1][k]);
    expect(last.heap - warm('heap'), 'JS heap growth').toBeLessThan(4 * MB);
    expect(last.external - warm('external'), 'typed array / external growth').toBeLessThan(2 * MB);
    expect(last.rss - warm('rss'), 'RSS growth').toBeLessThan(24 * MB);
  });
});
