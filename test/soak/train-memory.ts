/**
 * Child process for soak.test.ts: trains the reference model for many steps with no dispose() anywhere
 * and prints memory (after a full GC) at a few checkpoints as JSON.
 */
import '../../src/ops/methods.js';
import { setBackend, type BackendName } from '../../src/backend/select.js';
import { Inception1d } from '../../src/models/inception1d.js';
import { CrossEntropyLoss } from '../../src/nn/index.js';
import { SGD } from '../../src/optim/index.js';
import { randn, randint } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';

const [backend, steps, batch] = [process.argv[2] as BackendName, Number(process.argv[3]), Number(process.argv[4] ?? 8)];
setBackend(backend);
const g = new Generator(0);
const model = new Inception1d(2, { generator: g });
const opt = new SGD(model.parameters(), { lr: 0.003, momentum: 0.9 });
const lossFn = new CrossEntropyLoss();
const gc = (globalThis as { gc?: () => void }).gc!;
const samples: { step: number; heap: number; external: number; rss: number }[] = [];
for (let step = 1; step <= steps; step++) {
  const x = randn([batch, 1, 1200], { generator: g }); // fresh data every step, like a loader
  const y = randint(0, 2, [batch], { generator: g });
  opt.zeroGrad();
  const loss = lossFn.forward(model.forward(x), y);
  loss.backward();
  opt.step();
  if (step % Math.floor(steps / 5) === 0) {
    // full GC, let V8's concurrent array-buffer sweeper finish, then GC again
    gc();
    await new Promise((r) => setTimeout(r, 100));
    gc();
    const m = process.memoryUsage();
    samples.push({ step, heap: m.heapUsed, external: m.external + m.arrayBuffers, rss: m.rss });
  }
}
console.log(JSON.stringify(samples));
