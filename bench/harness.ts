/**
 * Shared bench helpers: timing (warm-up, median of repeated runs), tables, notes, the options every group
 * gets, and the Python baselines (PyTorch, numpy) run as child processes in the same run.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

export interface Timing {
  medianMs: number;
  minMs: number;
  runs: number;
}

/** What run.ts passes every group. */
export interface BenchOptions {
  quick: boolean;
  /** Native thread counts to measure (default [1, 2]; --threads N restricts to [N]). */
  threads: number[];
}

/** Run fn until ~targetMs has elapsed (at least minRuns times) after warmup runs; report median/min. */
export function time(fn: () => void, targetMs = 300, minRuns = 5, warmup = 2): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minRuns || performance.now() - start < targetMs) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
    if (samples.length >= 1000) break;
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)], minMs: samples[0], runs: samples.length };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

/** Print rows as an aligned text table (null prints as '-'). */
export function printTable(rows: readonly Row[]): void {
  if (rows.length === 0) return;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: Cell | undefined) =>
    v === null || v === undefined ? '-' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v >= 100 ? v.toFixed(0) : v.toFixed(2)) : v;
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  console.log(line(cols));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
}

/** `0.93x`, or null when either side is missing. */
export function ratio(ours: number | null | undefined, base: number | null | undefined): string | null {
  if (ours == null || base == null || !Number.isFinite(ours) || !Number.isFinite(base) || base === 0) return null;
  return `${(ours / base).toFixed(2)}x`;
}

/** Notes (skips, which baseline was used) printed as they come and kept for the JSON. */
export const notes: string[] = [];
export function note(msg: string): void {
  notes.push(msg);
  console.log(`note: ${msg}`);
}

/**
 * How busy the machine is right now: the 1-minute load average (this process included) and, on Linux with
 * PSI, the share of the last 10 s in which some runnable task waited for a CPU.
 */
export function busy(): { load1: number; cpuPressure10s: number | null } {
  let pressure: number | null = null;
  try {
    const m = readFileSync('/proc/pressure/cpu', 'utf8').match(/^some avg10=([\d.]+)/m);
    if (m) pressure = Number(m[1]);
  } catch {
    /* no PSI */
  }
  return { load1: Number(loadavg()[0].toFixed(2)), cpuPressure10s: pressure };
}

/** Seeded uniform [-0.5, 0.5) floats (an LCG: fast, and the same in every run). */
export function rand(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

// ---------------------------------------------------------------------------------------------------
// Python baselines

/** PyTorch's faster allocator setting (glibc malloc never returns memory to the OS, no fresh mmaps). */
export const TORCH_MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '4294967296', MALLOC_TRIM_THRESHOLD_: '4294967296' };

/** Thread-count variables every BLAS / OpenMP runtime in the child reads at start-up. */
export function threadEnv(threads: number): Record<string, string> {
  const t = String(threads);
  return { OMP_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, MKL_NUM_THREADS: t };
}

export interface PythonInfo {
  exe: string;
  /** e.g. `torch 1.13.0a0` or `numpy 1.24.2 (libopenblasp-r0.3.21.so)`. */
  version: string;
}

const PROBES: Record<'torch' | 'numpy', string> = {
  torch: 'import torch; print("torch", torch.__version__)',
  numpy:
    'import numpy, re\n' +
    'numpy.ones((2, 2), numpy.float32) @ numpy.ones((2, 2), numpy.float32)\n' +
    'libs = sorted({l.split("/")[-1].strip() for l in open("/proc/self/maps") if re.search("blas|mkl|blis", l)})\n' +
    'print("numpy", numpy.__version__, "(" + (", ".join(libs) or "BLAS unknown") + ")")',
};
const pythonCache = new Map<string, PythonInfo | string>();

/**
 * A python3 that imports `module`: NODETORCH_PYTHON alone when set, else /usr/bin/python3 (Debian's, with
 * torch and numpy) then `python3` on PATH. Returns the reason as a string when none does.
 */
export function findPython(module: 'torch' | 'numpy'): PythonInfo | string {
  const cached = pythonCache.get(module);
  if (cached !== undefined) return cached;
  const env = process.env.NODETORCH_PYTHON;
  const candidates = env ? [env] : ['/usr/bin/python3', 'python3'];
  let found: PythonInfo | string = `no python3 with ${module} (tried ${candidates.join(', ')}; set NODETORCH_PYTHON)`;
  for (const exe of candidates) {
    const r = spawnSync(exe, ['-c', PROBES[module]], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0 && r.stdout.trim()) {
      found = { exe, version: r.stdout.trim().split('\n').pop()! };
      break;
    }
  }
  pythonCache.set(module, found);
  return found;
}

/** Absolute path of a file in bench/. */
export function benchFile(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

/**
 * Run `python script args` with extra env; the script prints one JSON object as its last stdout line.
 * Throws with the tail of stderr when it fails.
 */
export function runPythonJson<T>(exe: string, script: string, args: (string | number)[], env: Record<string, string>, timeoutMs = 600_000): T {
  const r: SpawnSyncReturns<string> = spawnSync(exe, [benchFile(script), ...args.map(String)], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  });
  const last = r.stdout?.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) {
    const err = (r.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${script} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}): ${err}`);
  }
  return JSON.parse(last) as T;
}
