// GFLOP/s (2 x multiply-adds / time) and GB/s (arrays read + written / time) of the native conv1d kernels at
// the reference model's shapes, calling addon files directly so that builds can be compared side by side:
//   node bench/conv-native.mjs [--batch 128] [--threads 1,2] [--reps 40] a.node [b.node ...]
// Each measurement is the minimum over --reps calls with reused buffers; the addons take turns per
// kernel and shape (several rounds), so a busy period of a shared machine hits all of them alike.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { takeOption } from './take-option.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => takeOption(args, name, dflt);
const batch = Number(opt('--batch', '128'));
const threadList = opt('--threads', '1,2').split(',').map(Number);
const reps = Number(opt('--reps', '40'));
const rounds = Number(opt('--rounds', '3'));
const only = opt('--only', '');
// --cold: before each timed call, write a buffer larger than the caches (as in a train step, where the
// kernel's inputs were written by earlier layers and are mostly out of the caches), with the addon's
// own relu kernel so that its thread pool is as warm as between the kernels of a train step
const cold = args.includes('--cold') ? (args.splice(args.indexOf('--cold'), 1), new Float32Array(16 << 20).fill(1)) : null;
const files = args.length > 0 ? args : ['build/Release/nodetorch.node'];
const require = createRequire(import.meta.url);
const addons = files.map((f) => require(resolve(f)));

const conv = (cIn, cOut, l, k, stride = 1, padding = 0) => ({
  n: batch, cIn, cOut, l, k, stride, padding, dilation: 1, groups: 1, relu: false,
  lOut: Math.floor((l + 2 * padding - (k - 1) - 1) / stride) + 1,
});
// name, params, how many of the model's convs have this shape, backward-input needed
const SHAPES = [
  ['stem 1->32 k7 s2 L1200', conv(1, 32, 1200, 7, 2, 3), 1, false],
  ['1x1 32->16 L300', conv(32, 16, 300, 1), 2, true],
  ['1x1 32->12 L300', conv(32, 12, 300, 1), 1, true],
  ['1x1 32->8 L300', conv(32, 8, 300, 1), 1, true],
  ['16->24 k3 L300', conv(16, 24, 300, 3, 1, 1), 1, true],
  ['8->12 k5 L300', conv(8, 12, 300, 5, 1, 2), 1, true],
  ['1x1 64->16 L150', conv(64, 16, 150, 1), 2, true],
  ['1x1 64->12 L150', conv(64, 12, 150, 1), 1, true],
  ['1x1 64->8 L150', conv(64, 8, 150, 1), 1, true],
  ['16->24 k3 L150', conv(16, 24, 150, 3, 1, 1), 1, true],
  ['8->12 k5 L150', conv(8, 12, 150, 5, 1, 2), 1, true],
].filter(([name]) => only === '' || name.includes(only));

const rand = (n) => {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() - 0.5;
  return a;
};
const minNs = (f, flush) => {
  for (let i = 0; i < 3; i++) f();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    if (cold) flush(cold, cold);
    const t = process.hrtime.bigint();
    f();
    best = Math.min(best, Number(process.hrtime.bigint() - t));
  }
  return best;
};

/**
 * conv1dBackwardInput of an addon as (gy, w, gx, p): addons since the accumulate argument take
 * (gy, w, gx, acc, p), older ones (gy, w, gx, p); tried once per addon.
 */
const bwdInputOf = new Map();
function backwardInput(k) {
  let f = bwdInputOf.get(k);
  if (f === undefined) {
    const x = new Float32Array(1), p1 = { n: 1, cIn: 1, cOut: 1, l: 1, k: 1, stride: 1, padding: 0, dilation: 1, groups: 1, lOut: 1, relu: false };
    try {
      k.conv1dBackwardInput(x, x.slice(), new Float32Array(1), null, p1);
      f = (gy, w, gx, p) => k.conv1dBackwardInput(gy, w, gx, null, p);
    } catch {
      f = (gy, w, gx, p) => k.conv1dBackwardInput(gy, w, gx, p);
    }
    bwdInputOf.set(k, f);
  }
  return f;
}

const pad = (s, w) => String(s).padStart(w);
const total = files.map(() => threadList.map(() => 0));
console.log(`batch ${batch}${cold ? ', caches flushed before each call' : ''}, min of ${reps} calls x ${rounds} rounds; GFLOP/s (GB/s) per addon: ${files.join(' | ')}`);
for (const [name, p, count, needInput] of SHAPES) {
  const x = rand(p.n * p.cIn * p.l), w = rand(p.cOut * p.cIn * p.k), bias = rand(p.cOut);
  const y = new Float32Array(p.n * p.cOut * p.lOut), gy = rand(y.length);
  const gx = new Float32Array(x.length), gw = new Float32Array(w.length), gb = new Float32Array(p.cOut);
  const flops = 2 * p.n * p.cOut * p.lOut * p.cIn * p.k;
  const kernels = [
    ['fwd', (k) => k.conv1dForward(x, w, bias, y, p), x.length + w.length + y.length],
    ['bwdI', (k) => backwardInput(k)(gy, w, gx, p), gy.length + w.length + gx.length],
    ['bwdW', (k) => k.conv1dBackwardWeight(x, gy, gw, gb, p), x.length + gy.length + w.length],
  ].filter(([kn]) => needInput || kn !== 'bwdI');
  for (const [kn, call, floats] of kernels) {
    const cells = [];
    for (const [ti, t] of threadList.entries()) {
      const best = files.map(() => Infinity);
      for (let r = 0; r < rounds; r++) {
        for (const [ai, a] of addons.entries()) {
          a.setNumThreads(t);
          best[ai] = Math.min(best[ai], minNs(() => call(a.kernels), a.kernels.reluForward));
        }
      }
      best.forEach((ns, ai) => (total[ai][ti] += count * ns));
      cells.push(`${t}T ` + best.map((ns) => `${pad((flops / ns).toFixed(1), 6)} (${pad((4 * floats / ns).toFixed(1), 5)})`).join(' |'));
    }
    console.log(`${name.padEnd(24)} ${kn.padEnd(5)} ${cells.join('   ')}`);
  }
}
console.log(`all conv calls of one step (sum of minimums, ms): ` +
  threadList.map((t, ti) => `${t}T ` + files.map((_, ai) => (total[ai][ti] / 1e6).toFixed(2)).join(' | ')).join('   '));
