/**
 * Target 3 (matmul): the native matmul kernel at square 256/512/1024 on 1 and 2 threads against numpy
 * float32 matmul (OpenBLAS sgemm) at the same thread count, in the same run. Per round and thread count,
 * numpy (a child process: BLAS threads are fixed when it loads) runs right before ours; medians over rounds.
 * GFLOP/s = 2 n^3 / time. Both sides reuse their output buffers.
 */
import type { Backend, MatmulParams } from '../src/backend/backend.js';
import { setNumThreads, getNumThreads } from '../src/backend/select.js';
import { findPython, median, note, rand, ratio, runPythonJson, threadEnv, time, type BenchOptions, type Row } from './harness.js';

export const MATMUL_SIZES = [256, 512, 1024];

export interface MatmulRow extends Row {
  n: number;
  threads: number;
  nativeGflops: number | null;
  numpyGflops: number | null;
  ratio: string | null;
}

export interface MatmulResult {
  rows: MatmulRow[];
  baseline: string | null;
  /** GFLOP/s of every round, by `<n>/<threads>`. */
  raw: { native: Record<string, number[]>; numpy: Record<string, number[]> };
}

export function benchMatmul(backends: Backend[], o: BenchOptions): MatmulResult {
  const native = backends.find((b) => b.name === 'native');
  if (!native) note('matmul: native addon not loaded: native side skipped');
  const py = findPython('numpy');
  if (typeof py === 'string') note(`matmul: numpy baseline skipped: ${py}`);
  if (!native && typeof py === 'string') return { rows: [], baseline: null, raw: { native: {}, numpy: {} } };
  const rounds = o.quick ? 1 : 3;
  const targetMs = o.quick ? 150 : 300;
  const ours = new Map<string, number[]>();
  const theirs = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, k: string, v: number) => m.set(k, [...(m.get(k) ?? []), v]);
  const bufs = MATMUL_SIZES.map((n) => ({ n, a: rand(n * n, 1), b: rand(n * n, 2), c: new Float32Array(n * n) }));
  const prev = getNumThreads();
  for (let r = 0; r < rounds; r++) {
    for (const t of o.threads) {
      if (typeof py !== 'string') {
        try {
          const res = runPythonJson<{ gflops: Record<string, number> }>(py.exe, 'numpy_matmul.py', [t, MATMUL_SIZES.join(','), targetMs], threadEnv(t));
          for (const [n, g] of Object.entries(res.gflops)) push(theirs, `${n}/${t}`, g);
        } catch (e) {
          note(`matmul: numpy at ${t} threads failed: ${(e as Error).message}`);
        }
      }
      if (native) {
        setNumThreads(t);
        for (const { n, a, b, c } of bufs) {
          const p: MatmulParams = { m: n, n, k: n, transA: false, transB: false, alpha: 1, beta: 0 };
          push(ours, `${n}/${t}`, (2 * n ** 3) / time(() => native.matmul(a, b, c, p), targetMs, 5).medianMs / 1e6);
        }
      }
    }
  }
  if (native) setNumThreads(prev);
  const rows: MatmulRow[] = [];
  for (const t of o.threads) {
    for (const n of MATMUL_SIZES) {
      const g = ours.get(`${n}/${t}`), b = theirs.get(`${n}/${t}`);
      const ng = g ? median(g) : null, bg = b ? median(b) : null;
      rows.push({ n, threads: t, nativeGflops: ng, numpyGflops: bg, ratio: ratio(ng, bg) });
    }
  }
  return {
    rows,
    baseline: typeof py === 'string' ? null : `${py.version} via ${py.exe}`,
    raw: { native: Object.fromEntries(ours), numpy: Object.fromEntries(theirs) },
  };
}
