/**
 * Finding 1 of issue 11: leaving a `for await` over a DataLoader with workers (break, return, throw,
 * persistent workers closed, process.exit inside the loop) must leave the program running the rest of
 * its code. The child runs 200 rounds in one process (each round starts and stops two workers); before
 * the fix, a run of 200 rounds ended with exit code 13 every time (about 1 round in 8 hit the race).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./early-exit-child.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/data/dataloader.js', import.meta.url));
const SOURCE = fileURLToPath(new URL('../../src/data/dataloader.ts', import.meta.url));

/** The child imports dist/: refuse to test a build older than the sources it should contain. */
function checkBuilt(): void {
  if (!existsSync(BUILT)) throw new Error('dist/ is not built: run npm run build:ts');
  if (statSync(BUILT).mtimeMs < statSync(SOURCE).mtimeMs) throw new Error('dist/ is older than src/data/dataloader.ts: run npm run build:ts');
}

// The loader's behaviour does not depend on the backend; ref starts fastest in each worker.
const run = (...args: string[]) => spawnSync(process.execPath, [CHILD, ...args], {
  cwd: ROOT, encoding: 'utf8', timeout: 240_000, env: { ...process.env, NODETORCH_BACKEND: 'ref' },
});

// Backend-independent (the child uses ref): CI's suite runs once per backend, this runs in the ref pass
// (and in any run that does not force a backend).
const forced = process.env.NODETORCH_BACKEND;

describe.skipIf(forced !== undefined && forced !== 'ref')('DataLoader workers: leaving the loop early', () => {
  it('break, return, throw and close() 200 times, then an unclosed persistent loader and an abandoned iteration: the program runs to its end and exits 0', () => {
    checkBuilt();
    const r = run('200');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('rounds 200\n');
    expect(r.status).toBe(0);
  }, 300_000);

  it('process.exit inside the loop while workers are busy runs the exit handlers with that code', () => {
    checkBuilt();
    const r = run('3', 'exit-inside');
    expect(r.stdout).toBe('rounds 3\nexit handler 7\n');
    expect(r.status).toBe(7);
  }, 60_000);
});
