/**
 * Target 5 (the user's loop): wall time of the whole `npm run train -- --epochs 5 --samples 3750 --out <tmp>`
 * process (NODETORCH_NUM_THREADS=T, T = 2 unless --threads says otherwise) against bench/torch_train_loop.py,
 * the same loop in PyTorch (torch.set_num_threads(T), faster malloc setting), run alternately, PyTorch first,
 * twice each; medians. PyTorch on 1 thread runs after ours in each round as context: on a machine that other
 * jobs share, PyTorch's OpenMP threads wait for descheduled peers and its 2-thread loop can be several times
 * slower than its 1-thread one. Slow (tens of seconds a side): skipped under --quick and --only kernels.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { TORCH_MALLOC_ENV, findPython, median, note, ratio, runPythonJson, threadEnv, type BenchOptions, type Row } from './harness.js';

export const LOOP = { epochs: 5, samples: 3750 };
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * `npm run train` runs the compiled CLI when dist/ is at least as new as src/ (scripts/cli.mjs), as it is
 * after `npm install`; a checkout whose dist/ is older (sources merged or edited since) is built first, so
 * the loop measures what a user runs and not tsx's start-up.
 */
function ensureCompiledCli(): void {
  const main = join(ROOT, 'dist', 'cli', 'main.js');
  const src = join(ROOT, 'src');
  const newestSource = Math.max(...readdirSync(src, { recursive: true }).map((f) => statSync(join(src, String(f))).mtimeMs));
  if (existsSync(main) && statSync(main).mtimeMs >= newestSource) return;
  note("user's loop: dist/ is older than src/; running npm run build:ts first");
  const r = spawnSync('npm', ['run', '--silent', 'build:ts'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) note(`user's loop: npm run build:ts failed, npm run train falls back to tsx: ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' | ')}`);
}

/** `npm run train` the way a user runs it (npm's own CLI when bench itself runs under npm). */
function runOurs(threads: number, out: string): { seconds: number; bestAcc: number | null } {
  const args = ['run', '--silent', 'train', '--', '--epochs', String(LOOP.epochs), '--samples', String(LOOP.samples), '--out', out];
  const npmCli = process.env.npm_execpath;
  const [cmd, argv] = npmCli && /\.c?js$/.test(npmCli) ? [process.execPath, [npmCli, ...args]] : ['npm', args];
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, {
    cwd: ROOT, encoding: 'utf8', timeout: 1_200_000, maxBuffer: 64 << 20,
    env: { ...process.env, NODETORCH_NUM_THREADS: String(threads) },
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`npm run train failed (${r.error?.message ?? `exit ${r.status}`}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
  const acc = r.stdout.match(/best val acc ([\d.]+)/);
  return { seconds, bestAcc: acc ? Number(acc[1]) : null };
}

function runTorch(exe: string, threads: number, out: string): { seconds: number; bestAcc: number } {
  const t0 = performance.now();
  const res = runPythonJson<{ bestAcc: number }>(exe, 'torch_train_loop.py', [LOOP.epochs, LOOP.samples, threads, out], { ...threadEnv(threads), ...TORCH_MALLOC_ENV }, 1_200_000);
  return { seconds: (performance.now() - t0) / 1000, bestAcc: res.bestAcc };
}

export interface LoopResult {
  threads: number;
  row: Row;
  oursSeconds: number[];
  torchSeconds: number[];
  torch1Seconds: number[];
}

export function benchLoop(o: BenchOptions): LoopResult | null {
  const threads = Math.max(...o.threads);
  const py = findPython('torch');
  if (typeof py === 'string') note(`user's loop: PyTorch side skipped: ${py}`);
  const rounds = 2;
  const ours: number[] = [];
  const theirs: number[] = [];
  const theirs1: number[] = [];
  let acc: number | null = null;
  ensureCompiledCli();
  const dir = mkdtempSync(join(tmpdir(), 'nodetorch-loop-'));
  try {
    for (let r = 0; r < rounds; r++) {
      if (typeof py !== 'string') {
        try {
          theirs.push(runTorch(py.exe, threads, join(dir, `torch-${r}`)).seconds);
        } catch (e) {
          note(`user's loop: PyTorch run failed: ${(e as Error).message}`);
        }
      }
      try {
        const res = runOurs(threads, join(dir, `ours-${r}`));
        ours.push(res.seconds);
        acc = res.bestAcc;
      } catch (e) {
        note(`user's loop: ${(e as Error).message}`);
      }
      if (typeof py !== 'string' && threads !== 1) {
        try {
          theirs1.push(runTorch(py.exe, 1, join(dir, `torch1-${r}`)).seconds);
        } catch (e) {
          note(`user's loop: PyTorch 1-thread run failed: ${(e as Error).message}`);
        }
      }
      console.log(`  round ${r + 1}/${rounds}: PyTorch ${threads}T ${theirs[r]?.toFixed(1) ?? '-'} s, npm run train ${ours[r]?.toFixed(1) ?? '-'} s` +
        (theirs1[r] === undefined ? '' : `, PyTorch 1T ${theirs1[r].toFixed(1)} s`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (ours.length === 0 && theirs.length === 0) return null;
  const om = ours.length ? median(ours) : null, tm = theirs.length ? median(theirs) : null;
  const t1 = theirs1.length ? median(theirs1) : null;
  return {
    threads,
    oursSeconds: ours,
    torchSeconds: theirs,
    torch1Seconds: theirs1,
    row: {
      loop: `${LOOP.epochs} epochs x ${LOOP.samples} samples, batch 32`, threads,
      'npm run train s': om, 'PyTorch s': tm, 'ours/PyTorch': ratio(om, tm),
      ...(threads !== 1 ? { 'PyTorch 1T s': t1, 'ours/PyTorch 1T': ratio(om, t1) } : {}),
      'our best val acc': acc,
    },
  };
}
