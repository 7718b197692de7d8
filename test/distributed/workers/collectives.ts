/**
 * Run under `nodetorch run`: every collective on values whose result has a closed form. Each rank
 * prints `RESULT <json>` with what it received; test/distributed/collectives.test.ts checks it.
 */
import { distributed as dist, tensor, zeros, type Tensor } from '../../../src/index.js';

dist.initProcessGroup({ timeoutMs: 30000 });
const rank = dist.getRank();
const world = dist.getWorldSize();
const out: Record<string, unknown> = { rank, world, isInitialized: dist.isInitialized() };
const arr = (t: Tensor): number[] => Array.from(t.data as Float32Array);

// Integer-valued floats (exact sums) and values whose max/min moves between ranks. Sizes: 1, odd, and
// 300,007 (more than one of Gloo's 1 MiB segments).
const value = (i: number, r: number): number => ((i * 7 + r * 13) % 17) - 8 + (i % 1000);
const sizes = [1, 7, 300_007];
for (const op of ['sum', 'avg', 'max', 'min'] as const) {
  for (const n of sizes) {
    const t = zeros([n]);
    for (let i = 0; i < n; i++) t.data[i] = value(i, rank);
    dist.allReduce(t, { op });
    // Checked here for the big size (printing 1M numbers is slow), reported for the small ones.
    let bad = -1;
    for (let i = 0; i < n && bad < 0; i++) {
      const vs = Array.from({ length: world }, (_, r) => value(i, r));
      const sum = vs.reduce((a, b) => a + b, 0);
      const want = op === 'sum' ? sum : op === 'avg' ? Math.fround(sum / world) : op === 'max' ? Math.max(...vs) : Math.min(...vs);
      if (t.data[i] !== want) bad = i;
    }
    out[`${op}${n}`] = n <= 7 ? arr(t) : bad;
  }
}

const b = tensor([rank, rank * 10, -rank], { dtype: 'float32' });
dist.broadcast(b, { src: world - 1 });
out.broadcast = arr(b);

const list = Array.from({ length: world }, () => zeros([2]));
dist.allGather(list, tensor([rank, rank + 0.5], { dtype: 'float32' }));
out.allGather = list.map(arr);

dist.barrier();

// reduceScatter: rank r's output is the reduction over ranks of their inputList[r]; odd block size.
for (const op of ['sum', 'avg', 'max', 'min'] as const) {
  const inputs = Array.from({ length: world }, (_, i) => tensor([i * 10 + rank, -rank - 1, rank * rank + i + 0.5], { dtype: 'float32' }));
  const before = inputs.map(arr);
  const o = zeros([3]);
  dist.reduceScatter(o, inputs, { op });
  out[`reduceScatter_${op}`] = arr(o);
  out[`reduceScatter_${op}_inputsKept`] = inputs.every((t, i) => arr(t).every((v, k) => v === before[i][k]));
}
const rsBig = zeros([100_003]);
const rsWork = dist.reduceScatter(rsBig, Array.from({ length: world }, (_, i) => zeros([100_003]).add(i + rank)), { asyncOp: true });
rsWork.wait();
out.reduceScatterBig = arr(rsBig).every((v) => v === world * rank + (world * (world - 1)) / 2) ? 'ok' : 'wrong';

// Async: three in flight at once, waited out of order; the JS thread is free meanwhile.
const ts = [tensor([rank + 1], { dtype: 'float32' }), tensor([(rank + 1) * 2], { dtype: 'float32' }), tensor([rank], { dtype: 'float32' })];
const works = [dist.allReduce(ts[0], { asyncOp: true }), dist.allReduce(ts[1], { op: 'max', asyncOp: true }), dist.broadcast(ts[2], { src: 0, asyncOp: true })];
works[2].wait();
works[0].wait();
await works[1].getFuture();
out.async = ts.map(arr);
out.asyncCompleted = works.every((w) => w.isCompleted());
const barrierWork = dist.barrier({ asyncOp: true });
barrierWork!.wait();

// Errors: a clear message naming the op.
const errors: string[] = [];
for (const f of [
  () => dist.allReduce(tensor([1], { dtype: 'float32' }), { op: 'prod' as 'sum' }),
  () => dist.broadcast(tensor([1], { dtype: 'float32' }), { src: world }),
  () => dist.allGather([zeros([1])], tensor([1], { dtype: 'float32' })),
  () => dist.reduceScatter(zeros([2]), Array.from({ length: world }, () => zeros([3]))),
  () => dist.reduceScatter(zeros([1]), [zeros([1])].slice(0, world - 1)),
  () => dist.allReduce([1, 2] as unknown as Tensor),
  () => dist.initProcessGroup(),
]) {
  try {
    f();
    errors.push('no error');
  } catch (e) {
    errors.push(`${(e as Error).name}: ${(e as Error).message}`);
  }
}
out.errors = errors;
dist.destroyProcessGroup();
out.afterDestroy = dist.isInitialized();
console.log(`RESULT ${JSON.stringify(out)}`);
