/**
 * conv1dBackwardInput accumulating into the gradient sum (acc) against the unfused pair it replaces, native,
 * at the reference model's inception-block shapes (batch given): per shape the minimum over calls of
 *   unfused: conv1dBackwardInput(gy -> gx) ; add(sum, gx -> sum)
 *   fused:   conv1dBackwardInput(gy, acc = sum -> sum in place)
 * in microseconds, the calls interleaved so that load from other jobs falls on both alike, on one thread
 * unless NODETORCH_NUM_THREADS says otherwise.
 *
 *   node bench/conv-fusions-native.mjs [batch=128] [reps=100]
 */
import { createRequire } from 'node:module';

const [batch = 128, reps = 100] = process.argv.slice(2).map(Number);
const addon = createRequire(import.meta.url)('../build/Release/nodetorch.node');
const k = addon.kernels;
addon.setNumThreads?.(Number(process.env.NODETORCH_NUM_THREADS ?? 1));

const conv = (cIn, cOut, l, kk, padding = 0) => ({
  n: batch, cIn, cOut, l, k: kk, stride: 1, padding, dilation: 1, groups: 1, lOut: l + 2 * padding - kk + 1, relu: false,
});
// The first conv of each inception branch reads the block input (32 channels at L300, 64 at L150).
const SHAPES = [
  ['1x1 32->16 L300', conv(32, 16, 300, 1)],
  ['1x1 32->12 L300', conv(32, 12, 300, 1)],
  ['1x1 32->8 L300', conv(32, 8, 300, 1)],
  ['1x1 64->16 L150', conv(64, 16, 150, 1)],
  ['1x1 64->12 L150', conv(64, 12, 150, 1)],
  ['1x1 64->8 L150', conv(64, 8, 150, 1)],
];
const rand = (n) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
/** Min time of each function in microseconds, the calls interleaved (f0, f1, f0, ...). */
const minsUs = (fs) => {
  for (let i = 0; i < 3; i++) fs.forEach((f) => f());
  const best = fs.map(() => Infinity);
  for (let r = 0; r < reps; r++) {
    fs.forEach((f, i) => {
      const t = process.hrtime.bigint();
      f();
      best[i] = Math.min(best[i], Number(process.hrtime.bigint() - t) / 1e3);
    });
  }
  return best;
};
console.log(`batch ${batch}, min of ${reps} interleaved calls, us: unfused (kernel + add) | fused (acc) | fused / unfused`);
const totals = [0, 0];
for (const [name, p] of SHAPES) {
  const xLen = p.n * p.cIn * p.l;
  const w = rand(p.cOut * p.cIn * p.k), gy = rand(p.n * p.cOut * p.lOut), sum = rand(xLen), gx = new Float32Array(xLen);
  const unfused = () => {
    k.conv1dBackwardInput(gy, w, gx, null, p);
    k.add(sum, gx, sum);
  };
  const fused = () => k.conv1dBackwardInput(gy, w, sum, sum, p);
  const t = minsUs([unfused, fused]);
  totals[0] += t[0];
  totals[1] += t[1];
  console.log(name.padEnd(18), t.map((v) => v.toFixed(0).padStart(6)).join(' |'), `| ${(t[1] / t[0]).toFixed(2)}`);
}
console.log('all'.padEnd(18), totals.map((v) => v.toFixed(0).padStart(6)).join(' |'), `| ${(totals[1] / totals[0]).toFixed(2)}`);
