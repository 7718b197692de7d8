/**
 * Train step of the reference Inception1d (zeroGrad, forward, CrossEntropyLoss, backward, SGD step) per
 * backend at batch 32 and 128: ms per step, samples/s and minor page faults per step. When a Python
 * with torch is found (NODETORCH_PYTHON, /usr/bin/python3, python3), PyTorch's own step is timed in the
 * same run on one thread as the baseline (bench/torch_train_step.py).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../src/backend/backend.js';
import { setBackend, getBackend, getNumThreads } from '../src/backend/select.js';
import { Inception1d } from '../src/models/inception1d.js';
import { CrossEntropyLoss } from '../src/nn/index.js';
import { SGD } from '../src/optim/index.js';
import { randn, randint } from '../src/creation.js';
import { Generator } from '../src/util/generator.js';
import { time } from './harness.js';

export interface TrainRow {
  backend: string;
  batch: number;
  threads: number;
  msPerStep: number;
  samplesPerSec: number;
  faultsPerStep: number;
  vsTorch: string;
  [k: string]: string | number;
}

function torchStepMs(batch: number, steps: number): number | null {
  const script = fileURLToPath(new URL('./torch_train_step.py', import.meta.url));
  for (const py of [process.env.NODETORCH_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!py) continue;
    const r = spawnSync(py, [script, String(batch), String(steps)], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
    const ms = Number(r.stdout?.trim().split('\n').pop());
    if (r.status === 0 && Number.isFinite(ms)) return ms;
  }
  return null;
}

export function benchTrainStep(backends: Backend[], quick = false): TrainRow[] {
  const rows: TrainRow[] = [];
  const previous = getBackend().name;
  for (const batch of [32, 128]) {
    const torchMs = torchStepMs(batch, quick ? 5 : 20);
    for (const be of backends) {
      if (be.name === 'ref' && batch > 32) continue; // minutes per step: not informative
      setBackend(be.name);
      const g = new Generator(0);
      const model = new Inception1d(2, { generator: g });
      model.train();
      const opt = new SGD(model.parameters(), { lr: 0.003, momentum: 0.9 });
      const lossFn = new CrossEntropyLoss();
      const x = randn([batch, 1, 1200], { generator: g });
      const y = randint(0, 2, [batch], { generator: g });
      const step = () => {
        opt.zeroGrad();
        const loss = lossFn.forward(model.forward(x), y);
        loss.backward();
        opt.step();
      };
      const faults0 = process.resourceUsage().minorPageFault;
      let n0 = 0;
      const t = time(() => {
        step();
        n0++;
      }, be.name === 'ref' ? 1 : quick ? 500 : 2000, be.name === 'ref' ? 1 : 5);
      const faults = (process.resourceUsage().minorPageFault - faults0) / n0;
      rows.push({
        backend: be.name,
        batch,
        threads: be.name === 'native' ? getNumThreads() : 1,
        msPerStep: t.medianMs,
        samplesPerSec: (batch * 1000) / t.medianMs,
        faultsPerStep: Math.round(faults),
        vsTorch: torchMs ? `${(t.medianMs / torchMs).toFixed(2)}x` : 'n/a',
      });
    }
    if (torchMs) rows.push({ backend: 'pytorch (1 thread)', batch, threads: 1, msPerStep: torchMs, samplesPerSec: (batch * 1000) / torchMs, faultsPerStep: 0, vsTorch: '1.00x' });
  }
  setBackend(previous);
  return rows;
}
