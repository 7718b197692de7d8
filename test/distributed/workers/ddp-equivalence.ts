/**
 * Run under `nodetorch run`: DDP training with per-rank batch B must give the same weights as one process
 * training on the concatenated batch of WORLD_SIZE * B. Ranks initialize from different seeds, so the
 * result also proves create()'s broadcast. Rank 0 trains the single-process reference too and prints
 * one RESULT line. argv: steps, bucketCapMb, accumulate (noSync micro-batches), 'bn' for a model with batch norm.
 */
import { distributed as dist, nn, optim, manualSeed, randn, tensor, zeros, Generator, narrow, type Tensor } from '../../../src/index.js';

const steps = Number(process.argv[2] ?? 20);
const bucketCapMb = Number(process.argv[3] ?? 25);
const accumulate = Number(process.argv[4] ?? 1); // micro-batches per step (noSync on all but the last)
const B = 4;

dist.initProcessGroup({ timeoutMs: 60000 });
const rank = dist.getRank();
const world = dist.getWorldSize();

const batchNorm = process.argv[5] === 'bn'; // with batch norm: SyncBatchNorm on the ranks, BatchNorm1d in the reference
const makeModel = (): nn.Module => batchNorm
  ? new nn.Sequential(new nn.Linear(5, 16), new nn.BatchNorm1d(16), new nn.Tanh(), new nn.Linear(16, 7), new nn.ReLU(), new nn.Linear(7, 3))
  : new nn.Sequential(new nn.Linear(5, 16), new nn.Tanh(), new nn.Linear(16, 7), new nn.ReLU(), new nn.Linear(7, 3));
manualSeed(1000 + rank); // different on every rank: DDP's broadcast must make them equal
const model = nn.SyncBatchNorm.convertSyncBatchnorm(makeModel());
const ddp = nn.parallel.DistributedDataParallel.create(model, { bucketCapMb });
const reference = makeModel();
reference.loadStateDict(model.stateDict());
const opt = new optim.SGD(ddp.parameters(), { lr: 0.05, momentum: 0.9 });
const refOpt = new optim.SGD(reference.parameters(), { lr: 0.05, momentum: 0.9 });
const lossFn = new nn.MSELoss();

// Every rank sees the same global batches; rank r trains on its slice.
const data = new Generator(7);
for (let s = 0; s < steps; s++) {
  opt.zeroGrad();
  refOpt.zeroGrad();
  for (let m = 0; m < accumulate; m++) {
    const x = randn([world * B, 5], { generator: data });
    const y = randn([world * B, 3], { generator: data });
    const mine = (t: Tensor): Tensor => narrow(t, 0, rank * B, B);
    const step = (): void => {
      const loss = lossFn.call(ddp.call(mine(x)), mine(y)).div(accumulate);
      loss.backward();
    };
    if (m < accumulate - 1) ddp.noSync(step);
    else step();
    if (rank === 0) lossFn.call(reference.call(x), y).div(accumulate).backward();
  }
  opt.step();
  if (rank === 0) refOpt.step();
}

let maxDiff = 0;
if (rank === 0) {
  const a = [...model.parameters(), ...model.buffers()];
  const b = [...reference.parameters(), ...reference.buffers()];
  a.forEach((p, i) => p.data.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - b[i].data[k])))));
}
// Every rank must hold the same weights: gather a checksum of each.
const mine = model.parameters().reduce((acc, p) => acc + (p.data as Float32Array).reduce((x: number, v: number, k: number) => x + v * ((k % 7) + 1), 0), 0);
const sums = Array.from({ length: world }, () => tensor([0], { dtype: 'float32' }));
dist.allGather(sums, tensor([mine], { dtype: 'float32' }));
// noSync: a backward inside leaves the local gradient (ranks differ); the next one outside averages.
const gradSpread = (): number => {
  const g = model.parameters()[0].grad!.data as Float32Array;
  const all = Array.from({ length: world }, () => tensor([0], { dtype: 'float32' }));
  dist.allGather(all, tensor([g.reduce((a: number, v: number, k: number) => a + v * (k + 1), 0)], { dtype: 'float32' }));
  return Math.max(...all.map((t) => t.data[0])) - Math.min(...all.map((t) => t.data[0]));
};
const xr = randn([B, 5], { generator: new Generator(50 + rank) });
opt.zeroGrad();
ddp.noSync(() => lossFn.call(ddp.call(xr), randn([B, 3], { generator: new Generator(9) })).backward());
const noSyncSpread = gradSpread();
const localGrad = Float32Array.from(model.parameters()[0].grad!.data as Float32Array);
lossFn.call(ddp.call(xr), randn([B, 3], { generator: new Generator(9) })).backward();
const syncSpread = gradSpread();
// The synced gradient is the average over ranks of the accumulated local ones (2 x local each).
const avgOfLocal = zeros([localGrad.length]);
avgOfLocal.data.set(localGrad.map((v) => 2 * v));
dist.allReduce(avgOfLocal, { op: 'avg' });
let accDiff = 0;
(model.parameters()[0].grad!.data as Float32Array).forEach((v, k) => (accDiff = Math.max(accDiff, Math.abs(v - avgOfLocal.data[k]))));
if (rank === 0) {
  const spread = Math.max(...sums.map((t) => t.data[0])) - Math.min(...sums.map((t) => t.data[0]));
  console.log(`RESULT ${JSON.stringify({ maxDiff, spread, noSyncSpread, syncSpread, accDiff, steps, world, syncBn: model.modules().some((m) => m instanceof nn.SyncBatchNorm), keys: [...ddp.stateDict().keys()].slice(0, 2), innerKeys: [...model.stateDict().keys()].slice(0, 2) })}`);
}
dist.destroyProcessGroup();
