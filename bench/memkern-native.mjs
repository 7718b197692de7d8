// Min-of-many wall time of the native memory-bound kernels at the reference model's shapes, on 1 and on
// 2 threads, calling addon files directly. With two addon builds A and B (the same module from two
// trees), the two are timed in alternating rounds in one process, so load on a shared machine hits both:
//   node bench/memkern-native.mjs <A.node> [B.node|-] [batch=128] [reps=40]
// GB/s counts the bytes each kernel must move once (every array argument read or written once).
// COLD=1 writes a 64 MB buffer (twice the L3 here) before each timed call instead of a warm-up call, so the
// arrays come from memory, as in a train step at batch 128.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const req = createRequire(import.meta.url);
const addons = [process.argv[2] ?? 'build/Release/nodetorch.node', process.argv[3] ?? '-']
  .filter((f) => f !== '-').map((f) => req(resolve(f)));
const n = Number(process.argv[4] ?? 128);
const reps = Number(process.argv[5] ?? 40);
const rand = (len) => new Float32Array(len).map(() => Math.random() - 0.5);
const cold = process.env.COLD === '1';
const flushBuf = cold ? new Float32Array(16 << 20) : null;
/** Min ms of each f over `reps` alternating rounds (each round: a warm-up call, or a cache flush, and one timed call of each). */
const minMs = (fs) => {
  const best = fs.map(() => Infinity);
  for (let r = 0; r < reps; r++) {
    fs.forEach((f, i) => {
      if (flushBuf) flushBuf.fill(r + i);
      else f();
      const t = process.hrtime.bigint();
      f();
      best[i] = Math.min(best[i], Number(process.hrtime.bigint() - t) / 1e6);
    });
  }
  return best;
};

const cases = [];
{
  // The stem's BatchNorm1d(32) on (n, 32, 600), relu fused, and its backward.
  const p = { n, c: 32, inner: 600, training: true, eps: 1e-5, relu: true };
  const len = n * 32 * 600;
  const x = rand(len), y = new Float32Array(len), gy = rand(len), gx = new Float32Array(len);
  const w = rand(32), b = rand(32), mean = new Float64Array(32), invstd = new Float64Array(32);
  const gw = new Float32Array(32), gb = new Float32Array(32);
  cases.push({ name: 'batchNormForward 32x600', bytes: len * 8, f: (addon) => addon.kernels.batchNormForward(x, w, b, mean, invstd, y, p) });
  cases.push({ name: 'batchNormBackward 32x600', bytes: len * 12, f: (addon) => addon.kernels.batchNormBackward(gy, x, w, mean, invstd, gx, gw, gb, p) });
}
for (const [c, l, s] of [[32, 600, 2], [32, 300, 1], [64, 300, 2], [64, 150, 1]]) {
  const lOut = s === 2 ? l / 2 : l;
  const p = { n, c, l, k: 3, stride: s, padding: 1, dilation: 1, lOut };
  const x = rand(n * c * l), y = new Float32Array(n * c * lOut), idx = new Uint8Array(y.length);
  const gy = rand(y.length), gx = new Float32Array(x.length);
  addons[0].kernels.maxPool1dForward(x, y, idx, p);
  cases.push({ name: `maxPool1dForward ${c}x${l} s${s}`, bytes: x.length * 4 + y.length * 5, f: (addon) => addon.kernels.maxPool1dForward(x, y, idx, p) });
  cases.push({ name: `maxPool1dBackward ${c}x${l} s${s}`, bytes: x.length * 4 + y.length * 5, f: (addon) => addon.kernels.maxPool1dBackward(gy, idx, gx, p) });
}
for (const [c, l] of [[16, 300], [64, 300], [12, 150], [64, 150]]) {
  const len = n * c * l;
  const y = rand(len), gy = rand(len), gx = new Float32Array(len), a = rand(len), b = rand(len), out = new Float32Array(len);
  cases.push({ name: `reluBackward ${c}x${l}`, bytes: len * 12, f: (addon) => addon.kernels.reluBackward(y, gy, gx) });
  cases.push({ name: `add ${c}x${l}`, bytes: len * 12, f: (addon) => addon.kernels.add(a, b, out) });
}
console.log(`batch ${n}, ${cold ? 'cold caches, ' : ''}min of ${reps} alternating rounds; ${addons.length === 2 ? 'A -> B' : 'A'}`);
const two = addons.length === 2;
console.log(two ? '| kernel | 1T ms A -> B | 2T ms A -> B | 2T GB/s B | 2T speedup B |' : '| kernel | 1T ms | 2T ms | 2T GB/s | 2T speedup |');
console.log('| --- | --- | --- | --- | --- |');
for (const cs of cases) {
  const at = (threads) => {
    for (const a of addons) a.setNumThreads(threads);
    return minMs(addons.map((a) => () => cs.f(a)));
  };
  const t1 = at(1), t2 = at(2);
  const fmt = (t) => t.map((v) => v.toFixed(3)).join(' -> ');
  const b1 = t1[t1.length - 1], b2 = t2[t2.length - 1];
  console.log(`| ${cs.name} | ${fmt(t1)} | ${fmt(t2)} | ${(cs.bytes / b2 / 1e6).toFixed(1)} | ${(b1 / b2).toFixed(2)}x |`);
}
