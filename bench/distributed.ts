/**
 * Data-parallel figures, run under the launcher, once per engine:
 *   npx tsx src/cli/main.ts run --backend gloo --nproc-per-node 2 bench/distributed.ts
 *   npx tsx src/cli/main.ts run --backend mpi --nproc-per-node 2 bench/distributed.ts
 *   npx tsx src/cli/main.ts run --nproc-per-node 1 bench/distributed.ts   (the 1-rank step, for the ratio)
 * 1. The engine's allreduce (sum, float32) latency and bus bandwidth at 8,882 floats (the size of a small
 *    model's gradients), 1M and 10M: median of repeated runs after warm-up; bus bandwidth counts the
 *    2(n-1)/n x bytes a ring allreduce moves per rank.
 * 2. The reference model's (Inception1d) DDP train step at batch 32 per rank, median ms, and the
 *    allreduce of its whole gradient alone (an upper bound of the communication inside the step; its
 *    share of the step is printed).
 * Rank 0 prints the table and one JSON line.
 */
import { distributed as dist, nn, zeros, randn, randint, optim, Generator, getNumThreads } from '../src/index.js';
import { Inception1d } from '../src/models/inception1d.js';
import { cpus, loadavg } from 'node:os';

dist.initProcessGroup({ timeoutMs: 120_000 });
const rank = dist.getRank();
const world = dist.getWorldSize();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeAllReduce(n: number, reps: number): number {
  const t = zeros([n]);
  for (let i = 0; i < 3; i++) dist.allReduce(t);
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    dist.barrier();
    const t0 = performance.now();
    dist.allReduce(t);
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

const rows: { floats: number; ms: number; busGBs: number }[] = [];
if (world > 1) {
  for (const [n, reps] of [[8_882, 200], [1_000_000, 30], [10_000_000, 7]] as const) {
    const ms = timeAllReduce(n, reps);
    rows.push({ floats: n, ms, busGBs: (2 * (world - 1) / world) * n * 4 / (ms / 1000) / 1e9 });
  }
}

// The reference model's data-parallel step.
const batch = 32;
const g = new Generator(rank);
const model = new Inception1d(2, { generator: g });
const ddp = nn.parallel.DistributedDataParallel.create(model);
const opt = new optim.SGD(ddp.parameters(), { lr: 0.003, momentum: 0.9 });
const lossFn = new nn.CrossEntropyLoss();
const x = randn([batch, 1, 1200], { generator: g });
const y = randint(0, 2, [batch], { generator: g });
const step = (): void => {
  opt.zeroGrad();
  lossFn.forward(ddp.forward(x), y).backward();
  opt.step();
};
for (let i = 0; i < 3; i++) step();
const stepMs: number[] = [];
for (let i = 0; i < 15; i++) {
  dist.barrier();
  const t0 = performance.now();
  step();
  stepMs.push(performance.now() - t0);
}
const params = model.parameters().reduce((a, p) => a + p.numel(), 0);
const gradAllReduceMs = world > 1 ? timeAllReduce(params, 30) : 0;

if (rank === 0) {
  const out = {
    machine: `${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, load ${loadavg()[0].toFixed(2)}; ${world} rank(s) x ${getNumThreads()} kernel thread(s)`,
    engine: dist.getBackend(),
    world, allreduce: rows, step: { batchPerRank: batch, medianMs: median(stepMs), params, gradAllReduceMs, commShare: gradAllReduceMs / median(stepMs) },
  };
  console.log(`${out.machine}; engine ${out.engine}`);
  for (const r of rows) console.log(`allreduce ${String(r.floats).padStart(9)} floats: ${r.ms.toFixed(3)} ms, bus ${r.busGBs.toFixed(2)} GB/s`);
  console.log(`Inception1d DDP step, batch ${batch}/rank: ${out.step.medianMs.toFixed(1)} ms (its ${params} gradients alone: ${gradAllReduceMs.toFixed(3)} ms allreduce, ${(100 * out.step.commShare).toFixed(1)}% of the step)`);
  console.log(`JSON ${JSON.stringify(out)}`);
}
dist.destroyProcessGroup();
