/**
 * The conv2d kernels (forward, backward-input, backward-weight + bias) of the native and wasm backends
 * beside PyTorch 1.13's F.conv2d / aten convolution_backward (bench/torch_conv2d.py) at small-CNN shapes,
 * with the same thread count. The machine is shared and noisy: the sides take turns for --rounds rounds
 * and each figure is the minimum over all rounds of --reps calls.
 *   npx tsx bench/conv2d.ts [--threads 1,2] [--reps 20] [--rounds 3]
 * Prints ms per call and PyTorch's time / ours (above 1: ours is faster).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadNativeBackend, setNativeThreads } from '../src/backend/native.js';
import { loadWasmBackend } from '../src/backend/wasm.js';
import { convOutLength, type Backend, type Conv2dParams } from '../src/backend/backend.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i < 0 ? dflt : argv[i + 1]!;
};
const threadList = opt('--threads', '1,2').split(',').map(Number);
const reps = Number(opt('--reps', '20'));
const rounds = Number(opt('--rounds', '3'));

function conv(n: number, cIn: number, cOut: number, hw: number, k: number, stride = 1, pad = 0): Conv2dParams {
  const out = convOutLength(hw, k, stride, pad, 1);
  return {
    n, cIn, cOut, inH: hw, inW: hw, kH: k, kW: k, strideH: stride, strideW: stride, padH: pad, padW: pad,
    dilationH: 1, dilationW: 1, groups: 1, outH: out, outW: out, relu: false,
  };
}
const SHAPES: { name: string; p: Conv2dParams }[] = [
  // The CNN example's (examples/models.ts DigitCnn) two convs.
  { name: 'n32 1->16 3x3 p1 28x28', p: conv(32, 1, 16, 28, 3, 1, 1) },
  { name: 'n32 16->32 3x3 p1 14x14', p: conv(32, 16, 32, 14, 3, 1, 1) },
  { name: 'n32 3->16 3x3 p1 32x32', p: conv(32, 3, 16, 32, 3, 1, 1) },
  { name: 'n32 16->32 3x3 p1 16x16', p: conv(32, 16, 32, 16, 3, 1, 1) },
  { name: 'n32 64->64 3x3 p1 8x8', p: conv(32, 64, 64, 8, 3, 1, 1) },
];
const KERNELS = ['forward', 'backwardInput', 'backwardWeight'] as const;
type Times = Record<string, Record<(typeof KERNELS)[number], number>>;

const rand = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);

function best(fn: () => void): number {
  fn();
  let t = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

function ours(be: Backend): Times {
  const out: Times = {};
  for (const { name, p } of SHAPES) {
    const x = rand(p.n * p.cIn * p.inH * p.inW);
    const w = rand(p.cOut * (p.cIn / p.groups) * p.kH * p.kW);
    const b = rand(p.cOut);
    const y = new Float32Array(p.n * p.cOut * p.outH * p.outW);
    const gy = rand(y.length);
    const gx = new Float32Array(x.length);
    const gw = new Float32Array(w.length);
    const gb = new Float32Array(p.cOut);
    out[name] = {
      forward: best(() => be.conv2dForward(x, w, b, y, p)),
      backwardInput: best(() => be.conv2dBackwardInput(gy, w, gx, p)),
      backwardWeight: best(() => be.conv2dBackwardWeight(x, gy, gw, gb, p)),
    };
  }
  return out;
}

function torch(threads: number): Times {
  const script = fileURLToPath(new URL('./torch_conv2d.py', import.meta.url));
  const env = { ...process.env, MALLOC_MMAP_THRESHOLD_: '4294967296', MALLOC_TRIM_THRESHOLD_: '4294967296' };
  return JSON.parse(execFileSync('/usr/bin/python3', [script, String(threads), String(reps), JSON.stringify(SHAPES)], { env }).toString());
}

function minInto(acc: Times | undefined, t: Times): Times {
  if (!acc) return t;
  for (const s of Object.keys(t)) for (const k of KERNELS) acc[s]![k] = Math.min(acc[s]![k], t[s]![k]);
  return acc;
}

const native = loadNativeBackend();
const wasm = loadWasmBackend();
for (const threads of threadList) {
  setNativeThreads(threads);
  let tn: Times | undefined, tw: Times | undefined, tt: Times | undefined;
  for (let r = 0; r < rounds; r++) {
    tn = minInto(tn, ours(native));
    tt = minInto(tt, torch(threads));
    if (threads === 1) tw = minInto(tw, ours(wasm)); // wasm runs on one thread
  }
  console.log(`\n${threads} thread(s): ms per call (min of ${rounds} x ${reps}); ratio = PyTorch / ours`);
  console.log('shape                      kernel          torch    native (ratio)   wasm (ratio)');
  for (const { name } of SHAPES) {
    for (const k of KERNELS) {
      const t = tt![name]![k];
      const n = tn![name]![k];
      const w = tw?.[name]?.[k];
      const wasmCol = w === undefined ? '' : `${w.toFixed(3).padStart(8)} (${(t / w).toFixed(2)})`;
      console.log(`${name.padEnd(26)} ${k.padEnd(15)} ${t.toFixed(3).padStart(7)} ${n.toFixed(3).padStart(9)} (${(t / n).toFixed(2)})  ${wasmCol}`);
    }
  }
}
