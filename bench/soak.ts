/**
 * Memory soak (issue 11, finding 8): trains the reference model — Inception1d(2), batch 32, a fresh
 * random (32, 1, 1200) batch every step, SGD lr 0.003 momentum 0.9, CrossEntropyLoss — for many steps
 * with no manual memory management, and prints RSS, heapUsed, external and arrayBuffers every
 * `--every` steps (after a full GC when run with --expose-gc, so the heap figures are what is retained),
 * with the window's peak RSS (read after every step: a single post-GC reading of RSS moves by 10-20 MB
 * either way as V8 and malloc return and re-take pages), then the growth of each from 10% to 100% of
 * the run (medians of 3 samples each side: soak-growth.ts). The goal is growth under 2%.
 *
 *   node --expose-gc --import tsx bench/soak.ts --backend native --steps 10000   # figures: bench/README.md
 *   node --expose-gc --import tsx bench/soak.ts --backend wasm --steps 10000
 *   node --expose-gc --import tsx bench/soak.ts --backend ref --steps 300
 *
 * Flags: --backend native|wasm|ref, --steps N (default 10000), --batch B (32), --every K (100),
 * --threads T (native pool size), --json (the last line is the samples and growth as JSON),
 * --leak-bytes N (keep N bytes per step alive: a deliberate leak, to check that the soak test trips).
 */
import '../src/ops/methods.js';
import { setBackend, setNumThreads, type BackendName } from '../src/backend/select.js';
import { Inception1d } from '../src/models/inception1d.js';
import { CrossEntropyLoss } from '../src/nn/index.js';
import { SGD } from '../src/optim/index.js';
import { randn, randint } from '../src/creation.js';
import { Generator } from '../src/util/generator.js';
import { memoryGrowth, type MemorySample, type Quantity } from './soak-growth.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const backend = flag('backend', 'native') as BackendName;
const steps = Number(flag('steps', '10000'));
const batch = Number(flag('batch', '32'));
const every = Number(flag('every', '100'));
const leakBytes = Number(flag('leak-bytes', '0'));
const json = process.argv.includes('--json');
setBackend(backend);
if (process.argv.includes('--threads')) setNumThreads(Number(flag('threads', '1')));

const gc = (globalThis as { gc?: () => void }).gc;
const g = new Generator(0);
const model = new Inception1d(2, { generator: g });
model.train();
const opt = new SGD(model.parameters(), { lr: 0.003, momentum: 0.9 });
const lossFn = new CrossEntropyLoss();
const leaked: Uint8Array[] = [];
const samples: MemorySample[] = [];
const MB = 1024 * 1024;
const mb = (v: number) => (v / MB).toFixed(1).padStart(8);

if (!json) {
  console.log(`soak: ${backend}, ${steps} steps, batch ${batch}${gc ? ', sampled after a full GC' : ' (run with --expose-gc for post-GC figures)'}`);
  console.log(`${'step'.padStart(6)} ${'rss MB'.padStart(8)} ${'peak MB'.padStart(8)} ${'heap MB'.padStart(8)} ${'ext MB'.padStart(8)} ${'ab MB'.padStart(8)} ${'ms/step'.padStart(8)}`);
}
let t0 = performance.now();
let peak = 0;
for (let step = 1; step <= steps; step++) {
  const x = randn([batch, 1, 1200], { generator: g });
  const y = randint(0, 2, [batch], { generator: g });
  opt.zeroGrad();
  const loss = lossFn.forward(model.forward(x), y);
  loss.backward();
  opt.step();
  if (leakBytes > 0) leaked.push(new Uint8Array(leakBytes).fill(1));
  peak = Math.max(peak, process.memoryUsage.rss());
  if (step % every === 0) {
    const ms = (performance.now() - t0) / every;
    if (gc) {
      // a full GC, a pause for V8's concurrent array-buffer sweeper, then another
      gc();
      await new Promise((r) => setTimeout(r, 20));
      gc();
    }
    const m = process.memoryUsage();
    const s = { step, rss: m.rss, peakRss: peak, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
    samples.push(s);
    if (!json) console.log(`${String(step).padStart(6)} ${mb(s.rss)} ${mb(s.peakRss)} ${mb(s.heapUsed)} ${mb(s.external)} ${mb(s.arrayBuffers)} ${ms.toFixed(1).padStart(8)}`);
    t0 = performance.now();
    peak = 0;
  }
}
const growth = memoryGrowth(samples);
if (json) {
  console.log(JSON.stringify({ backend, steps, batch, leaked: leaked.length * leakBytes, samples, growth }));
} else {
  const pct = (k: Quantity) => `${k} ${(growth[k].bytes / MB).toFixed(2)} MB (${growth[k].percent.toFixed(2)}%)`;
  console.log(`growth from step ${growth.from} to ${growth.to}: ${pct('rss')}, ${pct('peakRss')}, ${pct('heapUsed')}, ${pct('external')}, ${pct('arrayBuffers')}`);
}
