/**
 * The sequence layers of issue 12 on the selected backend (NODETORCH_BACKEND), beside PyTorch on the same
 * thread count when /usr/bin/python3 has torch: forward + backward of
 * - layerNorm over (2048, 128) on the affineNorm kernels, and the same normalisation composed from
 *   elementwise ops and reductions (what the kernels replace);
 * - an LSTM step: 1 layer, seq 64, batch 32, input = hidden = 128, output summed.
 * Medians of 10 runs after 3 warm-ups, milliseconds. Run: `npx tsx bench/seq-layers.ts`.
 */
import { execFileSync } from 'node:child_process';
import { randn, ones, zeros } from '../src/creation.js';
import { layerNorm } from '../src/ops/layer-norm.js';
import { LSTM } from '../src/nn/rnn.js';
import { getBackend, getNumThreads } from '../src/backend/select.js';
import type { Tensor } from '../src/tensor.js';
import '../src/ops/methods.js';

function median(f: () => void, runs = 10): number {
  for (let i = 0; i < 3; i++) f();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[runs >> 1];
}

const x = randn([2048, 128]).requiresGrad_();
const w = ones([128]).requiresGrad_();
const b = zeros([128]).requiresGrad_();
const gy = randn([2048, 128]);
const composed = (t: Tensor): Tensor => {
  const c = t.sub(t.mean([-1], true));
  return c.div(c.mul(c).mean([-1], true).add(1e-5).sqrt()).mul(w).add(b);
};
const lstm = new LSTM(128, 128);
const seq = randn([64, 32, 128]);

const ours = {
  layerNorm: median(() => layerNorm(x, [128], { weight: w, bias: b }).backward(gy)),
  layerNormComposed: median(() => composed(x).backward(gy)),
  lstmStep: median(() => (lstm.forward(seq)[0] as Tensor).sum().backward(), 5),
};

const py = `
import time, torch, torch.nn.functional as F
torch.set_num_threads(${getNumThreads()})
def med(f, runs=10):
    for _ in range(3): f()
    t = []
    for _ in range(runs):
        t0 = time.perf_counter(); f(); t.append((time.perf_counter() - t0) * 1e3)
    return sorted(t)[runs // 2]
x = torch.randn(2048, 128, requires_grad=True); w = torch.ones(128, requires_grad=True); b = torch.zeros(128, requires_grad=True)
gy = torch.randn(2048, 128)
lstm = torch.nn.LSTM(128, 128); seq = torch.randn(64, 32, 128)
print(med(lambda: F.layer_norm(x, [128], w, b).backward(gy)), med(lambda: lstm(seq)[0].sum().backward(), 5))
`;
let torch: number[] | null = null;
try {
  torch = execFileSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(getNumThreads()) } })
    .trim().split(/\s+/).map(Number);
} catch {
  torch = null;
}
console.log(`backend ${getBackend().name}, ${getNumThreads()} threads (ms, median)`);
console.log(`layerNorm (2048, 128) fwd+bwd:      ${ours.layerNorm.toFixed(2)}   PyTorch ${torch ? torch[0].toFixed(2) : 'n/a'}`);
console.log(`  same, composed from ops:          ${ours.layerNormComposed.toFixed(2)}`);
console.log(`LSTM seq 64 batch 32 h 128 fwd+bwd: ${ours.lstmStep.toFixed(2)}   PyTorch ${torch ? torch[1].toFixed(2) : 'n/a'}`);
