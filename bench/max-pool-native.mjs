// ns per output of the native maxPool1d kernels at the reference model's shapes, calling an addon file
// directly (so two builds can be compared one after the other):
//   NODETORCH_NUM_THREADS=1 node bench/max-pool-native.mjs build/Release/nodetorch.node
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const k = createRequire(import.meta.url)(resolve(process.argv[2] ?? 'build/Release/nodetorch.node')).kernels;
const cases = [
  { n: 32, c: 32, l: 600, k: 3, stride: 2, padding: 1, dilation: 1, lOut: 300 },
  { n: 32, c: 64, l: 150, k: 3, stride: 1, padding: 1, dilation: 1, lOut: 150 },
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
  console.log(`${p.n}x${p.c}x${p.l} k${p.k} s${p.stride}: forward ${(fwd / y.length).toFixed(2)} ns/output, ` +
    `backward ${(bwd / y.length).toFixed(2)} ns/output (min of 50)`);
}
