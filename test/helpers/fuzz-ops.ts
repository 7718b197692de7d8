/**
 * The public-API fuzz table shared by the property tests (test/hardening/properties.test.ts) and the long
 * seeded run (scripts/fuzz-long.ts): for every public function and class of src/index.ts, how to draw
 * valid arguments, and a runner that calls it with those arguments or with one of them replaced by a
 * hostile value (null, undefined, BigInt, NaN/Infinity, negative/fractional/huge sizes, strings, empty and
 * zero-size tensors, wrong dtypes, detached buffers, ...) and classifies the outcome:
 *
 * - `ok`: a result; on a backend other than ref it equals what ref computes from the same draw;
 * - `clear`: an Error whose message starts with one of the op's names and a colon, not an engine message;
 * - `unclear`: any other throw (an engine TypeError, another op's name, a non-Error);
 * - `wrong`: a result that differs from ref's.
 *
 * Exports that are not fuzzed here are listed in EXEMPT with the reason (file I/O has its own corruption
 * fuzz in test/io/fuzz.test.ts, and so on); the coverage test fails for an export in neither table.
 */
import * as nt from '../../src/index.js';
import { Tensor, type DType } from '../../src/tensor.js';

type AnyFn = (...args: unknown[]) => unknown;

/** A small seeded PRNG (mulberry32): the draws of one case, reproducible from its seed. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  bool(): boolean {
    return this.next() < 0.5;
  }
}

/** Float32 tensor of `shape`, values in [-3, 3) with an occasional 0. */
export function f32(r: Rng, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = r.next() < 0.05 ? 0 : r.next() * 6 - 3;
  return new Tensor(d, shape, 'float32');
}

/** Float32 tensor in (0, 1): probabilities for the BCE losses. */
function prob(r: Rng, shape: number[]): Tensor {
  const t = f32(r, shape);
  const d = t.data as Float32Array;
  for (let i = 0; i < d.length; i++) d[i] = 0.05 + 0.9 * r.next();
  return t;
}

/** int64 tensor of `shape` with values in [0, hi). */
export function i64(r: Rng, shape: number[], hi: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = r.int(0, Math.max(hi - 1, 0));
  return new Tensor(d, shape, 'int64');
}

function boolT(r: Rng, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Uint8Array(n);
  for (let i = 0; i < n; i++) d[i] = r.bool() ? 1 : 0;
  return new Tensor(d, shape, 'bool');
}

/** Shapes of every rank up to 3, with length-1 and empty dims. */
const SHAPES: number[][] = [[], [1], [5], [2, 3], [3, 1], [2, 3, 4], [0], [2, 0], [1, 4, 7], [4, 2]];
const shape = (r: Rng) => r.pick(SHAPES).slice();
/** A (3, 4) float32 tensor: a plain one or the transpose of a (4, 3) one (a non-contiguous view). */
const viewOrNot = (r: Rng) => (r.bool() ? f32(r, [3, 4]) : f32(r, [4, 3]).t());
/** An in-place op's draw: the written tensor and an operand of its shape (or one that broadcasts). */
const inPlaceBinary = (): OpSpec => ({ args: (r) => [viewOrNot(r), r.bool() ? f32(r, [3, 4]) : f32(r, [1, 4])] });
const nonEmpty = (r: Rng) => r.pick(SHAPES.filter((s) => s.length > 0 && !s.includes(0))).slice();
const ncl = (r: Rng) => [r.int(1, 3), r.int(1, 4), r.int(3, 12)];
const nchw = (r: Rng) => [r.int(1, 2), r.int(1, 3), r.int(2, 6), r.int(2, 6)];
const nchwConv = (r: Rng) => {
  const c = r.int(1, 3);
  return [f32(r, [r.int(1, 2), c, r.int(3, 6), r.int(3, 6)]), f32(r, [r.int(1, 3), c, r.int(1, 3), r.int(1, 3)]), null, { stride: r.int(1, 2), padding: r.int(0, 1) }];
};
const dimOf = (r: Rng, nd: number) => (nd === 0 ? r.pick([0, -1]) : r.int(-nd, nd - 1));

/** A tensor whose buffer was transferred away, as postMessage does. */
function detachedTensor(): Tensor {
  const t = nt.randn([2, 3]);
  structuredClone(t.data, { transfer: [t.data.buffer] });
  return t;
}

/** The hostile values one argument may be replaced by (built fresh per call: some are consumed). */
export function hostileValues(): Array<[string, unknown]> {
  return [
    ['null', null], ['undefined', undefined], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity],
    ['-1', -1], ['0', 0], ['1.5', 1.5], ['2^31', 2 ** 31], ['2^53', 2 ** 53], ['1e308', 1e308], ['3n', 3n],
    ["'2'", '2'], ["'float16'", 'float16'], ['true', true], ['{}', {}], ['[]', []], ['[-1]', [-1]], ['[NaN]', [NaN]],
    ['[2^31]', [2 ** 31]], ['[2,2^40]', [2, 2 ** 40]], ['[1n]', [1n]], ['fn', () => 1], ['symbol', Symbol('s')],
    ['detached', detachedTensor()], ['int64 tensor', nt.tensor([1, 0], { dtype: 'int64' })],
    ['bool tensor', nt.tensor([true, false])], ['zero-size', nt.zeros([0, 3])], ['0-d', nt.tensor(2, { dtype: 'float32' })],
    ['5-d', nt.zeros([1, 1, 1, 1, 2])], ['Float32Array', new Float32Array(3)],
  ];
}

/** How to fuzz one export. */
export interface OpSpec {
  /** Names an error message may start with (default: the export's last name segment). */
  names?: string[];
  /** Valid arguments drawn with r. */
  args(r: Rng): unknown[];
  /** The call (default: fn(...args)); `fn` is the export. */
  call?(fn: AnyFn, args: unknown[]): unknown;
  /** Random (uses the default generator): compared with ref after reseeding. */
  noCompare?: boolean;
}

