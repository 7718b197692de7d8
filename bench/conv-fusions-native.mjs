/**
 * The conv1d backward-input fusions against the unfused chain they replace, native, at the reference
 * model's shapes (the inception blocks' convs, batch given): per shape the minimum over calls of
 *   unfused: reluBackward(y, gy -> gy') ; conv1dBackwardInput(gy' -> gx) ; add(acc, gx -> acc)
 *   mask:    conv1dBackwardInput(gy, mask y, gyMasked = gy -> gx) ; add(acc, gx -> acc)
 *   fused:   conv1dBackwardInput(gy, mask y, gyMasked = gy, acc -> acc in place)
 * in microseconds, on one thread unless NODETORCH_NUM_THREADS says otherwise.
 *
 *   node bench/conv-fusions-native.mjs [batch=128] [reps=30]
 */
import { createRequire } from 'node:module';

const [batch = 128, reps = 30] = process.argv.slice(2).map(Number);
const addon = createRequire(import.meta.url)('../build/Release/nodetorch.node');
const k = addon.kernels;
addon.setNumThreads?.(Number(process.env.NODETORCH_NUM_THREADS ?? 1));

const conv = (cIn, cOut, l, kk, stride = 1, padding = 0) => ({
  n: batch, cIn, cOut, l, k: kk, stride, padding, dilation: 1, groups: 1,
  lOut: Math.floor((l + 2 * padding - kk) / stride) + 1, relu: true,
});
const SHAPES = [
  ['1x1 32->16 L300', conv(32, 16, 300, 1)],
  ['16->24 k3 L300', conv(16, 24, 300, 3, 1, 1)],
  ['8->12 k5 L300', conv(8, 12, 300, 5, 1, 2)],
  ['1x1 64->16 L150', conv(64, 16, 150, 1)],
  ['16->24 k3 L150', conv(16, 24, 150, 3, 1, 1)],
];
const rand = (n) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
const minUs = (f) => {
  for (let i = 0; i < 3; i++) f();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = process.hrtime.bigint();
    f();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e3);
  }
  return best;
};
console.log(`batch ${batch}, min of ${reps} calls, us: unfused | mask only | mask + accumulate`);
for (const [name, p] of SHAPES) {
  const xLen = p.n * p.cIn * p.l, yLen = p.n * p.cOut * p.lOut;
  const w = rand(p.cOut * p.cIn * p.k), y = rand(yLen), gy0 = rand(yLen), acc = rand(xLen);
  const gy = new Float32Array(yLen), gx = new Float32Array(xLen);
  const unfused = () => {
    gy.set(gy0);
    k.reluBackward(y, gy, gy);
    k.conv1dBackwardInput(gy, w, gx, null, null, null, p);
    k.add(acc, gx, acc);
  };
  const maskOnly = () => {
    gy.set(gy0);
    k.conv1dBackwardInput(gy, w, gx, null, y, gy, p);
    k.add(acc, gx, acc);
  };
  const fused = () => {
    gy.set(gy0);
    k.conv1dBackwardInput(gy, w, acc, acc, y, gy, p);
  };
  const copy = minUs(() => gy.set(gy0));
  const t = [unfused, maskOnly, fused].map((f) => minUs(f) - copy);
  console.log(name.padEnd(18), t.map((v) => v.toFixed(0).padStart(6)).join(' |'));
}
