// ns per output of the native maxPool1d kernels at the reference model's shapes, calling an addon file
// directly (so two builds can be compared one after the other):
//   NODETORCH_NUM_THREADS=1 node bench/max-pool-native.mjs build/Release/nodetorch.node [batch]
// GB/s counts the bytes each kernel must move once (forward: x read, y and the byte argmax written;
// backward: gy and argmax read, gx written), printed beside a Float32Array copy of the forward input's
// size (read + write) in the same process.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const k = createRequire(import.meta.url)(resolve(process.argv[2] ?? 'build/Release/nodetorch.node')).kernels;
const n = Number(process.argv[3] ?? 32);
const cases = [
  { n, c: 32, l: 600, k: 3, stride: 2, padding: 1, dilation: 1, lOut: 300 },
  { n, c: 32, l: 300, k: 3, stride: 1, padding: 1, dilation: 1, lOut: 300 },
  { n, c: 64, l: 300, k: 3, stride: 2, padding: 1, dilation: 1, lOut: 150 },
  { n, c: 64, l: 150, k: 3, stride: 1, padding: 1, dilation: 1, lOut: 150 },
];
const minNs = (f) => {
  for (let i = 0; i < 20; i++) f();
  let best = Infinity;
  for (let r = 0; r < 50; r++) {
    const t = process.hrtime.bigint();
    f();
    best = Math.min(best, Number(process.hrtime.bigint() - t));
  }
  return best;
};
for (const p of cases) {
  const x = new Float32Array(p.n * p.c * p.l).map(() => Math.random() - 0.5);
  const y = new Float32Array(p.n * p.c * p.lOut);
  const idx = new Uint8Array(y.length);
  const gx = new Float32Array(x.length);
  const fwd = minNs(() => k.maxPool1dForward(x, y, idx, p));
  const bwd = minNs(() => k.maxPool1dBackward(y, idx, gx, p));
  const src = new Float32Array(x.length);
  const copy = minNs(() => x.set(src));
  const gbs = (bytes, ns) => (bytes / ns).toFixed(1);
  const bytes = x.length * 4 + y.length * 5;
  console.log(`${p.n}x${p.c}x${p.l} k${p.k} s${p.stride}: forward ${(fwd / y.length).toFixed(2)} ns/output ` +
    `${gbs(bytes, fwd)} GB/s, backward ${(bwd / y.length).toFixed(2)} ns/output ${gbs(bytes, bwd)} GB/s, ` +
    `copy ${gbs(x.length * 8, copy)} GB/s (min of 50)`);
}
