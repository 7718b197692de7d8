/**
 * The transformer example's train step (CharTransformer d 128, seq 64, 2 layers, batch 16, AdamW; the shapes
 * of bench/example-steps.ts) in a loop, for a CPU profile or a quick per-step CPU time:
 * `node --import tsx [--cpu-prof] bench/transformer-step-profile.ts [backend] [threads] [steps]`.
 * Prints the median wall ms and the process CPU ms per step (CPU time is steadier on a shared machine).
 */
import { performance } from 'node:perf_hooks';
import { setBackend, setNumThreads, type BackendName } from '../src/backend/select.js';
import { nn, optim, randint, manualSeed } from '../src/index.js';
import { CharTransformer } from '../examples/models.js';
import { median } from './harness.js';

const [backend = 'native', threads = '1', steps = '30'] = process.argv.slice(2);
setBackend(backend as BackendName);
if (backend === 'native') setNumThreads(Number(threads));
manualSeed(0);
const model = new CharTransformer({ vocab: 96, dModel: 128, nhead: 4, numLayers: 2, dimFeedforward: 256, maxLen: 64 });
const x = randint(0, 96, [16, 64]);
const y = randint(0, 96, [16 * 64]);
const lossFn = new nn.CrossEntropyLoss();
const opt = new optim.AdamW(model.parameters(), { lr: 1e-3 });
model.train();
const step = () => {
  opt.zeroGrad();
  lossFn.forward(model.forward(x).reshape([-1, 96]), y).backward();
  opt.step();
};
for (let i = 0; i < 3; i++) step();
const times: number[] = [];
const cpu0 = process.cpuUsage();
for (let i = 0; i < Number(steps); i++) {
  const t0 = performance.now();
  step();
  times.push(performance.now() - t0);
}
const cpu = process.cpuUsage(cpu0);
console.log(`${backend} ${threads}T: median ${median(times).toFixed(2)} ms, min ${Math.min(...times).toFixed(2)} ms, CPU ${((cpu.user + cpu.system) / 1000 / Number(steps)).toFixed(2)} ms/step`);