const unary = (names?: string[]): OpSpec => ({ names, args: (r) => [f32(r, shape(r))] });
const binary = (names?: string[]): OpSpec => ({
  names,
  args: (r) => {
    const s = shape(r);
    // Same shape, a broadcastable one, or a number.
    const other = r.next() < 0.2 ? r.next() * 4 - 2 : f32(r, r.bool() ? s : s.map((d, i) => (i === 0 ? 1 : d)));
    return [f32(r, s), other];
  },
});
const reduceDim = (extra: (r: Rng) => unknown[] = () => []): OpSpec => ({
  args: (r) => {
    const x = f32(r, nonEmpty(r));
    return [x, dimOf(r, x.ndim), ...extra(r)];
  },
});
const ctor = (fn: AnyFn, args: unknown[]) => new (fn as unknown as new (...a: unknown[]) => unknown)(...args);
/** A module: constructor arguments, then forward(input): the last argument. */
const moduleSpec = (names: string[], args: (r: Rng) => unknown[]): OpSpec => ({
  names,
  args,
  call: (fn, a) => {
    const m = ctor(fn, a.slice(0, -1)) as { call(x: unknown): unknown };
    return m.call(a[a.length - 1]);
  },
});
const lossArgs = (r: Rng) => {
  const s = nonEmpty(r);
  return [f32(r, s), f32(r, s)];
};
const classArgs = (r: Rng) => {
  const n = r.int(1, 4);
  const c = r.int(1, 5);
  return [f32(r, [n, c]), i64(r, [n], c)];
};
const poolArgs = (r: Rng, withStride: boolean) => {
  const x = f32(r, ncl(r));
  const k = r.int(1, 3);
  return withStride ? [x, k, { stride: r.int(1, 3), padding: r.int(0, Math.floor(k / 2)) }] : [x, k];
};
const params = (r: Rng) => {
  const p = new nt.nn.Parameter(f32(r, nonEmpty(r)));
  p.grad = f32(r, [...p.shape]);
  return [p];
};
/** An optimizer: constructor(params, options), then one step. */
const optimSpec = (name: string, opts: (r: Rng) => object): OpSpec => ({
  names: [name, `${name}.step`],
  args: (r) => [params(r), opts(r)],
  call: (fn, a) => {
    const o = ctor(fn, a) as { step(): void };
    o.step();
    return (a[0] as Tensor[])[0];
  },
});
/** The gradient of the first parameter of a valid draw (0 when a hostile value replaced the list). */
const gradOf = (ps: unknown) => (Array.isArray(ps) && ps[0] instanceof Tensor ? ps[0].grad : 0);
const sgdOf = (r: Rng) => new nt.optim.SGD(params(r), { lr: 0.1 });
/** A scheduler: constructor(optimizer, ...args), then one step; the result is the learning rate. */
const schedSpec = (name: string, rest: (r: Rng) => unknown[]): OpSpec => ({
  names: [name, `${name}.step`],
  args: (r) => [sgdOf(r), ...rest(r)],
  call: (fn, a) => {
    const s = ctor(fn, a) as { step(): void; getLastLr(): number[] };
    s.step();
    return s.getLastLr();
  },
});
/** The first 64 items of an iterable (a sampler may legitimately yield 2^31 of them). */
function take<T>(it: Iterable<T>): T[] {
  const out: T[] = [];
  for (const x of it) if (out.push(x) >= 64) break;
  return out;
}
const ds = (r: Rng) => {
  const n = r.int(1, 6);
  return new nt.data.TensorDataset(f32(r, [n, 3]), i64(r, [n], 2));
};

