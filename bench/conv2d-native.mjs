// The native conv2d kernels at bench/conv2d.ts's shapes, calling addon files directly so that builds are
// compared in one process (an A/B free of the drift between separate runs on a shared machine):
//   node bench/conv2d-native.mjs [--threads 1,2] [--reps 20] [--rounds 5] [--only 64->64] a.node [b.node ...]
// Per kernel, shape and thread count the addons take turns call by call; each figure is the minimum over
// rounds x reps calls (ms), and `pair` the median over all alternating call pairs of addon i's time /
// the first addon's (below 1: faster than the first).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { takeOption } from './take-option.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => takeOption(args, name, dflt);
const threadList = opt('--threads', '1,2').split(',').map(Number);
const reps = Number(opt('--reps', '20'));
const rounds = Number(opt('--rounds', '5'));
const only = opt('--only', '');
const files = args.length > 0 ? args : ['build/Release/nodetorch.node'];
const require = createRequire(import.meta.url);
const addons = files.map((f) => require(resolve(f)));

const out = (hw, k, stride, pad) => Math.floor((hw + 2 * pad - k) / stride) + 1;
const conv = (n, cIn, cOut, hw, k, stride = 1, pad = 0) => ({
  n, cIn, cOut, inH: hw, inW: hw, kH: k, kW: k, strideH: stride, strideW: stride, padH: pad, padW: pad,
  dilationH: 1, dilationW: 1, groups: 1, outH: out(hw, k, stride, pad), outW: out(hw, k, stride, pad), relu: false,
});
const SHAPES = [
  ['n32 1->16 28x28', conv(32, 1, 16, 28, 3, 1, 1)],
  ['n32 16->32 14x14', conv(32, 16, 32, 14, 3, 1, 1)],
  ['n32 3->16 32x32', conv(32, 3, 16, 32, 3, 1, 1)],
  ['n32 16->32 16x16', conv(32, 16, 32, 16, 3, 1, 1)],
  ['n32 64->64 8x8', conv(32, 64, 64, 8, 3, 1, 1)],
].filter(([name]) => only === '' || name.includes(only));

const rand = (n) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
const ns = (f) => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t);
};
const median = (a) => a.slice().sort((u, v) => u - v)[a.length >> 1];

console.log(`min of ${rounds} x ${reps} calls (ms) per addon, pair = median time ratio to the first: ${files.join(' | ')}`);
for (const [name, p] of SHAPES) {
  const x = rand(p.n * p.cIn * p.inH * p.inW), w = rand(p.cOut * p.cIn * p.kH * p.kW), b = rand(p.cOut);
  const y = new Float32Array(p.n * p.cOut * p.outH * p.outW), gy = rand(y.length);
  const gx = new Float32Array(x.length), gw = new Float32Array(w.length), gb = new Float32Array(p.cOut);
  const kernels = [
    ['fwd', (k) => k.conv2dForward(x, w, b, y, p)],
    ['bwdI', (k) => k.conv2dBackwardInput(gy, w, gx, p)],
    ['bwdW', (k) => k.conv2dBackwardWeight(x, gy, gw, gb, p)],
  ];
  for (const [kn, call] of kernels) {
    const cells = [];
    for (const t of threadList) {
      const best = files.map(() => Infinity), ratios = files.map(() => []);
      for (const a of addons) {
        a.setNumThreads(t);
        for (let i = 0; i < 3; i++) call(a.kernels);
      }
      for (let r = 0; r < rounds * reps; r++) {
        const times = addons.map((a) => {
          a.setNumThreads(t);
          return ns(() => call(a.kernels));
        });
        times.forEach((v, ai) => {
          best[ai] = Math.min(best[ai], v);
          ratios[ai].push(v / times[0]);
        });
      }
      cells.push(`${t}T ` + best.map((v, ai) => `${(v / 1e6).toFixed(3)}${ai > 0 ? ` (pair ${median(ratios[ai]).toFixed(2)})` : ''}`).join(' | '));
    }
    console.log(`${name.padEnd(18)} ${kn.padEnd(5)} ${cells.join('   ')}`);
  }
}
