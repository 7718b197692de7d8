/**
 * Property-based tests of issue 11 (fast-check, fixed seed printed on failure; FC_SEED overrides it):
 *
 * - every public function and class (test/helpers/fuzz-ops.ts enumerates src/index.ts's exports and
 *   fails when one has neither a fuzz spec nor a stated exemption), called with valid arguments or with one
 *   argument replaced by a hostile value, ends in a correct result (on native/wasm: equal to ref's from
 *   the same draw) or an Error whose message starts with the op's name;
 * - every manifest kernel with valid random params on this backend agrees with ref (on ref itself: with a
 *   closed form where one is short, otherwise it runs and writes finite values);
 * - native kernels with hostile params and arrays (wrong types, lengths, NaN, 2^53, detached buffers, ...)
 *   answer with a TypeError/RangeError naming the kernel, in a child process so that a crash fails the
 *   test instead of killing vitest.
 *
 * Sized to stay well under a minute per backend; scripts/fuzz-long.ts is the long run (>= 100k calls).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EXEMPT, SPECS, hostileValues, publicExports, runCase, sameResult } from '../helpers/fuzz-ops.js';
import { ALL_KERNELS, cloneCall, drawKernelCall, invoke, writtenArrays } from '../helpers/fuzz-kernels.js';
import { Rng } from '../helpers/fuzz-ops.js';
import { testBackends } from '../helpers/backends.js';
import { getBackend, setBackend } from '../../src/index.js';
import { refBackend } from '../../src/backend/ref/index.js';
import { kernelSpec } from '../../src/backend/manifest.js';

const SEED = Number(process.env.FC_SEED ?? 20261203);
const RUNS_PER_OP = 40;
const RUNS_PER_KERNEL = 150;
const N_HOSTILE = hostileValues().length;

describe('fuzz coverage', () => {
  it('every public export has a fuzz spec or a stated exemption, and every spec is an export', () => {
    const exported = [...publicExports().keys()];
    const missing = exported.filter((p) => !(p in SPECS) && !(p in EXEMPT));
    expect(missing, 'exports with no property (add a spec to test/helpers/fuzz-ops.ts)').toEqual([]);
    expect(Object.keys(SPECS).filter((p) => !exported.includes(p)), 'specs of names no longer exported').toEqual([]);
    expect(Object.keys(EXEMPT).filter((p) => !exported.includes(p)), 'exemptions of names no longer exported').toEqual([]);
  });

  it('every manifest kernel draws a valid call', () => {
    for (const k of ALL_KERNELS) expect(() => drawKernelCall(k, new Rng(1))).not.toThrow();
  });
});

describe.each(testBackends().map((b) => [b.name]))('public API properties on %s', (name) => {
  const exports = publicExports();
  it.each(Object.keys(SPECS))('%s: a correct result or a clear error', (path) => {
    const prev = getBackend().name;
    setBackend(name as never);
    try {
      let correct = 0;
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          fc.option(fc.tuple(fc.nat(7), fc.nat(N_HOSTILE - 1)), { freq: 3 }),
          (seed, hostile) => {
            const { outcome, detail } = runCase(path, exports.get(path)!, seed, hostile);
            if (outcome === 'ok' && hostile === null) correct++;
            if (outcome === 'unclear' || outcome === 'wrong') throw new Error(`${outcome}: ${detail}`);
          },
        ),
        { seed: SEED, numRuns: RUNS_PER_OP },
      );
      // The valid draws must mostly succeed: a spec whose "valid" arguments always throw tests nothing.
      for (let s = 0; s < 4 && correct === 0; s++) if (runCase(path, exports.get(path)!, s, null).outcome === 'ok') correct++;
      expect(correct, `${path}: no valid draw gave a result`).toBeGreaterThan(0);
    } finally {
      setBackend(prev as never);
    }
  });
});

/** Closed forms for the short kernels, used on the ref backend (which cannot be checked against itself). */
const CLOSED: Partial<Record<string, (a: Array<ArrayLike<number> | null>, p: Record<string, number | boolean> | null) => number[][]>> = {
  add: ([a, b]) => [Array.from(a!, (v, i) => Math.fround(v + b![i]))],
  reluForward: ([x]) => [Array.from(x!, (v) => (v < 0 ? 0 : v))],
  reluBackward: ([y, gy]) => [Array.from(gy!, (g, i) => (y![i] > 0 ? g : 0))],
  matmul: ([a, b, c], p) => {
    const { m, n, k, transA, transB, alpha, beta } = p as Record<string, number>;
    const out: number[] = [];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let t = 0; t < k; t++) s += (transA ? a![t * m + i] : a![i * k + t]) * (transB ? b![j * k + t] : b![t * n + j]);
        out.push(alpha * s + (beta === 0 ? 0 : beta * c![i * n + j]));
      }
    }
    return [out];
  },
};

describe.each(testBackends().map((b) => [b.name, b]))('kernel properties on %s', (name, backend) => {
  it.each([...ALL_KERNELS])('%s: valid random calls agree with ref', (kernel) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const call = drawKernelCall(kernel, new Rng(seed));
        const got = cloneCall(call);
        invoke(backend, got);
        const outs = writtenArrays(kernel);
        if (name !== 'ref') {
          const want = cloneCall(call);
          invoke(refBackend, want);
          for (const i of outs) {
            const label = `${kernel} ${kernelSpec(kernel).args[i].name} (seed ${seed})`;
            expect(sameResult([...(got.arrays[i] ?? [])], [...(want.arrays[i] ?? [])]), label).toBe(true);
          }
          return;
        }
        const closed = CLOSED[kernel]?.(call.arrays, call.params);
        outs.forEach((i, j) => {
          const arr = got.arrays[i];
          if (!arr) return;
          if (closed) expect(sameResult([...arr], closed[j]), `${kernel} (seed ${seed})`).toBe(true);
          else expect([...arr].every(Number.isFinite), `${kernel} wrote a non-finite value (seed ${seed})`).toBe(true);
        });
      }),
      { seed: SEED, numRuns: RUNS_PER_KERNEL },
    );
  });
});

const CHILD = fileURLToPath(new URL('./kernel-hostile-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe.runIf(testBackends().some((b) => b.name === 'native'))('native kernels with hostile arguments (child process)', () => {
  it('every call returns or throws a TypeError/RangeError naming the kernel; no crash', () => {
    let out: string;
    try {
      out = execFileSync(process.execPath, ['--import', 'tsx', CHILD, String(SEED), '3000'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    } catch (e) {
      const err = e as { status: number | null; signal: string | null; stderr: string };
      throw new Error(`the child died (status ${err.status}, signal ${err.signal}, seed ${SEED}): ${String(err.stderr).slice(-2000)}`);
    }
    const stats = JSON.parse(out.trim().split('\n').pop()!);
    expect(stats.unclear, `unclear errors (seed ${SEED})`).toEqual([]);
    expect(stats.runs).toBe(3000);
    expect(stats.clear).toBeGreaterThan(1000);
  });
});