/** Every fuzzed export, by its path in the package (e.g. `nn.functional.conv1d`). */
export const SPECS: Record<string, OpSpec> = {
  // Creation.
  tensor: { args: (r) => [r.bool() ? [[1, 2], [3, 4]] : [r.next(), 2, 3], r.pick([{}, { dtype: 'int64' }, { dtype: 'bool' }])] },
  zeros: { args: (r) => [shape(r), r.pick([{}, { dtype: 'int64' }])] },
  ones: { args: (r) => [shape(r), r.pick([{}, { dtype: 'bool' }])] },
  empty: { args: (r) => [shape(r)] },
  full: { args: (r) => [shape(r), r.next() * 10 - 5, r.pick([{}, { dtype: 'int64' }])] },
  zerosLike: { args: (r) => [f32(r, shape(r))] },
  onesLike: { args: (r) => [f32(r, shape(r))] },
  fullLike: { args: (r) => [f32(r, shape(r)), 2.5] },
  arange: { args: (r) => [r.int(-3, 3), r.int(4, 9), r.pick([1, 2, 0.5])] },
  linspace: { args: (r) => [r.next(), r.next() * 5, r.int(0, 7)] },
  rand: { args: (r) => [shape(r)], noCompare: true },
  randn: { args: (r) => [shape(r)], noCompare: true },
  randint: { args: (r) => [0, r.int(1, 9), shape(r)], noCompare: true },
  randperm: { args: (r) => [r.int(0, 9)], noCompare: true },
  manualSeed: { args: (r) => [r.int(0, 1000)], call: (fn, a) => (fn(...a), 0) },
  Generator: { args: (r) => [r.int(0, 1000)], call: (fn, a) => (ctor(fn, a) as nt.Generator).random() },
  Tensor: { args: (r) => [new Float32Array(6), [2, 3], 'float32'], call: ctor },
  setAllocationLimit: {
    args: () => [{ maxElements: 2 ** 31 - 1 }],
    call: (fn, a) => {
      try {
        return fn(...a);
      } finally {
        nt.setAllocationLimit({ maxElements: null, maxBytesPerCall: null });
      }
    },
  },
  getAllocationLimit: { args: () => [] },
  // Elementwise.
  abs: unary(), exp: unary(), log: unary(), sqrt: unary(), neg: unary(), relu: unary(), sigmoid: unary(), tanh: unary(),
  clone: unary(),
  gelu: { args: (r) => [f32(r, shape(r)), r.pick([{}, { approximate: 'tanh' }])] },
  leakyRelu: { args: (r) => [f32(r, shape(r)), r.next()] },
  clamp: { args: (r) => [f32(r, shape(r)), -1, r.pick([1, null])] },
  add: binary(), sub: binary(), mul: binary(), div: binary(), pow: binary(),
  eq: binary(), ne: binary(), lt: binary(), le: binary(), gt: binary(), ge: binary(),
  where: { args: (r) => { const s = shape(r); return [boolT(r, s), f32(r, s), f32(r, s)]; } },
  toDtype: { args: (r) => [f32(r, shape(r)), r.pick<DType>(['float32', 'int64', 'bool'])] },
  // Reductions.
  sum: reduceDim(), mean: reduceDim(), std: reduceDim(), var: reduceDim(), variance: { ...reduceDim(), names: ['var'] }, // PyTorch's name
  max: reduceDim(), min: reduceDim(), argmax: reduceDim(), argmin: reduceDim(),
  softmax: reduceDim(), logSoftmax: reduceDim(),
  // Shapes and indexing.
  reshape: { args: (r) => [f32(r, [2, 3]), r.pick([[6], [3, 2], [-1], [1, 6, 1]])] },
  flatten: { args: (r) => [f32(r, shape(r))] },
  squeeze: { args: (r) => [f32(r, [1, 3, 1])] },
  unsqueeze: { args: (r) => [f32(r, shape(r)), 0] },
  transpose: { args: (r) => [f32(r, [2, 3, 4]), r.int(0, 2), r.int(-3, 2)] },
  t: { args: (r) => [f32(r, [r.int(0, 3), r.int(1, 4)])] },
  permute: { args: (r) => [f32(r, [2, 3, 4]), r.pick([[2, 0, 1], [0, 1, 2], [1, 2, 0]])] },
  expand: { args: (r) => [f32(r, [3, 1]), [3, r.int(0, 4)]] },
  broadcastTo: { args: (r) => [f32(r, [1, 3]), [r.int(0, 3), 3]] },
  expandAs: { args: (r) => [f32(r, [1, 3]), f32(r, [2, 3])] },
  cat: { args: (r) => [[f32(r, [2, 3]), f32(r, [r.int(0, 3), 3])], 0] },
  stack: { args: (r) => [[f32(r, [2, 3]), f32(r, [2, 3])], r.int(-3, 2)] },
  split: { args: (r) => [f32(r, [5, 2]), r.int(1, 5)] },
  chunk: { args: (r) => [f32(r, [5, 2]), r.int(1, 5)] },
  narrow: { args: (r) => [f32(r, [5, 2]), 0, r.int(0, 2), r.int(0, 3)] },
  select: { args: (r) => [f32(r, [5, 2]), 0, r.int(-5, 4)] },
  index: { args: (r) => [f32(r, [5, 2]), r.pick([1, [0, 2], i64(r, [3], 5)])] },
  indexSelect: { args: (r) => [f32(r, [5, 2]), 0, i64(r, [r.int(0, 4)], 5)] },
  // Views and in-place ops (the first argument is written; a transposed view half the time).
  view: { args: (r) => [f32(r, [2, 3]), r.pick([[6], [3, 2], [-1], [1, 6, 1]])] },
  contiguous: { args: (r) => [r.bool() ? f32(r, [3, 4]).t() : f32(r, shape(r))] },
  add_: inPlaceBinary(), sub_: inPlaceBinary(), mul_: inPlaceBinary(), div_: inPlaceBinary(),
  copy_: inPlaceBinary(),
  clamp_: { args: (r) => [viewOrNot(r), -1, r.pick([1, null])] },
  fill_: { args: (r) => [viewOrNot(r), r.next() * 4 - 2] },
  zero_: { args: (r) => [viewOrNot(r)] },
  gather: { args: (r) => [f32(r, [3, 4]), 1, i64(r, [3, r.int(0, 4)], 4)] },
  oneHot: { args: (r) => [i64(r, [r.int(1, 5)], 4), r.pick([-1, 4, 6])] },
  matmul: { args: (r) => { const k = r.int(1, 5); return [f32(r, r.bool() ? [r.int(1, 4), k] : [k]), f32(r, [k, r.int(1, 4)])]; } },
  conv1d: {
    args: (r) => {
      const [n, c, l] = ncl(r);
      const k = r.int(1, Math.min(l, 4));
      return [f32(r, [n, c, l]), f32(r, [r.int(1, 4), c, k]), null, { stride: r.int(1, 3), padding: r.int(0, 2), dilation: 1 }];
    },
  },
  // Grad mode, seeds, backends.
  noGrad: { args: () => [() => 1] },
  enableGrad: { args: () => [() => 1] },
  isGradEnabled: { args: () => [] },
  setGradEnabled: { args: () => [true], noCompare: true }, // returns the previous state
  getNumThreads: { args: () => [] },
  setNumThreads: {
    args: () => [nt.getNumThreads()],
    call: (fn, a) => {
      const before = nt.getNumThreads();
      try {
        return fn(...a);
      } finally {
        nt.setNumThreads(before);
      }
    },
  },
  // nn.functional.
  'nn.functional.relu': unary(['relu']), 'nn.functional.sigmoid': unary(['sigmoid']), 'nn.functional.tanh': unary(['tanh']),
  'nn.functional.gelu': unary(['gelu']),
  'nn.functional.leakyRelu': { names: ['leakyRelu'], args: (r) => [f32(r, shape(r)), 0.2] },
  'nn.functional.softmax': { names: ['softmax'], args: (r) => [f32(r, [2, 3]), r.int(-2, 1)] },
  'nn.functional.logSoftmax': { names: ['logSoftmax'], args: (r) => [f32(r, [2, 3]), r.int(-2, 1)] },
  'nn.functional.flatten': { names: ['flatten'], args: (r) => [f32(r, shape(r))] },
  'nn.functional.oneHot': { names: ['oneHot'], args: (r) => [i64(r, [3], 4), 4] },
  'nn.functional.dropout': { names: ['dropout'], args: (r) => [f32(r, shape(r)), r.pick([0, 0.5, 1]), r.bool()], noCompare: true },
  'nn.functional.linear': { names: ['linear'], args: (r) => { const k = r.int(1, 5); return [f32(r, [r.int(1, 3), k]), f32(r, [r.int(1, 4), k])]; } },
  'nn.functional.conv1d': { names: ['conv1d'], args: (r) => SPECS.conv1d.args(r) },
  'nn.functional.batchNorm': {
    names: ['batchNorm'],
    args: (r) => { const c = r.int(1, 4); return [f32(r, [r.int(2, 4), c, r.int(1, 5)]), f32(r, [c]), prob(r, [c]), { training: r.bool() }]; },
  },
  'nn.functional.maxPool1d': { names: ['maxPool1d'], args: (r) => poolArgs(r, true) },
  'nn.functional.avgPool1d': { names: ['avgPool1d'], args: (r) => poolArgs(r, true) },
  'nn.functional.adaptiveAvgPool1d': { names: ['adaptiveAvgPool1d'], args: (r) => [f32(r, ncl(r)), r.int(1, 4)] },
  'nn.functional.adaptiveMaxPool1d': { names: ['adaptiveMaxPool1d'], args: (r) => [f32(r, ncl(r)), r.int(1, 4)] },
  'nn.functional.mseLoss': { names: ['mseLoss'], args: lossArgs },
  'nn.functional.l1Loss': { names: ['l1Loss'], args: lossArgs },
  'nn.functional.bceLoss': { names: ['bceLoss', 'binaryCrossEntropy'], args: (r) => { const s = nonEmpty(r); return [prob(r, s), prob(r, s)]; } },
  'nn.functional.binaryCrossEntropy': { names: ['bceLoss', 'binaryCrossEntropy'], args: (r) => { const s = nonEmpty(r); return [prob(r, s), prob(r, s)]; } },
  'nn.functional.bceWithLogitsLoss': { names: ['bceWithLogitsLoss', 'binaryCrossEntropyWithLogits'], args: (r) => { const s = nonEmpty(r); return [f32(r, s), prob(r, s)]; } },
  'nn.functional.binaryCrossEntropyWithLogits': { names: ['bceWithLogitsLoss', 'binaryCrossEntropyWithLogits'], args: (r) => { const s = nonEmpty(r); return [f32(r, s), prob(r, s)]; } },
  'nn.functional.crossEntropy': { names: ['crossEntropy'], args: classArgs },
  'nn.functional.nllLoss': { names: ['nllLoss'], args: classArgs },
  // nn modules.
  'nn.Linear': moduleSpec(['Linear', 'linear'], (r) => { const k = r.int(1, 5); return [k, r.int(1, 4), f32(r, [r.int(1, 3), k])]; }),
  'nn.Conv1d': moduleSpec(['Conv1d', 'conv1d'], (r) => { const c = r.int(1, 3); return [c, r.int(1, 3), r.int(1, 3), { padding: 1 }, f32(r, [2, c, r.int(3, 9)])]; }),
  'nn.BatchNorm1d': moduleSpec(['BatchNorm1d', 'batchNorm'], (r) => { const c = r.int(1, 4); return [c, f32(r, [r.int(2, 4), c])]; }),
  'nn.ReLU': moduleSpec(['ReLU', 'relu'], (r) => [f32(r, shape(r))]),
  'nn.Sigmoid': moduleSpec(['Sigmoid', 'sigmoid'], (r) => [f32(r, shape(r))]),
  'nn.Tanh': moduleSpec(['Tanh', 'tanh'], (r) => [f32(r, shape(r))]),
  'nn.GELU': moduleSpec(['GELU', 'gelu'], (r) => [{}, f32(r, shape(r))]),
  'nn.LeakyReLU': moduleSpec(['LeakyReLU', 'leakyRelu'], (r) => [0.1, f32(r, shape(r))]),
  'nn.Softmax': moduleSpec(['Softmax', 'softmax'], (r) => [1, f32(r, [2, 3])]),
  'nn.LogSoftmax': moduleSpec(['LogSoftmax', 'logSoftmax'], (r) => [1, f32(r, [2, 3])]),
  'nn.Identity': moduleSpec(['Identity'], (r) => [f32(r, shape(r))]),
  'nn.Flatten': moduleSpec(['Flatten', 'flatten'], (r) => [f32(r, [2, 3, 4])]),
  'nn.Dropout': { ...moduleSpec(['Dropout', 'dropout'], (r) => [0.5, f32(r, shape(r))]), noCompare: true },
  'nn.MaxPool1d': moduleSpec(['MaxPool1d', 'maxPool1d'], (r) => [2, f32(r, [1, 2, r.int(2, 9)])]),
  'nn.AvgPool1d': moduleSpec(['AvgPool1d', 'avgPool1d'], (r) => [2, f32(r, [1, 2, r.int(2, 9)])]),
  'nn.AdaptiveAvgPool1d': moduleSpec(['AdaptiveAvgPool1d', 'adaptiveAvgPool1d'], (r) => [r.int(1, 3), f32(r, ncl(r))]),
  'nn.AdaptiveMaxPool1d': moduleSpec(['AdaptiveMaxPool1d', 'adaptiveMaxPool1d'], (r) => [r.int(1, 3), f32(r, ncl(r))]),
  'nn.Sequential': moduleSpec(['Sequential', 'Linear', 'linear', 'relu'], (r) => [new nt.nn.Linear(3, 2), new nt.nn.ReLU(), f32(r, [2, 3])]),
  'nn.ModuleList': { names: ['ModuleList'], args: () => [[new nt.nn.ReLU()]], call: (fn, a) => (ctor(fn, a) as { length: number }).length },
  'nn.ModuleDict': { names: ['ModuleDict'], args: () => [{ a: new nt.nn.ReLU() }], call: (fn, a) => ctor(fn, a) && 1 },
  'nn.Parameter': { names: ['Parameter'], args: (r) => [f32(r, shape(r))], call: ctor },
  'nn.parameter': { names: ['Parameter', 'parameter'], args: (r) => [f32(r, shape(r))] },
  'nn.MSELoss': { names: ['MSELoss', 'mseLoss'], args: lossArgs, call: (fn, a) => (ctor(fn, []) as { call(...x: unknown[]): unknown }).call(...a) },
  'nn.L1Loss': { names: ['L1Loss', 'l1Loss'], args: lossArgs, call: (fn, a) => (ctor(fn, []) as { call(...x: unknown[]): unknown }).call(...a) },
  'nn.CrossEntropyLoss': { names: ['CrossEntropyLoss', 'crossEntropy'], args: classArgs, call: (fn, a) => (ctor(fn, []) as { call(...x: unknown[]): unknown }).call(...a) },
  'nn.NLLLoss': { names: ['NLLLoss', 'nllLoss'], args: classArgs, call: (fn, a) => (ctor(fn, []) as { call(...x: unknown[]): unknown }).call(...a) },
  'nn.BCELoss': { names: ['BCELoss', 'bceLoss', 'binaryCrossEntropy'], args: (r) => { const s = nonEmpty(r); return [prob(r, s), prob(r, s)]; }, call: (fn, a) => (ctor(fn, []) as { call(...x: unknown[]): unknown }).call(...a) },
  'nn.BCEWithLogitsLoss': { names: ['BCEWithLogitsLoss', 'bceWithLogitsLoss', 'binaryCrossEntropyWithLogits'], args: (r) => { const s = nonEmpty(r); return [f32(r, s), prob(r, s)]; }, call: (fn, a) => (ctor(fn, []) as { call(...x: unknown[]): unknown }).call(...a) },
  // nn.init and nn.utils (in place: the result is the tensor).
  'nn.init.calculateFanInAndFanOut': { names: ['calculateFanInAndFanOut'], args: (r) => [f32(r, [3, 4, 2])] },
  'nn.init.calculateGain': { names: ['calculateGain'], args: (r) => [r.pick(['relu', 'linear', 'tanh', 'leaky_relu'])] },
  'nn.init.constant_': { names: ['constant_'], args: (r) => [f32(r, shape(r)), 0.5] },
  'nn.init.ones_': { names: ['ones_'], args: (r) => [f32(r, shape(r))] },
  'nn.init.zeros_': { names: ['zeros_'], args: (r) => [f32(r, shape(r))] },
  'nn.init.uniform_': { names: ['uniform_'], args: (r) => [f32(r, shape(r)), -1, 1], noCompare: true },
  'nn.init.normal_': { names: ['normal_'], args: (r) => [f32(r, shape(r)), 0, 1], noCompare: true },
  'nn.init.kaimingUniform_': { names: ['kaimingUniform_'], args: (r) => [f32(r, [3, 4])], noCompare: true },
  'nn.init.kaimingNormal_': { names: ['kaimingNormal_'], args: (r) => [f32(r, [3, 4])], noCompare: true },
  'nn.init.xavierUniform_': { names: ['xavierUniform_'], args: (r) => [f32(r, [3, 4])], noCompare: true },
  'nn.init.xavierNormal_': { names: ['xavierNormal_'], args: (r) => [f32(r, [3, 4])], noCompare: true },
  'nn.utils.clipGradNorm_': { names: ['clipGradNorm_', 'clipGradNorm'], args: (r) => [params(r), 1] },
  'nn.utils.clipGradNorm': { names: ['clipGradNorm_', 'clipGradNorm'], args: (r) => [params(r), 1] },
  'nn.utils.clipGradValue_': { names: ['clipGradValue_', 'clipGradValue'], args: (r) => [params(r), 0.5], call: (fn, a) => (fn(...a), gradOf(a[0])) },
  'nn.utils.clipGradValue': { names: ['clipGradValue_', 'clipGradValue'], args: (r) => [params(r), 0.5], call: (fn, a) => (fn(...a), gradOf(a[0])) },
  // optim.
  'optim.SGD': optimSpec('SGD', (r) => ({ lr: 0.1, momentum: r.pick([0, 0.9]), weightDecay: r.pick([0, 0.01]) })),
  'optim.Adam': optimSpec('Adam', () => ({ lr: 0.01 })),
  'optim.AdamW': optimSpec('AdamW', () => ({ lr: 0.01 })),
  'optim.Adagrad': optimSpec('Adagrad', () => ({ lr: 0.01 })),
  'optim.RMSprop': optimSpec('RMSprop', () => ({ lr: 0.01 })),
  'optim.lrScheduler.StepLR': schedSpec('StepLR', (r) => [r.int(1, 3)]),
  'optim.lrScheduler.MultiStepLR': schedSpec('MultiStepLR', () => [[1, 2]]),
  'optim.lrScheduler.ExponentialLR': schedSpec('ExponentialLR', () => [0.9]),
  'optim.lrScheduler.CosineAnnealingLR': schedSpec('CosineAnnealingLR', (r) => [r.int(1, 5)]),
  'optim.lrScheduler.LinearLR': schedSpec('LinearLR', () => [{}]),
  'optim.lrScheduler.LambdaLR': schedSpec('LambdaLR', () => [(e: number) => 0.5 ** e]),
  'optim.lrScheduler.OneCycleLR': schedSpec('OneCycleLR', () => [0.1, { totalSteps: 10 }]),
  'optim.lrScheduler.ReduceLROnPlateau': {
    names: ['ReduceLROnPlateau', 'ReduceLROnPlateau.step'],
    args: (r) => [sgdOf(r), {}],
    call: (fn, a) => {
      const s = ctor(fn, a) as { step(m: number): void };
      s.step(1);
      return 0;
    },
  },
  'optim.lrScheduler.SequentialLR': {
    names: ['SequentialLR', 'SequentialLR.step'],
    args: (r) => {
      const o = sgdOf(r);
      return [o, [new nt.optim.lrScheduler.StepLR(o, 1), new nt.optim.lrScheduler.ExponentialLR(o, 0.9)], [2]];
    },
    call: (fn, a) => (ctor(fn, a) as { step(): void }).step(),
  },
  // data.
  'data.TensorDataset': { names: ['TensorDataset'], args: (r) => { const n = r.int(0, 5); return [f32(r, [n, 2]), i64(r, [n], 3)]; }, call: (fn, a) => (ctor(fn, a) as { length: number }).length },
  'data.Subset': { names: ['Subset'], args: (r) => [ds(r), [0]], call: (fn, a) => (ctor(fn, a) as { getItem(i: number): unknown }).getItem(0) },
  'data.ConcatDataset': { names: ['ConcatDataset'], args: (r) => [[ds(r), ds(r)]], call: (fn, a) => (ctor(fn, a) as { length: number }).length },
  'data.randomSplit': { names: ['randomSplit'], args: (r) => { const d = ds(r); return [d, [d.length, 0]]; }, noCompare: true },
  'data.defaultCollate': { names: ['defaultCollate'], args: (r) => [[[f32(r, [2]), 1], [f32(r, [2]), 0]]] },
  'data.defaultConvert': { names: ['defaultConvert'], args: (r) => [[f32(r, [2]), 1]] },
  'data.SequentialSampler': { names: ['SequentialSampler'], args: (r) => [ds(r)], call: (fn, a) => take(ctor(fn, a) as Iterable<number>) },
  'data.RandomSampler': { names: ['RandomSampler'], args: (r) => [ds(r)], call: (fn, a) => take(ctor(fn, a) as Iterable<number>), noCompare: true },
  'data.SubsetRandomSampler': { names: ['SubsetRandomSampler'], args: () => [[0, 2, 1]], call: (fn, a) => take(ctor(fn, a) as Iterable<number>), noCompare: true },
  'data.WeightedRandomSampler': { names: ['WeightedRandomSampler'], args: (r) => [[0.2, 0.8], r.int(0, 4)], call: (fn, a) => take(ctor(fn, a) as Iterable<number>), noCompare: true },
  'data.BatchSampler': { names: ['BatchSampler'], args: (r) => [new nt.data.SequentialSampler(ds(r)), r.int(1, 3), r.bool()], call: (fn, a) => take(ctor(fn, a) as Iterable<number[]>) },
  'data.DataLoader': {
    names: ['DataLoader'],
    args: (r) => [ds(r), { batchSize: r.int(1, 3) }],
    call: (fn, a) => {
      const out: unknown[] = [];
      for (const b of ctor(fn, a) as Iterable<unknown>) out.push(b);
      return out;
    },
  },
  'data.SyntheticSignals': { names: ['SyntheticSignals'], args: (r) => [{ numSamples: r.int(0, 3), length: 64 }], call: (fn, a) => (ctor(fn, a) as { length: number }).length },
  'data.SyntheticDigits': { names: ['SyntheticDigits'], args: (r) => [{ numSamples: r.int(0, 3), seed: r.int(0, 5) }], call: (fn, a) => (ctor(fn, a) as { length: number }).length },
  'data.getWorkerInfo': { names: ['getWorkerInfo'], args: () => [] },
  // Image, sequence, normalisation and attention ops (issue 12) and the serving API (issue 13).
  bmm: { args: (r) => { const b = r.int(1, 3); const k = r.int(1, 4); return [f32(r, [b, r.int(1, 3), k]), f32(r, [b, k, r.int(1, 3)])]; } },
  slice: { names: ['slice', 'index'], args: (r) => [f32(r, [4, 3]), r.pick([1, null, [0, 2]]), r.pick([{ start: 1 }, null, 0])] },
  conv2d: { args: (r) => nchwConv(r) },
  'nn.functional.conv2d': { names: ['conv2d'], args: (r) => nchwConv(r) },
  'nn.functional.convTranspose1d': {
    names: ['convTranspose1d', 'conv1d'],
    args: (r) => { const c = r.int(1, 3); return [f32(r, [r.int(1, 2), c, r.int(2, 7)]), f32(r, [c, r.int(1, 3), r.int(1, 3)]), null, { stride: r.int(1, 2) }]; },
  },
  'nn.functional.convTranspose2d': {
    names: ['convTranspose2d', 'conv2d'],
    args: (r) => { const c = r.int(1, 3); return [f32(r, [1, c, r.int(2, 5), r.int(2, 5)]), f32(r, [c, r.int(1, 3), r.int(1, 3), r.int(1, 3)]), null, { stride: r.int(1, 2) }]; },
  },
  'nn.functional.maxPool2d': { names: ['maxPool2d'], args: (r) => [f32(r, nchw(r)), r.int(1, 2), { stride: r.int(1, 2) }] },
  'nn.functional.avgPool2d': { names: ['avgPool2d'], args: (r) => [f32(r, nchw(r)), r.int(1, 2), { stride: r.int(1, 2) }] },
  'nn.functional.adaptiveAvgPool2d': { names: ['adaptiveAvgPool2d'], args: (r) => [f32(r, nchw(r)), r.int(1, 3)] },
  'nn.functional.interpolate': { names: ['interpolate'], args: (r) => [f32(r, nchw(r)), r.pick([{ scaleFactor: 2 }, { size: [3, 4], mode: 'bilinear' }])] },
  'nn.functional.dropout2d': { names: ['dropout2d'], args: (r) => [f32(r, nchw(r)), r.pick([0, 0.5]), r.bool()], noCompare: true },
  'nn.functional.silu': unary(['silu']), 'nn.functional.mish': unary(['mish']), 'nn.functional.softplus': unary(['softplus']),
  'nn.functional.elu': unary(['elu']), 'nn.functional.hardtanh': unary(['hardtanh']),
  'nn.functional.huberLoss': { names: ['huberLoss'], args: lossArgs },
  'nn.functional.smoothL1Loss': { names: ['smoothL1Loss'], args: lossArgs },
  'nn.functional.klDiv': { names: ['klDiv'], args: (r) => { const s = nonEmpty(r); return [f32(r, s), prob(r, s)]; } },
  'nn.functional.layerNorm': { names: ['layerNorm'], args: (r) => { const d = r.int(1, 5); return [f32(r, [r.int(1, 3), d]), [d]]; } },
  'nn.functional.groupNorm': { names: ['groupNorm'], args: (r) => [f32(r, [2, 4, r.int(1, 4)]), r.pick([1, 2, 4])] },
  'nn.functional.embedding': { names: ['embedding'], args: (r) => [i64(r, [r.int(1, 4)], 5), f32(r, [5, 3])] },
  'nn.functional.scaledDotProductAttention': {
    names: ['scaledDotProductAttention'],
    args: (r) => { const t = r.int(1, 4); return [f32(r, [2, t, 3]), f32(r, [2, t, 3]), f32(r, [2, t, 3]), r.pick([{}, { isCausal: true }])]; },
  },
  'nn.Conv2d': moduleSpec(['Conv2d', 'conv2d'], (r) => { const c = r.int(1, 3); return [c, r.int(1, 3), r.int(1, 3), { padding: 1 }, f32(r, [1, c, r.int(2, 5), r.int(2, 5)])]; }),
  'nn.ConvTranspose1d': moduleSpec(['ConvTranspose1d', 'convTranspose1d', 'conv1d'], (r) => { const c = r.int(1, 3); return [c, r.int(1, 3), r.int(1, 3), f32(r, [1, c, r.int(2, 6)])]; }),
  'nn.ConvTranspose2d': moduleSpec(['ConvTranspose2d', 'convTranspose2d', 'conv2d'], (r) => { const c = r.int(1, 3); return [c, r.int(1, 3), r.int(1, 3), f32(r, [1, c, r.int(2, 5), r.int(2, 5)])]; }),
  'nn.MaxPool2d': moduleSpec(['MaxPool2d', 'maxPool2d'], (r) => [2, f32(r, [1, 2, r.int(2, 6), r.int(2, 6)])]),
  'nn.AvgPool2d': moduleSpec(['AvgPool2d', 'avgPool2d'], (r) => [2, f32(r, [1, 2, r.int(2, 6), r.int(2, 6)])]),
  'nn.AdaptiveAvgPool2d': moduleSpec(['AdaptiveAvgPool2d', 'adaptiveAvgPool2d'], (r) => [r.int(1, 3), f32(r, nchw(r))]),
  'nn.BatchNorm2d': moduleSpec(['BatchNorm2d', 'batchNorm'], (r) => { const c = r.int(1, 3); return [c, f32(r, [2, c, r.int(1, 3), r.int(1, 3)])]; }),
  'nn.Upsample': moduleSpec(['Upsample', 'interpolate'], (r) => [{ scaleFactor: 2 }, f32(r, nchw(r))]),
  'nn.Dropout2d': { ...moduleSpec(['Dropout2d', 'dropout2d'], (r) => [0.5, f32(r, nchw(r))]), noCompare: true },
  'nn.SiLU': moduleSpec(['SiLU', 'silu'], (r) => [f32(r, shape(r))]),
  'nn.Mish': moduleSpec(['Mish', 'mish'], (r) => [f32(r, shape(r))]),
  'nn.Softplus': moduleSpec(['Softplus', 'softplus'], (r) => [{}, f32(r, shape(r))]),
  'nn.ELU': moduleSpec(['ELU', 'elu'], (r) => [{ alpha: r.pick([1, 0.5]) }, f32(r, shape(r))]),
  'nn.Hardtanh': moduleSpec(['Hardtanh', 'hardtanh'], (r) => [-1, 1, f32(r, shape(r))]),
  'nn.HuberLoss': { names: ['HuberLoss', 'huberLoss'], args: lossArgs, call: (fn, a) => (ctor(fn, []) as { call(...x: unknown[]): unknown }).call(...a) },
  'nn.SmoothL1Loss': { names: ['SmoothL1Loss', 'smoothL1Loss'], args: lossArgs, call: (fn, a) => (ctor(fn, []) as { call(...x: unknown[]): unknown }).call(...a) },
  'nn.KLDivLoss': { names: ['KLDivLoss', 'klDiv'], args: (r) => { const s = nonEmpty(r); return [f32(r, s), prob(r, s)]; }, call: (fn, a) => (ctor(fn, []) as { call(...x: unknown[]): unknown }).call(...a) },
  'nn.LayerNorm': moduleSpec(['LayerNorm', 'layerNorm'], (r) => { const d = r.int(1, 5); return [d, f32(r, [r.int(1, 3), d])]; }),
  'nn.GroupNorm': moduleSpec(['GroupNorm', 'groupNorm'], (r) => [2, 4, f32(r, [2, 4, r.int(1, 4)])]),
  'nn.Embedding': moduleSpec(['Embedding', 'embedding'], (r) => [5, 3, i64(r, [r.int(1, 4)], 5)]),
  'nn.RNN': { ...moduleSpec(['RNN'], (r) => [3, 4, f32(r, [r.int(1, 4), 2, 3])]), call: (fn, a) => (ctor(fn, a.slice(0, -1)) as { call(x: unknown): unknown[] }).call(a[a.length - 1])[0] },
  'nn.LSTM': { ...moduleSpec(['LSTM'], (r) => [3, 4, f32(r, [r.int(1, 4), 2, 3])]), call: (fn, a) => (ctor(fn, a.slice(0, -1)) as { call(x: unknown): unknown[] }).call(a[a.length - 1])[0] },
  'nn.GRU': { ...moduleSpec(['GRU'], (r) => [3, 4, f32(r, [r.int(1, 4), 2, 3])]), call: (fn, a) => (ctor(fn, a.slice(0, -1)) as { call(x: unknown): unknown[] }).call(a[a.length - 1])[0] },
  'nn.MultiheadAttention': {
    names: ['MultiheadAttention', 'scaledDotProductAttention'],
    args: (r) => { const t = r.int(1, 4); const q = f32(r, [t, 2, 4]); return [4, 2, q]; },
    call: (fn, a) => { const m = ctor(fn, a.slice(0, 2)) as { forward(q: unknown, k: unknown, v: unknown): unknown[] }; return m.forward(a[2], a[2], a[2])[0]; },
  },
  'nn.TransformerEncoderLayer': moduleSpec(['TransformerEncoderLayer', 'MultiheadAttention'], (r) => [4, 2, { dimFeedforward: 8, dropout: 0 }, f32(r, [r.int(1, 3), 2, 4])]),
  'nn.TransformerEncoder': {
    names: ['TransformerEncoder', 'TransformerEncoderLayer', 'MultiheadAttention'],
    args: (r) => [new nt.nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 }), 2, f32(r, [r.int(1, 3), 2, 4])],
    call: (fn, a) => (ctor(fn, a.slice(0, -1)) as { call(x: unknown): unknown }).call(a[a.length - 1]),
  },
  'nn.NonDynamicallyQuantizableLinear': moduleSpec(['NonDynamicallyQuantizableLinear', 'Linear', 'linear'], (r) => { const k = r.int(1, 5); return [k, r.int(1, 4), f32(r, [r.int(1, 3), k])]; }),
  'models.Cnn1d': moduleSpec(['Cnn1d', 'conv1d', 'Conv1d', 'BatchNorm1d', 'batchNorm', 'maxPool1d'], (r) => [r.int(2, 4), f32(r, [r.int(1, 2), 1, r.int(16, 40)])]),
  'data.DistributedSampler': {
    names: ['DistributedSampler'],
    args: (r) => { const w = r.int(1, 3); return [ds(r), { numReplicas: w, rank: r.int(0, w - 1), shuffle: false }]; },
    call: (fn, a) => take(ctor(fn, a) as Iterable<number>),
  },
  'utils.summary': { names: ['summary'], args: (r) => [new nt.nn.Linear(3, 2), [r.int(1, 3), 3]], call: (fn, a) => (fn(...a) as { totalParams: number }).totalParams },
  'models.InceptionBlock': {
    names: ['InceptionBlock', 'conv1d', 'conv1dRelu', 'Conv1d', 'batchNorm', 'batchNormRelu', 'BatchNorm1d', 'cat', 'maxPool1d'],
    args: (r) => [2, f32(r, [1, 2, r.int(8, 16)])],
    call: (fn, a) => (ctor(fn, a.slice(0, -1)) as { call(x: unknown): unknown }).call(a[a.length - 1]),
  },
};

