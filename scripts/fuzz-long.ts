/**
 * The long seeded fuzz run of issue 11: random calls of every public function and class (the table of
 * test/helpers/fuzz-ops.ts, which the property tests in test/hardening/properties.test.ts also use), with
 * valid arguments or one argument replaced by a hostile value, on one backend, counting the outcomes:
 *
 *   correct  a result (on native/wasm equal to what ref computes from the same draw)
 *   clear    an Error whose message starts with the op's name (not an engine message)
 *   unclear  any other throw            wrong  a result that differs from ref's
 *   crash    the process died (a signal or an abort): reported by the parent, see below
 *
 * Each backend runs in its own child process, so a crash is counted, not fatal to the run.
 *
 *   npx tsx scripts/fuzz-long.ts [--calls 100000] [--seed 11] [--backends native,wasm,ref]
 *
 * Exit status 1 if any call was unclear, wrong or crashed. Figures of the latest run: bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Counts { correct: number; clear: number; unclear: number; wrong: number; crash: number }

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

async function child(backend: string, calls: number, seed: number): Promise<void> {
  const nt = await import('../src/index.js');
  const { SPECS, publicExports, runCase, hostileValues, Rng } = await import('../test/helpers/fuzz-ops.js');
  nt.setBackend(backend as never);
  const exports = publicExports();
  const paths = Object.keys(SPECS).filter((p) => exports.has(p));
  const nHostile = hostileValues().length;
  const r = new Rng(seed);
  const counts: Counts = { correct: 0, clear: 0, unclear: 0, wrong: 0, crash: 0 };
  const examples = new Map<string, string>();
  for (let i = 0; i < calls; i++) {
    const path = paths[i % paths.length];
    const caseSeed = r.int(0, 2 ** 31 - 1);
    const hostile: [number, number] | null = r.next() < 0.7 ? [r.int(0, 7), r.int(0, nHostile - 1)] : null;
    const { outcome, detail } = runCase(path, exports.get(path)!, caseSeed, hostile);
    counts[outcome === 'ok' ? 'correct' : outcome]++;
    if (outcome === 'unclear' || outcome === 'wrong') {
      const key = detail.replace(/\(seed \d+, hostile [^)]*\)|\(seed \d+\)/, '');
      if (!examples.has(key)) examples.set(key, detail);
    }
  }
  process.stdout.write(`${JSON.stringify({ counts, examples: [...examples.values()].slice(0, 50) })}\n`);
}

function main(): void {
  const calls = Number(arg('calls', '100000'));
  const seed = Number(arg('seed', '11'));
  const backends = arg('backends', 'native,wasm,ref').split(',');
  if (process.argv.includes('--child')) {
    void child(arg('backend', 'ref'), calls, seed);
    return;
  }
  let bad = 0;
  console.log(`fuzz-long: ${calls} calls per backend, seed ${seed}, node ${process.version}, ${process.platform}-${process.arch}`);
  for (const backend of backends) {
    const t0 = Date.now();
    const p = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', '--backend', backend,
      '--calls', String(calls), '--seed', String(seed)], { encoding: 'utf8', maxBuffer: 64 << 20 });
    let counts: Counts;
    let examples: string[] = [];
    try {
      ({ counts, examples } = JSON.parse(p.stdout.trim().split('\n').pop()!));
    } catch {
      counts = { correct: 0, clear: 0, unclear: 0, wrong: 0, crash: 1 };
      examples = [`exit ${p.status} signal ${p.signal}: ${p.stderr.slice(-2000)}`];
    }
    const s = ((Date.now() - t0) / 1000).toFixed(0);
    console.log(`${backend.padEnd(6)} correct ${counts.correct}  clear errors ${counts.clear}  unclear errors ${counts.unclear}  wrong ${counts.wrong}  crashes ${counts.crash}  (${s} s)`);
    for (const e of examples) console.log(`  ${e}`);
    bad += counts.unclear + counts.wrong + counts.crash;
  }
  process.exitCode = bad > 0 ? 1 : 0;
}

main();