/** Exports not fuzzed here, with the reason. */
export const EXEMPT: Record<string, string> = {
  UnpicklingError: 'an Error class', 'io.UnpicklingError': 'an Error class', 'data.DataFileError': 'an Error class',
  'nn.Module': 'abstract base class', 'nn.Loss': 'abstract base class', 'nn.WeightedLoss': 'abstract base class',
  'optim.Optimizer': 'abstract base class', 'optim.lrScheduler.LRScheduler': 'abstract base class',
  'data.Dataset': 'abstract base class',
  'models.Inception1d': 'the reference model: trained end to end by test/models and test/soak',
  ProgressBar: 'terminal output only', progress: 'terminal output only', trainDescription: 'terminal output only',
  curvesSvg: 'SVG text output, no tensors', writeCurvesSvg: 'writes a file, no tensors',
  availableBackends: 'backend selection: test/backend/select.test.ts', backendInfo: 'backend selection: test/backend/select.test.ts',
  getBackend: 'backend selection: test/backend/select.test.ts', setBackend: 'backend selection: test/backend/select.test.ts',
};
for (const k of ['Work', 'allGather', 'allReduce', 'barrier', 'broadcast', 'destroyProcessGroup', 'getBackend', 'getRank',
  'getWorldSize', 'initProcessGroup', 'isInitialized', 'reduceScatter']) {
  EXEMPT[`distributed.${k}`] = 'needs a process group across processes: test/distributed runs every collective through the launcher, errors and timeouts included';
}
EXEMPT['nn.parallel.DistributedDataParallel'] = 'needs a process group: test/distributed (DDP equals single-process training)';
EXEMPT['nn.SyncBatchNorm'] = 'needs a process group: test/distributed (SyncBatchNorm across ranks)';
EXEMPT['nn.RNNBase'] = 'abstract base class of RNN, LSTM and GRU';
EXEMPT['io.cleanStaleTemps'] = 'file I/O: test/io/atomic-write.test.ts (SIGKILLed writers)';
EXEMPT['utils.tensorboard.SummaryWriter'] = 'writes event files: test/tensorboard reads them back with an independent decoder';
EXEMPT['utils.RemovableHandle'] = 'returned by register*Hook: test/nn/hooks.test.ts';
EXEMPT['onnx.exportModel'] = 'writes a model file: test/onnx runs every layer through onnxruntime and the export errors';
EXEMPT['onnx.exportModelToBytes'] = 'test/onnx runs every layer through onnxruntime and the export errors';
for (const k of Object.keys(nt.onnx.ONNX_MAPPINGS)) EXEMPT[`onnx.ONNX_MAPPINGS.${k}`] = 'an op-to-ONNX table entry: test/onnx exports every op it maps';
for (const k of ['save', 'load', 'saveSafetensors', 'loadSafetensors', 'savePth', 'loadPth', 'saveCheckpoint', 'loadCheckpoint']) {
  EXEMPT[k] = 'file I/O: corrupted-file fuzz in test/io/fuzz.test.ts';
}
for (const k of ['asOrderedDict', 'asTuple', 'deserialize', 'formatForPath', 'isOrderedDict', 'isStateDict', 'isTuple', 'load',
  'loadCheckpoint', 'loadPth', 'loadSafetensors', 'parsePth', 'parseSafetensors', 'readSafetensors', 'save', 'saveCheckpoint',
  'savePth', 'saveSafetensors', 'serialize', 'serializePth', 'serializeSafetensors', 'writeFileAtomic']) {
  EXEMPT[`io.${k}`] = 'file formats: corrupted-file fuzz in test/io/fuzz.test.ts';
}
for (const k of ['csvDataset', 'npyDataset', 'readNpy', 'writeNpy', 'parseNpy', 'encodeNpy', 'npyToTensor', 'readCsvSignals',
  'parseCsvSignals', 'loadNpySignals']) {
  EXEMPT[`data.${k}`] = 'file formats: malformed-file tests in test/data/npy.test.ts and csv.test.ts';
}

/** Every function or class the package exports, by path (namespaces two levels deep). */
export function publicExports(): Map<string, AnyFn> {
  const out = new Map<string, AnyFn>();
  const walk = (prefix: string, obj: object, depth: number) => {
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v === 'function') out.set(prefix + k, v as AnyFn);
      else if (v && typeof v === 'object' && depth < 2 && !(v instanceof Tensor)) walk(`${prefix}${k}.`, v, depth + 1);
    }
  };
  walk('', nt, 0);
  return out;
}

export type Outcome = 'ok' | 'clear' | 'unclear' | 'wrong';

/** Engine messages that mean an argument reached code that did not check it. */
const ENGINE = /Cannot read propert|Cannot set propert|is not a function|is not iterable|is not a constructor|Invalid typed array length|Invalid array length|Maximum call stack|detached ArrayBuffer|Cannot convert|Cannot mix BigInt|memory access out of bounds|Array buffer allocation failed|must be >= 0 && <=/;

/** Whether `e` is a clear error of one of `names`. */
export function isClear(e: unknown, names: readonly string[]): boolean {
  if (!(e instanceof Error)) return false;
  if (ENGINE.test(e.message)) return false;
  return names.some((n) => e.message.startsWith(`${n}:`));
}

/** The tensors in a result (a Tensor, arrays/objects of them, numbers), flattened for comparison. */
function leaves(v: unknown, out: unknown[] = [], depth = 0): unknown[] {
  if (depth > 4) return out;
  if (v instanceof Tensor) out.push(v);
  else if (typeof v === 'number' || typeof v === 'boolean') out.push(v);
  else if (Array.isArray(v)) for (const x of v) leaves(x, out, depth + 1);
  return out;
}

/** Same shapes and values within float32 tolerance (NaN equals NaN). */
export function sameResult(a: unknown, b: unknown): boolean {
  const la = leaves(a);
  const lb = leaves(b);
  if (la.length !== lb.length) return false;
  for (let i = 0; i < la.length; i++) {
    const x = la[i];
    const y = lb[i];
    if (x instanceof Tensor && y instanceof Tensor) {
      if (x.dtype !== y.dtype || x.shape.join() !== y.shape.join()) return false;
      for (let j = 0; j < x.data.length; j++) if (!close(x.data[j], y.data[j])) return false;
    } else if (!close(Number(x), Number(y))) return false;
  }
  return true;
}

function close(x: number, y: number): boolean {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (x === y) return true;
  return Math.abs(x - y) <= 1e-4 + 1e-4 * Math.abs(y);
}

/** One call of export `path` from draw `seed`; `hostile` = [argument position, index into hostileValues()]. */
export function runCase(path: string, fn: AnyFn, seed: number, hostile: [number, number] | null): { outcome: Outcome; detail: string } {
  const spec = SPECS[path];
  const names = spec.names ?? [path.split('.').pop()!];
  const call = () => {
    nt.manualSeed(seed);
    const args = spec.args(new Rng(seed));
    let label = '';
    if (hostile) {
      const [pos, hi] = hostile;
      const [hname, hv] = hostileValues()[hi];
      const p = args.length === 0 ? 0 : pos % (args.length + 1); // args.length: an extra argument
      args[p] = hv;
      label = ` with argument ${p} = ${hname}`;
    }
    return { value: spec.call ? spec.call(fn, args) : fn(...args), label };
  };
  let res: { value: unknown; label: string };
  try {
    res = call();
  } catch (e) {
    const msg = e instanceof Error ? `${e.constructor.name}: ${e.message}` : `non-Error ${String(e)}`;
    return { outcome: isClear(e, names) ? 'clear' : 'unclear', detail: `${path} (seed ${seed}, hostile ${JSON.stringify(hostile)}): ${msg.slice(0, 300)}` };
  }
  if (hostile || spec.noCompare || nt.getBackend().name === 'ref') return { outcome: 'ok', detail: '' };
  // Against ref: the same draw on the ref backend.
  const backend = nt.getBackend().name;
  nt.setBackend('ref');
  let want: unknown;
  try {
    want = call().value;
  } catch (e) {
    return { outcome: 'wrong', detail: `${path} (seed ${seed}): ${backend} returned, ref threw ${(e as Error).message}` };
  } finally {
    nt.setBackend(backend);
  }
  let same: boolean;
  try {
    same = sameResult(res.value, want);
  } catch (e) {
    return { outcome: 'wrong', detail: `${path} (seed ${seed}): the result cannot be read: ${(e as Error).message}` };
  }
  return same ? { outcome: 'ok', detail: '' } : { outcome: 'wrong', detail: `${path} (seed ${seed}): differs from ref` };
}
