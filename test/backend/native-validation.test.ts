/**
 * The native addon against malformed input: every kernel must answer a wrong call with a TypeError (wrong
 * type) or RangeError (wrong value / length / aliasing) naming the kernel, write nothing, and keep working.
 * The malformed calls are generated from one table per kernel (each argument's wrong types and off-by-one
 * lengths, each params field missing / NaN / negative / fractional / 2**53, aliasing, detached buffers, ...).
 * Also: thread counts 1 and 2 agree with each other and with ref, the baseline ISA build agrees with ref,
 * and the addon loads and computes inside worker_threads (context-aware).
 */
import { describe, it, expect, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { refBackend } from '../../src/backend/ref/index.js';
import {
  convOutLength, type AdaptivePool1dParams, type AffineNormParams, type BatchNormParams, type BlockCopyParams, type BmmParams, type BmmHeadsParams, type Conv1dParams, type Conv2dParams, type MatmulParams, type Pool1dParams, type Pool2dParams, type SgdParams, type AdamParams,
  type SoftmaxParams, type LstmCellParams, type ColumnSumParams, type EmbeddingBackwardParams,
} from '../../src/backend/backend.js';
import type { FieldKind as ManifestFieldKind } from '../../src/backend/manifest.js';
import { KERNEL_NAMES, kernelSpec, paramFields, type KernelName } from '../../src/backend/manifest.js';
import { loadNativeAddon, loadNativeBackend, nativeInfo, setNativeThreads, type NativeAddon } from '../../src/backend/native.js';
import { expectClose } from '../helpers/allclose.js';
import { randomArray } from '../helpers/random.js';
import { loadedAddonFile } from '../helpers/native-file.js';

/** The file the loader picked (prebuilt, built or NODETORCH_NATIVE_PATH's), so child processes load the same addon. */
const ADDON_FILE = loadedAddonFile();

let addon: NativeAddon | undefined;
let skipReason = '';
try {
  addon = loadNativeAddon();
} catch (e) {
  skipReason = e instanceof Error ? e.message : String(e);
}
const suiteName = addon ? 'native addon' : `native addon (skipped: ${skipReason}; run npm run build:native)`;

/** Float32 accumulation against the float64 ref: tolerance grows like sqrt of the reduction length. */
function expectNear(got: Float32Array, want: Float32Array, reduce: number, what: string): void {
  expectClose(got, want, 1e-4, 1e-5 * Math.sqrt(reduce + 1), what);
}

/** Bit-for-bit equality (fast on large arrays, unlike toEqual), naming the first difference. */
function expectSameBits(got: Float32Array | undefined, want: Float32Array, what: string): void {
  expect(got?.length, `${what}: length`).toBe(want.length);
  const g = new Uint32Array(got!.buffer, got!.byteOffset, got!.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  const i = g.findIndex((v, j) => v !== w[j]);
  if (i >= 0) expect.fail(`${what}: differs at ${i}: got ${got![i]}, expected ${want[i]}`);
}

// ---------------------------------------------------------------------------------------------------------
// Malformed-call generation

type ErrorKind = 'TypeError' | 'RangeError';
interface BadCall {
  label: string;
  /** Builds fresh arguments (some cases detach or alias buffers). */
  make: () => unknown[];
  kind: ErrorKind;
}

/** f32: Float32Array; f64: Float64Array; idx: Uint8Array or Int32Array. */
type ArrayKind = 'f32' | 'f64' | 'idx';

type FieldKind = ManifestFieldKind;

interface KernelSpec {
  name: KernelName;
  /** Fresh valid arguments, params last. */
  valid: () => unknown[];
  // The array arguments, the params fields and their kinds come from the manifest (fromManifest()).
  /** Kernel-specific bad calls (aliasing, divisibility, ...). */
  extra: () => BadCall[];
  /** Runs the kernel through the addon. */
  call: (args: unknown[]) => void;
  /** Runs a valid call on native and ref and compares. */
  check: () => void;
}

const WRONG_FIELD_VALUES: Record<FieldKind, [string, unknown, ErrorKind][]> = {
  size: [
    ['a string', '2', 'TypeError'], ['null', null, 'TypeError'], ['a boolean', true, 'TypeError'],
    ['a bigint', 2n, 'TypeError'], ['NaN', Number.NaN, 'RangeError'], ['negative', -1, 'RangeError'],
    ['fractional', 1.5, 'RangeError'], ['2**53', 2 ** 53, 'RangeError'], ['Infinity', Infinity, 'RangeError'],
  ],
  positive: [
    ['a string', '2', 'TypeError'], ['null', null, 'TypeError'], ['NaN', Number.NaN, 'RangeError'],
    ['zero', 0, 'RangeError'], ['negative', -1, 'RangeError'], ['fractional', 1.5, 'RangeError'],
    ['2**53', 2 ** 53, 'RangeError'], ['Infinity', Infinity, 'RangeError'],
  ],
  real: [
    ['a string', '1', 'TypeError'], ['null', null, 'TypeError'], ['an object', {}, 'TypeError'],
    ['NaN', Number.NaN, 'RangeError'], ['Infinity', Infinity, 'RangeError'], ['-Infinity', -Infinity, 'RangeError'],
  ],
  nonNegative: [
    ['a string', '1', 'TypeError'], ['null', null, 'TypeError'], ['NaN', Number.NaN, 'RangeError'],
    ['Infinity', Infinity, 'RangeError'], ['negative', -0.5, 'RangeError'],
  ],
  flag: [
    ['1', 1, 'TypeError'], ['0', 0, 'TypeError'], ['a string', 'true', 'TypeError'], ['null', null, 'TypeError'],
  ],
};

type TypedCtor = Float32ArrayConstructor | Float64ArrayConstructor | Uint8ArrayConstructor | Int32ArrayConstructor
  | Uint32ArrayConstructor | Int16ArrayConstructor | Uint8ClampedArrayConstructor;

const ACCEPTED: Record<ArrayKind, TypedCtor[]> = {
  f32: [Float32Array],
  f64: [Float64Array],
  idx: [Uint8Array, Int32Array],
};

function wrongTypes(len: number, nullable: boolean, kind: ArrayKind = 'f32'): [string, unknown][] {
  const list: [string, unknown][] = [
    ['undefined', undefined], ['a number', 0], ['a string', 'x'], ['an object', {}], ['an Array', new Array(len).fill(0)],
    ['a DataView', new DataView(new ArrayBuffer(4 * len))], ['an ArrayBuffer', new ArrayBuffer(4 * len)],
  ];
  const typed: TypedCtor[] = [Float32Array, Float64Array, Int32Array, Uint8Array, Uint32Array, Int16Array, Uint8ClampedArray];
  for (const T of typed) {
    if (!ACCEPTED[kind].includes(T)) list.push([`a ${T.name}`, new T(T === Uint8Array ? 4 * len : len)]);
  }
  list.push(['a boolean', true], ['a BigInt64Array', new BigInt64Array(len)]);
  if (!nullable) list.push(['null', null]);
  return list;
}

function detach(a: Float32Array): void {
  structuredClone(a.buffer, { transfer: [a.buffer as ArrayBuffer] });
}

/** A kernel's array arguments (position, name, nullable, element type) and params fields, from the manifest. */
function fromManifest(name: KernelName) {
  const m = kernelSpec(name);
  return {
    arrays: m.args.map((a, index) => ({ index, name: a.name, nullable: a.nullable ?? false, kind: a.type as ArrayKind })),
    noParams: m.params === undefined,
    fields: Object.fromEntries(paramFields(name)) as Record<string, FieldKind>,
  };
}

/** The generic bad calls of a kernel, from its manifest entry, plus its extras. */
function badCalls(spec: KernelSpec): BadCall[] {
  const { arrays, noParams, fields } = fromManifest(spec.name);
  const out: BadCall[] = [];
  const count = spec.valid().length;
  const pIndex = count - 1; // unused when noParams
  const withArg = (i: number, v: unknown) => () => {
    const args = spec.valid();
    args[i] = v;
    return args;
  };
  const withParams = (edit: (p: Record<string, unknown>) => void) => () => {
    const args = spec.valid();
    const p = { ...(args[pIndex] as Record<string, unknown>) };
    edit(p);
    args[pIndex] = p;
    return args;
  };
  for (let n = 0; n < count; n++) {
    out.push({ label: `only ${n} arguments`, make: () => spec.valid().slice(0, n), kind: 'TypeError' });
  }
  for (const { index, name, nullable, kind } of arrays) {
    const sample = spec.valid()[index] as Float32Array | Float64Array | Uint8Array | Int32Array;
    const len = sample.length;
    const Ctor = sample.constructor as TypedCtor;
    for (const [what, v] of wrongTypes(len, nullable ?? false, kind)) {
      out.push({ label: `${name} is ${what}`, make: withArg(index, v), kind: 'TypeError' });
    }
    out.push({ label: `${name} one too long`, make: withArg(index, new Ctor(len + 1)), kind: 'RangeError' });
    if (len > 0) {
      out.push({ label: `${name} one too short`, make: withArg(index, new Ctor(len - 1)), kind: 'RangeError' });
      out.push({
        label: `${name} detached`,
        make: () => {
          const args = spec.valid();
          detach(args[index] as Float32Array);
          return args;
        },
        kind: 'TypeError',
      });
      if (!noParams) out.push({
        label: `${name} detached by a params getter`,
        make: () => {
          const args = spec.valid();
          const arr = args[index] as Float32Array;
          const p = { ...(args[pIndex] as Record<string, unknown>) };
          const first = Object.keys(fields)[0]!;
          const value = p[first];
          Object.defineProperty(p, first, { get: () => (detach(arr), value), enumerable: true });
          args[pIndex] = p;
          return args;
        },
        kind: 'TypeError',
      });
    }
  }
  if (noParams) return out.concat(spec.extra());
  for (const [what, v] of [['undefined', undefined], ['null', null], ['a number', 42], ['a string', 'p'], ['a boolean', true]] as const) {
    out.push({ label: `params is ${what}`, make: withArg(pIndex, v), kind: 'TypeError' });
  }
  for (const [field, kind] of Object.entries(fields)) {
    out.push({ label: `params.${field} missing`, make: withParams((p) => delete p[field]), kind: 'TypeError' });
    for (const [what, v, errKind] of WRONG_FIELD_VALUES[kind]) {
      out.push({ label: `params.${field} is ${what}`, make: withParams((p) => (p[field] = v)), kind: errKind });
    }
  }
  return out.concat(spec.extra());
}

/** Two views of one buffer overlapping by one element: [first (lenA)][second (lenB)] shifted left by 1. */
function overlapping(lenA: number, lenB: number, shared = false): [Float32Array, Float32Array] {
  const total = lenA + lenB - 1;
  const buf = shared ? new SharedArrayBuffer(4 * total) : new ArrayBuffer(4 * total);
  const all = new Float32Array(buf);
  all.set(randomArray(total, 77));
  return [all.subarray(0, lenA), all.subarray(lenA - 1, lenA - 1 + lenB)];
}

// ---------------------------------------------------------------------------------------------------------
// Kernel specs

const MM: MatmulParams = { m: 3, n: 4, k: 5, transA: false, transB: true, alpha: 1.5, beta: 0.5 };

const CONV: Conv1dParams = (() => {
  const p = { n: 2, cIn: 4, cOut: 6, l: 9, k: 3, stride: 2, padding: 1, dilation: 1, groups: 2, lOut: 0, relu: false };
  p.lOut = convOutLength(p.l, p.k, p.stride, p.padding, p.dilation);
  return p;
})();
const X_LEN = CONV.n * CONV.cIn * CONV.l;
const W_LEN = CONV.cOut * (CONV.cIn / CONV.groups) * CONV.k;
const Y_LEN = CONV.n * CONV.cOut * CONV.lOut;

const CONV2D: Conv2dParams = (() => {
  const p = {
    n: 2, cIn: 4, cOut: 6, inH: 7, inW: 9, kH: 3, kW: 2, strideH: 2, strideW: 1, padH: 1, padW: 0, dilationH: 1,
    dilationW: 2, groups: 2, outH: 0, outW: 0, relu: false,
  };
  p.outH = convOutLength(p.inH, p.kH, p.strideH, p.padH, p.dilationH);
  p.outW = convOutLength(p.inW, p.kW, p.strideW, p.padW, p.dilationW);
  return p;
})();
const X2_LEN = CONV2D.n * CONV2D.cIn * CONV2D.inH * CONV2D.inW;
const W2_LEN = CONV2D.cOut * (CONV2D.cIn / CONV2D.groups) * CONV2D.kH * CONV2D.kW;
const Y2_LEN = CONV2D.n * CONV2D.cOut * CONV2D.outH * CONV2D.outW;

const SGD: SgdParams = {
  lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, nesterov: false, maximize: false, firstStep: false,
};
const SGD_LEN = 10;
const ADAM: AdamParams = {
  lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, biasCorrection1: 1 - 0.9 ** 3, biasCorrection2: 1 - 0.999 ** 3,
  amsgrad: true, maximize: false, decoupled: false,
};


/** A RangeError case: the valid call with some fields of its params object (the last argument) replaced. */
function paramEdit<P extends object>(valid: () => unknown[]) {
  return (label: string, e: Partial<P>): BadCall => ({
    label,
    make: () => {
      const args = valid();
      args[args.length - 1] = { ...(args[args.length - 1] as P), ...e };
      return args;
    },
    kind: 'RangeError',
  });
}

/** Conv bad calls shared by the three conv kernels: params that break the conv's own rules. */
function convParamCalls(valid: () => unknown[]): BadCall[] {
  const edit = paramEdit<Conv1dParams>(valid);
  return [
    edit('groups does not divide cIn', { groups: 3 }),
    edit('groups does not divide cOut', { cIn: 8, groups: 4 }),
    edit('lOut one too small', { lOut: CONV.lOut - 1 }),
    edit('lOut one too large', { lOut: CONV.lOut + 1 }),
    edit('kernel longer than the padded input', { k: 20 }),
    edit('dilated kernel longer than the padded input', { dilation: 9 }),
    edit('huge dilation * (k - 1)', { dilation: 2 ** 52, k: 2 ** 20 }),
    edit('sizes whose product overflows', { n: 2 ** 40, cIn: 2 ** 40, cOut: 2 ** 40, groups: 1 }),
  ];
}

/** convParamCalls for the conv2d kernels: each spatial dimension's rules. */
function conv2dParamCalls(valid: () => unknown[]): BadCall[] {
  const edit = paramEdit<Conv2dParams>(valid);
  return [
    edit('groups does not divide cIn', { groups: 3 }),
    edit('groups does not divide cOut', { cIn: 8, groups: 4 }),
    edit('outH one too small', { outH: CONV2D.outH - 1 }),
    edit('outW one too large', { outW: CONV2D.outW + 1 }),
    edit('kH longer than the padded input', { kH: 20 }),
    edit('dilated kW longer than the padded input', { dilationW: 9 }),
    edit('huge dilationH * (kH - 1)', { dilationH: 2 ** 52, kH: 2 ** 20 }),
    edit('sizes whose product overflows', { n: 2 ** 40, cIn: 2 ** 40, cOut: 2 ** 40, groups: 1 }),
  ];
}
function forward2dArgs(): unknown[] {
  return [randomArray(X2_LEN, 4), randomArray(W2_LEN, 5), randomArray(CONV2D.cOut, 6), randomArray(Y2_LEN, 7), { ...CONV2D }];
}
function backwardInput2dArgs(): unknown[] {
  return [randomArray(Y2_LEN, 8), randomArray(W2_LEN, 9), randomArray(X2_LEN, 10), { ...CONV2D }];
}
function backwardWeight2dArgs(): unknown[] {
  return [randomArray(X2_LEN, 11), randomArray(Y2_LEN, 12), randomArray(W2_LEN, 13), randomArray(CONV2D.cOut, 14), { ...CONV2D }];
}
const BMM: BmmParams = { batch: 3, aBatch: 3, bBatch: 1, m: 2, n: 4, k: 5, transA: true, transB: false, alpha: 0.5, beta: 1 };
function bmmArgs(): unknown[] {
  return [randomArray(BMM.aBatch * BMM.m * BMM.k, 41), randomArray(BMM.bBatch * BMM.k * BMM.n, 42), randomArray(BMM.batch * BMM.m * BMM.n, 43), { ...BMM }];
}

/** Batch-first rows for A (rows of 3 heads of 5 and 1 unused float), B transposed likewise, contiguous C heads. */
const BMMH: BmmHeadsParams = {
  outer: 2, heads: 3, m: 2, n: 4, k: 5, transA: false, transB: true, alpha: 0.5, beta: 1,
  aLen: 64, aOuter: 32, aHead: 5, aLd: 16, bLen: 120, bOuter: 60, bHead: 5, bLd: 15, cLen: 48, cOuter: 24, cHead: 8, cLd: 4,
};
function bmmHeadsArgs(): unknown[] {
  return [randomArray(BMMH.aLen, 44), randomArray(BMMH.bLen, 45), randomArray(BMMH.cLen, 46), { ...BMMH }];
}

const SOFTMAX: SoftmaxParams = { rows: 6, d: 5, maskRows: 3 };
function softmaxForwardArgs(): unknown[] {
  return [randomArray(30, 61), randomArray(15, 62), randomArray(30, 63), { ...SOFTMAX }];
}
function softmaxBackwardArgs(): unknown[] {
  return [randomArray(30, 64, 0, 1), randomArray(30, 65), randomArray(30, 66), { ...SOFTMAX }];
}

const LSTM: LstmCellParams = { rows: 3, hs: 5, g: 20 };
function lstmForwardArgs(): unknown[] {
  return [randomArray(60, 71, -4, 4), randomArray(15, 72), randomArray(15, 73), randomArray(15, 74), { ...LSTM }];
}
function lstmBackwardArgs(): unknown[] {
  return [
    randomArray(60, 75, 0, 1), randomArray(15, 76), randomArray(15, 77), randomArray(15, 78), randomArray(15, 79),
    randomArray(60, 80), { ...LSTM },
  ];
}

const NORM: AffineNormParams = { rows: 4, d: 6, groups: 2, spatial: 3, eps: 1e-5 };
const NORM_AFF = 4; // groups * d / spatial
function normForwardArgs(): unknown[] {
  return [randomArray(24, 51), randomArray(NORM_AFF, 52), randomArray(NORM_AFF, 53), randomArray(24, 54), new Float64Array(4), new Float64Array(4), { ...NORM }];
}
function normBackwardArgs(): unknown[] {
  return [
    randomArray(24, 55), randomArray(24, 56), randomArray(NORM_AFF, 57), new Float64Array(4).fill(0.1), new Float64Array(4).fill(1.2),
    randomArray(24, 58), randomArray(NORM_AFF, 59), randomArray(NORM_AFF, 60), { ...NORM },
  ];
}

const ADAPTIVE: AdaptivePool1dParams = { rows: 3, l: 7, lOut: 3 };
function adaptiveForwardArgs(): unknown[] {
  return [randomArray(21, 61), randomArray(9, 62), { ...ADAPTIVE }];
}
function adaptiveBackwardArgs(): unknown[] {
  return [randomArray(9, 63), randomArray(21, 64), { ...ADAPTIVE }];
}
const COPY: BlockCopyParams = { outer: 3, blk: 4, srcStride: 5, srcOffset: 1, dstStride: 9, dstOffset: 4 };
function copyArgs(): unknown[] {
  return [randomArray(15, 65), randomArray(27, 66), { ...COPY }];
}

function matmulArgs(): unknown[] {
  return [randomArray(MM.m * MM.k, 1), randomArray(MM.k * MM.n, 2), randomArray(MM.m * MM.n, 3), { ...MM }];
}
function forwardArgs(): unknown[] {
  return [randomArray(X_LEN, 4), randomArray(W_LEN, 5), randomArray(CONV.cOut, 6), randomArray(Y_LEN, 7), { ...CONV }];
}
/** With acc given, so the checks cover it too. */
function backwardInputArgs(): unknown[] {
  return [randomArray(Y_LEN, 8), randomArray(W_LEN, 9), randomArray(X_LEN, 10), randomArray(X_LEN, 15), { ...CONV }];
}
function backwardWeightArgs(): unknown[] {
  return [randomArray(X_LEN, 11), randomArray(Y_LEN, 12), randomArray(W_LEN, 13), randomArray(CONV.cOut, 14), { ...CONV }];
}
/** A (7, 37) matrix: odd rows, columns past a 32-column block plus an 8-column step plus a tail of 5. */
const COLSUM: ColumnSumParams = { rows: 7, cols: 37 };
function columnSumArgs(): unknown[] {
  return [randomArray(COLSUM.rows * COLSUM.cols, 23), new Float32Array(COLSUM.cols), { ...COLSUM }];
}
/** 13 indices into a (5, 37) table, repeats included; row 2 is the padding row. */
const EMB: EmbeddingBackwardParams = { n: 13, num: 5, dim: 37, paddingIdx: 2, scaleGradByFreq: true };
function embeddingArgs(): unknown[] {
  const idx = Int32Array.from({ length: EMB.n }, (_, i) => (i * 3) % EMB.num);
  return [idx, randomArray(EMB.n * EMB.dim, 24), new Float32Array(EMB.num * EMB.dim), { ...EMB }];
}
function adamArgs(): unknown[] {
  const v = () => randomArray(SGD_LEN, 19).map(Math.abs); // second moments are >= 0
  return [randomArray(SGD_LEN, 15), randomArray(SGD_LEN, 16), randomArray(SGD_LEN, 18), v(), v(), { ...ADAM }];
}
function sgdArgs(): unknown[] {
  return [randomArray(SGD_LEN, 15), randomArray(SGD_LEN, 16), randomArray(SGD_LEN, 17), { ...SGD }];
}

/** A bad call with the given arrays substituted into a valid call. */
function substitute(label: string, valid: () => unknown[], subs: Record<number, unknown>, kind: ErrorKind = 'RangeError'): BadCall {
  return {
    label,
    make: () => {
      const args = valid();
      for (const [i, v] of Object.entries(subs)) args[Number(i)] = v;
      return args;
    },
    kind,
  };
}

/** Aliasing cases: output `out` against input `inp` (same array, overlapping views either way, shared memory). */
function aliasCalls(valid: () => unknown[], out: [number, string], inp: [number, string]): BadCall[] {
  const lenOf = (i: number) => (valid()[i] as Float32Array).length;
  const [oi, on] = out;
  const [ii, iname] = inp;
  const lo = lenOf(oi);
  const li = lenOf(ii);
  const calls: BadCall[] = [];
  if (lo === li) {
    calls.push({
      label: `${on} is ${iname}`,
      make: () => {
        const args = valid();
        args[oi] = args[ii];
        return args;
      },
      kind: 'RangeError',
    });
  }
  calls.push(
    {
      label: `${on} overlaps the end of ${iname}`,
      make: () => {
        const [a, b] = overlapping(li, lo);
        return substitute('', valid, { [ii]: a, [oi]: b }).make();
      },
      kind: 'RangeError',
    },
    {
      label: `${on} overlaps the start of ${iname}`,
      make: () => {
        const [a, b] = overlapping(lo, li);
        return substitute('', valid, { [oi]: a, [ii]: b }).make();
      },
      kind: 'RangeError',
    },
    {
      label: `${on} overlaps ${iname} in a SharedArrayBuffer`,
      make: () => {
        const [a, b] = overlapping(li, lo, true);
        return substitute('', valid, { [ii]: a, [oi]: b }).make();
      },
      kind: 'RangeError',
    },
  );
  return calls;
}

// Kernels added for the reference model's elementwise / pooling / normalisation work.

const RELU_LEN = 37;
function addArgs(): unknown[] {
  return [randomArray(RELU_LEN, 43), randomArray(RELU_LEN, 44), randomArray(RELU_LEN, 45)];
}
function reluForwardArgs(): unknown[] {
  return [randomArray(RELU_LEN, 41), randomArray(RELU_LEN, 42)];
}
function reluBackwardArgs(): unknown[] {
  return [randomArray(RELU_LEN, 43), randomArray(RELU_LEN, 44), randomArray(RELU_LEN, 45)];
}

const POOL: Pool1dParams = { n: 2, c: 3, l: 11, k: 3, stride: 2, padding: 1, dilation: 1, lOut: 6 };
/** The same pooling in ceil mode: the last window starts inside the input. */
const POOL_CEIL: Pool1dParams = { n: 2, c: 3, l: 12, k: 3, stride: 2, padding: 1, dilation: 1, lOut: 7 };
const POOL_X = POOL.n * POOL.c * POOL.l;
const POOL_Y = POOL.n * POOL.c * POOL.lOut;

/** Valid argmax offsets (all in [0, k)), with one entry set to `bad` if given. */
function poolIdx(Ctor: Uint8ArrayConstructor | Int32ArrayConstructor, bad?: number): Uint8Array | Int32Array {
  const idx = new Ctor(POOL_Y);
  for (let i = 0; i < idx.length; i++) idx[i] = (i * 7) % POOL.k;
  if (bad !== undefined) idx[idx.length - 2] = bad;
  return idx;
}
function poolForwardArgs(): unknown[] {
  return [randomArray(POOL_X, 46), randomArray(POOL_Y, 47), new Uint8Array(POOL_Y), { ...POOL }];
}
function poolBackwardArgs(): unknown[] {
  return [randomArray(POOL_Y, 48), poolIdx(Uint8Array), randomArray(POOL_X, 49), { ...POOL }];
}

/** Pool bad calls shared by both maxPool1d kernels: params that break the pooling's own rules. */
function poolParamCalls(valid: () => unknown[]): BadCall[] {
  const edit = paramEdit<Pool1dParams>(valid);
  return [
    edit('padding more than half the kernel', { padding: 2 }),
    edit('lOut one too small', { lOut: POOL.lOut - 1 }),
    edit('lOut one too large', { lOut: POOL.lOut + 1 }),
    edit('lOut 0', { lOut: 0 }),
    edit('dilated kernel longer than the padded input', { dilation: 9 }),
    edit('kernel longer than the padded input', { k: 15, padding: 1 }),
    edit('huge dilation * (k - 1)', { dilation: 2 ** 52, k: 2 ** 20 }),
    edit('sizes whose product overflows', { n: 2 ** 40, c: 2 ** 40 }),
    edit('l 0', { l: 0 }),
  ];
}

const POOL2D: Pool2dParams = {
  n: 2, c: 3, inH: 7, inW: 9, kH: 3, kW: 2, strideH: 2, strideW: 2, padH: 1, padW: 0, dilationH: 1, dilationW: 1,
  outH: 4, outW: 4,
};
/** The same pooling in ceil mode along H: the last window row starts inside the input. */
const POOL2D_CEIL: Pool2dParams = { ...POOL2D, inH: 8, outH: 5 };
const POOL2D_X = POOL2D.n * POOL2D.c * POOL2D.inH * POOL2D.inW;
const POOL2D_Y = POOL2D.n * POOL2D.c * POOL2D.outH * POOL2D.outW;
const POOL2D_PLANE = POOL2D.inH * POOL2D.inW;

/** Valid argmax indices (all in [0, inH * inW)), with one entry set to `bad` if given. */
function pool2dIdx(Ctor: Uint8ArrayConstructor | Int32ArrayConstructor, bad?: number): Uint8Array | Int32Array {
  const idx = new Ctor(POOL2D_Y);
  for (let i = 0; i < idx.length; i++) idx[i] = (i * 7) % POOL2D_PLANE;
  if (bad !== undefined) idx[idx.length - 2] = bad;
  return idx;
}
function pool2dForwardArgs(): unknown[] {
  return [randomArray(POOL2D_X, 62), randomArray(POOL2D_Y, 63), new Uint8Array(POOL2D_Y), { ...POOL2D }];
}
function pool2dBackwardArgs(): unknown[] {
  return [randomArray(POOL2D_Y, 64), pool2dIdx(Uint8Array), randomArray(POOL2D_X, 65), { ...POOL2D }];
}

/** Pool bad calls shared by both maxPool2d kernels: params that break the pooling's own rules, per dim. */
function pool2dParamCalls(valid: () => unknown[]): BadCall[] {
  const edit = paramEdit<Pool2dParams>(valid);
  return [
    edit('padH more than half the kernel', { padH: 2 }),
    edit('padW more than half the kernel', { padW: 2 }),
    edit('outH one too small', { outH: POOL2D.outH - 1 }),
    edit('outH one too large', { outH: POOL2D.outH + 1 }),
    edit('outW one too small', { outW: POOL2D.outW - 1 }),
    edit('outW 0', { outW: 0 }),
    edit('dilated kernel taller than the padded input', { dilationH: 9 }),
    edit('kernel wider than the padded input', { kW: 15, padW: 1 }),
    edit('huge dilationW * (kW - 1)', { dilationW: 2 ** 52, kW: 2 ** 20 }),
    edit('sizes whose product overflows', { n: 2 ** 40, c: 2 ** 40 }),
    edit('inH 0', { inH: 0 }),
    edit('a dilated window wholly in the top padding', { inH: 1, kH: 2, padH: 1, dilationH: 2, strideH: 1, outH: 1 }),
    edit('a dilated window wholly in the left padding', { inW: 2, kW: 2, padW: 1, dilationW: 3, strideW: 1, outW: 1 }),
  ];
}

const BN: BatchNormParams = { n: 3, c: 4, inner: 5, training: true, eps: 1e-5, relu: false };
const BN_LEN = BN.n * BN.c * BN.inner;
function bnStats(seed: number): Float64Array {
  return Float64Array.from(randomArray(BN.c, seed, 0.5, 1.5));
}
function bnForwardArgs(): unknown[] {
  return [randomArray(BN_LEN, 50), randomArray(BN.c, 51), randomArray(BN.c, 52), new Float64Array(BN.c),
    new Float64Array(BN.c), randomArray(BN_LEN, 53), { ...BN }];
}
function bnBackwardArgs(): unknown[] {
  return [randomArray(BN_LEN, 54), randomArray(BN_LEN, 55), randomArray(BN.c, 56), bnStats(57), bnStats(58),
    randomArray(BN_LEN, 59), randomArray(BN.c, 60), randomArray(BN.c, 61), { ...BN }];
}

type AliasCtor = Float32ArrayConstructor | Float64ArrayConstructor | Uint8ArrayConstructor | Int32ArrayConstructor;

/**
 * Two views of one buffer (A of length la at byte 0, B of length lb starting at byte `at` inside A), each
 * aligned for its element type.
 */
function viewsAt(A: AliasCtor, la: number, B: AliasCtor, lb: number, at: number, shared: boolean): [AnyTyped, AnyTyped] {
  const bytes = Math.ceil(Math.max(la * A.BYTES_PER_ELEMENT, at + lb * B.BYTES_PER_ELEMENT) / 8) * 8;
  const buf = (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)) as ArrayBuffer;
  return [new A(buf, 0, la), new B(buf, at, lb)];
}

/**
 * Aliasing cases of output `out` against input `inp`, for any element types: the same array (unless
 * allowSame, where that is legal), the output starting inside the input or the input inside the output at
 * byte shifts of one element up to the last 8 bytes, and an overlap in a SharedArrayBuffer.
 */
function typedAliasCalls(
  valid: () => unknown[], out: [number, string], inp: [number, string], opts: { allowSame?: boolean } = {},
): BadCall[] {
  const sample = valid();
  const [oi, on] = out;
  const [ii, iname] = inp;
  const O = (sample[oi] as AnyTyped).constructor as AliasCtor;
  const I = (sample[ii] as AnyTyped).constructor as AliasCtor;
  const lo = (sample[oi] as AnyTyped).length;
  const li = (sample[ii] as AnyTyped).length;
  const calls: BadCall[] = [];
  if (!opts.allowSame && O === I && lo === li) {
    calls.push({
      label: `${on} is ${iname}`,
      make: () => {
        const args = valid();
        args[oi] = args[ii];
        return args;
      },
      kind: 'RangeError',
    });
  }
  const align = 8;
  const lastInside = (bytes: number) => Math.floor((bytes - 1) / align) * align;
  const inBytes = li * I.BYTES_PER_ELEMENT;
  const outBytes = lo * O.BYTES_PER_ELEMENT;
  const shifts = new Set([align, 2 * align, lastInside(inBytes)].filter((b) => b > 0 && b < inBytes));
  for (const at of shifts) {
    calls.push({
      label: `${on} starts ${at} bytes into ${iname}`,
      make: () => {
        const [a, b] = viewsAt(I, li, O, lo, at, false);
        return substitute('', valid, { [ii]: a, [oi]: b }).make();
      },
      kind: 'RangeError',
    });
  }
  for (const at of new Set([align, 2 * align, lastInside(outBytes)].filter((b) => b > 0 && b < outBytes))) {
    calls.push({
      label: `${iname} starts ${at} bytes into ${on}`,
      make: () => {
        const [a, b] = viewsAt(O, lo, I, li, at, false);
        return substitute('', valid, { [oi]: a, [ii]: b }).make();
      },
      kind: 'RangeError',
    });
  }
  calls.push({
    label: `${on} overlaps ${iname} in a SharedArrayBuffer`,
    make: () => {
      const [a, b] = viewsAt(I, li, O, lo, lastInside(inBytes), true);
      return substitute('', valid, { [ii]: a, [oi]: b }).make();
    },
    kind: 'RangeError',
  });
  return calls;
}

function kernels(): NativeAddon['kernels'] {
  return addon!.kernels;
}

const SPECS: KernelSpec[] = [
  {
    name: 'matmul',
    valid: matmulArgs,
    extra: () => [
      ...aliasCalls(matmulArgs, [2, 'c'], [0, 'a']),
      ...aliasCalls(matmulArgs, [2, 'c'], [1, 'b']),
      substitute('m*k overflows', matmulArgs, { 3: { ...MM, m: 2 ** 40, k: 2 ** 40 } }),
      substitute('sizes swapped (m <-> n)', matmulArgs, { 3: { ...MM, m: MM.n, n: MM.m } }),
    ],
    call: (args) => kernels().matmul(...(args as Parameters<NativeAddon['kernels']['matmul']>)),
    check: () => {
      const [a, b, c] = matmulArgs() as Float32Array[];
      const want = c!.slice();
      refBackend.matmul(a!, b!, want, MM);
      kernels().matmul(a!, b!, c!, MM);
      expectNear(c!, want, MM.k, 'matmul');
    },
  },
  {
    name: 'conv1dForward',
    valid: forwardArgs,
    extra: () => [
      ...convParamCalls(forwardArgs),
      ...aliasCalls(forwardArgs, [3, 'y'], [0, 'x']),
      ...aliasCalls(forwardArgs, [3, 'y'], [1, 'w']),
      ...aliasCalls(forwardArgs, [3, 'y'], [2, 'bias']),
    ],
    call: (args) => kernels().conv1dForward(...(args as Parameters<NativeAddon['kernels']['conv1dForward']>)),
    check: () => {
      const [x, w, bias, y] = forwardArgs() as Float32Array[];
      const want = y!.slice();
      refBackend.conv1dForward(x!, w!, bias!, want, CONV);
      kernels().conv1dForward(x!, w!, bias!, y!, CONV);
      expectNear(y!, want, W_LEN, 'conv1dForward');
    },
  },
  {
    name: 'conv1dBackwardInput',
    valid: backwardInputArgs,
    extra: () => [
      ...convParamCalls(backwardInputArgs),
      ...aliasCalls(backwardInputArgs, [2, 'gx'], [0, 'gy']),
      ...aliasCalls(backwardInputArgs, [2, 'gx'], [1, 'w']),
      ...aliasCalls(backwardInputArgs, [2, 'gx'], [3, 'acc']).filter((c) => c.label !== 'gx is acc'), // in place is allowed
    ],
    call: (args) => kernels().conv1dBackwardInput(...(args as Parameters<NativeAddon['kernels']['conv1dBackwardInput']>)),
    check: () => {
      const [gy, w, gx, acc] = backwardInputArgs() as Float32Array[];
      const want = gx!.slice();
      refBackend.conv1dBackwardInput(gy!, w!, want, acc!, CONV);
      kernels().conv1dBackwardInput(gy!, w!, gx!, acc!, CONV);
      expectNear(gx!, want, CONV.cOut * CONV.k, 'conv1dBackwardInput');
    },
  },
  {
    name: 'conv1dBackwardWeight',
    valid: backwardWeightArgs,
    extra: () => [
      ...convParamCalls(backwardWeightArgs),
      ...aliasCalls(backwardWeightArgs, [2, 'gw'], [0, 'x']),
      ...aliasCalls(backwardWeightArgs, [2, 'gw'], [1, 'gy']),
      ...aliasCalls(backwardWeightArgs, [2, 'gw'], [3, 'gb']),
      ...aliasCalls(backwardWeightArgs, [3, 'gb'], [1, 'gy']),
    ],
    call: (args) => kernels().conv1dBackwardWeight(...(args as Parameters<NativeAddon['kernels']['conv1dBackwardWeight']>)),
    check: () => {
      const [x, gy, gw, gb] = backwardWeightArgs() as Float32Array[];
      const wantW = gw!.slice();
      const wantB = gb!.slice();
      refBackend.conv1dBackwardWeight(x!, gy!, wantW, wantB, CONV);
      kernels().conv1dBackwardWeight(x!, gy!, gw!, gb!, CONV);
      expectNear(gw!, wantW, CONV.n * CONV.lOut, 'conv1dBackwardWeight gw');
      expectNear(gb!, wantB, CONV.n * CONV.lOut, 'conv1dBackwardWeight gb');
    },
  },
  {
    name: 'conv2dForward',
    valid: forward2dArgs,
    extra: () => [
      ...conv2dParamCalls(forward2dArgs),
      ...aliasCalls(forward2dArgs, [3, 'y'], [0, 'x']),
      ...aliasCalls(forward2dArgs, [3, 'y'], [1, 'w']),
      ...aliasCalls(forward2dArgs, [3, 'y'], [2, 'bias']),
    ],
    call: (args) => kernels().conv2dForward(...(args as Parameters<NativeAddon['kernels']['conv2dForward']>)),
    check: () => {
      const [x, w, bias, y] = forward2dArgs() as Float32Array[];
      const want = y!.slice();
      refBackend.conv2dForward(x!, w!, bias!, want, CONV2D);
      kernels().conv2dForward(x!, w!, bias!, y!, CONV2D);
      expectNear(y!, want, W2_LEN, 'conv2dForward');
    },
  },
  {
    name: 'conv2dBackwardInput',
    valid: backwardInput2dArgs,
    extra: () => [
      ...conv2dParamCalls(backwardInput2dArgs),
      ...aliasCalls(backwardInput2dArgs, [2, 'gx'], [0, 'gy']),
      ...aliasCalls(backwardInput2dArgs, [2, 'gx'], [1, 'w']),
    ],
    call: (args) => kernels().conv2dBackwardInput(...(args as Parameters<NativeAddon['kernels']['conv2dBackwardInput']>)),
    check: () => {
      const [gy, w, gx] = backwardInput2dArgs() as Float32Array[];
      const want = gx!.slice();
      refBackend.conv2dBackwardInput(gy!, w!, want, CONV2D);
      kernels().conv2dBackwardInput(gy!, w!, gx!, CONV2D);
      expectNear(gx!, want, CONV2D.cOut * CONV2D.kH * CONV2D.kW, 'conv2dBackwardInput');
    },
  },
  {
    name: 'conv2dBackwardWeight',
    valid: backwardWeight2dArgs,
    extra: () => [
      ...conv2dParamCalls(backwardWeight2dArgs),
      ...aliasCalls(backwardWeight2dArgs, [2, 'gw'], [0, 'x']),
      ...aliasCalls(backwardWeight2dArgs, [2, 'gw'], [1, 'gy']),
      ...aliasCalls(backwardWeight2dArgs, [2, 'gw'], [3, 'gb']),
      ...aliasCalls(backwardWeight2dArgs, [3, 'gb'], [1, 'gy']),
    ],
    call: (args) => kernels().conv2dBackwardWeight(...(args as Parameters<NativeAddon['kernels']['conv2dBackwardWeight']>)),
    check: () => {
      const [x, gy, gw, gb] = backwardWeight2dArgs() as Float32Array[];
      const wantW = gw!.slice();
      const wantB = gb!.slice();
      refBackend.conv2dBackwardWeight(x!, gy!, wantW, wantB, CONV2D);
      kernels().conv2dBackwardWeight(x!, gy!, gw!, gb!, CONV2D);
      const r = CONV2D.n * CONV2D.outH * CONV2D.outW;
      expectNear(gw!, wantW, r, 'conv2dBackwardWeight gw');
      expectNear(gb!, wantB, r, 'conv2dBackwardWeight gb');
    },
  },
  {
    name: 'sgdStep',
    valid: sgdArgs,
    extra: () => [
      substitute('buf null with momentum != 0', sgdArgs, { 2: null }, 'TypeError'),
      substitute('nesterov with dampening != 0', sgdArgs, { 3: { ...SGD, nesterov: true } }),
      substitute('nesterov without momentum', sgdArgs, { 2: null, 3: { ...SGD, nesterov: true, momentum: 0, dampening: 0 } }),
      substitute('grad shorter than param without momentum', sgdArgs, { 1: new Float32Array(SGD_LEN - 1), 2: null, 3: { ...SGD, momentum: 0 } }),
      ...aliasCalls(sgdArgs, [0, 'param'], [1, 'grad']),
      ...aliasCalls(sgdArgs, [2, 'buf'], [1, 'grad']),
      ...aliasCalls(sgdArgs, [2, 'buf'], [0, 'param']),
    ],
    call: (args) => kernels().sgdStep(...(args as Parameters<NativeAddon['kernels']['sgdStep']>)),
    check: () => {
      const [param, grad, buf] = sgdArgs() as Float32Array[];
      const wantP = param!.slice();
      const wantB = buf!.slice();
      refBackend.sgdStep(wantP, grad!, wantB, SGD);
      kernels().sgdStep(param!, grad!, buf!, SGD);
      expect(param).toEqual(wantP); // bit for bit
      expect(buf).toEqual(wantB);
    },
  },
  {
    name: 'add',
    valid: addArgs,
    extra: () => [
      ...typedAliasCalls(addArgs, [2, 'out'], [0, 'a'], { allowSame: true }),
      ...typedAliasCalls(addArgs, [2, 'out'], [1, 'b'], { allowSame: true }),
      substitute('a empty, b and out not', addArgs, { 0: new Float32Array(0) }),
      substitute('out empty, a and b not', addArgs, { 2: new Float32Array(0) }),
      substitute('a twice as long as out', addArgs, { 0: new Float32Array(2 * RELU_LEN) }),
    ],
    call: (args) => kernels().add(...(args as Parameters<NativeAddon['kernels']['add']>)),
    check: () => {
      const [a, b, out] = addArgs() as Float32Array[];
      const want = new Float32Array(a!.length);
      refBackend.add(a!, b!, want);
      kernels().add(a!, b!, out!);
      expectSameBits(out, want, 'add');
      kernels().add(a!, b!, a!); // in place is allowed
      expectSameBits(a, want, 'add in place');
    },
  },
  {
    name: 'reluForward',
    valid: reluForwardArgs,
    extra: () => [
      ...typedAliasCalls(reluForwardArgs, [1, 'y'], [0, 'x'], { allowSame: true }),
      substitute('x empty, y not', reluForwardArgs, { 0: new Float32Array(0) }),
      substitute('y empty, x not', reluForwardArgs, { 1: new Float32Array(0) }),
      substitute('x twice as long as y', reluForwardArgs, { 0: new Float32Array(2 * RELU_LEN) }),
      substitute('x a view one element into y', reluForwardArgs, (() => {
        const all = new Float32Array(RELU_LEN + 1);
        return { 0: all.subarray(1), 1: all.subarray(0, RELU_LEN) };
      })()),
    ],
    call: (args) => kernels().reluForward(...(args as Parameters<NativeAddon['kernels']['reluForward']>)),
    check: () => {
      const [x, y] = reluForwardArgs() as Float32Array[];
      const want = new Float32Array(x!.length);
      refBackend.reluForward(x!, want);
      kernels().reluForward(x!, y!);
      expectSameBits(y, want, 'reluForward');
      kernels().reluForward(x!, x!); // in place is allowed
      expectSameBits(x, want, 'reluForward in place');
    },
  },
  {
    name: 'reluBackward',
    valid: reluBackwardArgs,
    extra: () => [
      ...typedAliasCalls(reluBackwardArgs, [2, 'gx'], [1, 'gy'], { allowSame: true }),
      ...typedAliasCalls(reluBackwardArgs, [2, 'gx'], [0, 'y']),
    ],
    call: (args) => kernels().reluBackward(...(args as Parameters<NativeAddon['kernels']['reluBackward']>)),
    check: () => {
      const [y, gy, gx] = reluBackwardArgs() as Float32Array[];
      const want = new Float32Array(y!.length);
      refBackend.reluBackward(y!, gy!, want);
      kernels().reluBackward(y!, gy!, gx!);
      expectSameBits(gx, want, 'reluBackward');
      kernels().reluBackward(y!, gy!, gy!); // in place is allowed
      expectSameBits(gy, want, 'reluBackward in place');
    },
  },
  {
    name: 'maxPool1dForward',
    valid: poolForwardArgs,
    extra: () => [
      ...poolParamCalls(poolForwardArgs),
      ...typedAliasCalls(poolForwardArgs, [1, 'y'], [0, 'x']),
      ...typedAliasCalls(poolForwardArgs, [2, 'idx'], [0, 'x']),
      ...typedAliasCalls(poolForwardArgs, [2, 'idx'], [1, 'y']),
      {
        label: 'a Uint8Array idx with k > 256',
        make: () => {
          const p = { ...POOL, l: 300, k: 257, stride: 1, padding: 0, lOut: 44 };
          const rows = p.n * p.c;
          return [randomArray(rows * p.l, 1), new Float32Array(rows * p.lOut), new Uint8Array(rows * p.lOut), p];
        },
        kind: 'RangeError',
      },
    ],
    call: (args) => kernels().maxPool1dForward(...(args as Parameters<NativeAddon['kernels']['maxPool1dForward']>)),
    check: () => {
      for (const p of [POOL, POOL_CEIL]) {
        const rows = p.n * p.c;
        const x = randomArray(rows * p.l, 3);
        const wantY = new Float32Array(rows * p.lOut);
        const wantI = new Uint8Array(rows * p.lOut);
        refBackend.maxPool1dForward(x, wantY, wantI, p);
        const y = new Float32Array(rows * p.lOut);
        const idx = new Int32Array(rows * p.lOut);
        kernels().maxPool1dForward(x, y, idx, p);
        expectSameBits(y, wantY, 'maxPool1dForward y');
        expect(Array.from(idx)).toEqual(Array.from(wantI));
      }
    },
  },
  {
    name: 'maxPool1dBackward',
    valid: poolBackwardArgs,
    extra: () => [
      ...poolParamCalls(poolBackwardArgs),
      ...typedAliasCalls(poolBackwardArgs, [2, 'gx'], [0, 'gy']),
      ...typedAliasCalls(poolBackwardArgs, [2, 'gx'], [1, 'idx']),
      ...[3, 4, 255].map((v) => substitute(`a Uint8Array idx value ${v} >= k`, poolBackwardArgs, { 1: poolIdx(Uint8Array, v) })),
      ...[3, -1, 2 ** 31 - 1, -(2 ** 31)].map((v) =>
        substitute(`an Int32Array idx value ${v} outside [0, k)`, poolBackwardArgs, { 1: poolIdx(Int32Array, v) })),
    ],
    call: (args) => kernels().maxPool1dBackward(...(args as Parameters<NativeAddon['kernels']['maxPool1dBackward']>)),
    check: () => {
      const [gy, idx] = poolBackwardArgs() as [Float32Array, Uint8Array];
      const want = new Float32Array(POOL.n * POOL.c * POOL.l);
      refBackend.maxPool1dBackward(gy, idx, want, POOL);
      const gx = new Float32Array(want.length).fill(Number.NaN);
      kernels().maxPool1dBackward(gy, Int32Array.from(idx), gx, POOL);
      expectSameBits(gx, want, 'maxPool1dBackward');
    },
  },
  {
    name: 'maxPool2dForward',
    valid: pool2dForwardArgs,
    extra: () => [
      ...pool2dParamCalls(pool2dForwardArgs),
      ...typedAliasCalls(pool2dForwardArgs, [1, 'y'], [0, 'x']),
      ...typedAliasCalls(pool2dForwardArgs, [2, 'idx'], [0, 'x']),
      ...typedAliasCalls(pool2dForwardArgs, [2, 'idx'], [1, 'y']),
      {
        label: 'a Uint8Array idx with inH * inW > 256',
        make: () => {
          const p = { ...POOL2D, inH: 31, inW: 9, outH: 16 };
          const planes = p.n * p.c;
          return [randomArray(planes * p.inH * p.inW, 1), new Float32Array(planes * p.outH * p.outW),
            new Uint8Array(planes * p.outH * p.outW), p];
        },
        kind: 'RangeError',
      },
    ],
    call: (args) => kernels().maxPool2dForward(...(args as Parameters<NativeAddon['kernels']['maxPool2dForward']>)),
    check: () => {
      for (const p of [POOL2D, POOL2D_CEIL]) {
        const planes = p.n * p.c;
        const x = randomArray(planes * p.inH * p.inW, 3);
        const wantY = new Float32Array(planes * p.outH * p.outW);
        const wantI = new Uint8Array(wantY.length);
        refBackend.maxPool2dForward(x, wantY, wantI, p);
        const y = new Float32Array(wantY.length);
        const idx = new Int32Array(wantY.length);
        kernels().maxPool2dForward(x, y, idx, p);
        expectSameBits(y, wantY, 'maxPool2dForward y');
        expect(Array.from(idx)).toEqual(Array.from(wantI));
      }
    },
  },
  {
    name: 'maxPool2dBackward',
    valid: pool2dBackwardArgs,
    extra: () => [
      ...pool2dParamCalls(pool2dBackwardArgs),
      ...typedAliasCalls(pool2dBackwardArgs, [2, 'gx'], [0, 'gy']),
      ...typedAliasCalls(pool2dBackwardArgs, [2, 'gx'], [1, 'idx']),
      ...[63, 64, 255].map((v) => substitute(`a Uint8Array idx value ${v} >= inH * inW`, pool2dBackwardArgs, { 1: pool2dIdx(Uint8Array, v) })),
      ...[63, -1, 2 ** 31 - 1, -(2 ** 31)].map((v) =>
        substitute(`an Int32Array idx value ${v} outside [0, inH * inW)`, pool2dBackwardArgs, { 1: pool2dIdx(Int32Array, v) })),
    ],
    call: (args) => kernels().maxPool2dBackward(...(args as Parameters<NativeAddon['kernels']['maxPool2dBackward']>)),
    check: () => {
      const [gy, idx] = pool2dBackwardArgs() as [Float32Array, Uint8Array];
      const want = new Float32Array(POOL2D_X);
      refBackend.maxPool2dBackward(gy, idx, want, POOL2D);
      const gx = new Float32Array(want.length).fill(Number.NaN);
      kernels().maxPool2dBackward(gy, Int32Array.from(idx), gx, POOL2D);
      expectSameBits(gx, want, 'maxPool2dBackward');
    },
  },
  {
    name: 'batchNormForward',
    valid: bnForwardArgs,
    extra: () => [
      substitute('training with n = 0', bnForwardArgs, { 0: new Float32Array(0), 5: new Float32Array(0), 6: { ...BN, n: 0 } }),
      substitute('training with inner = 0', bnForwardArgs, { 0: new Float32Array(0), 5: new Float32Array(0), 6: { ...BN, inner: 0 } }),
      substitute('params.eps negative', bnForwardArgs, { 6: { ...BN, eps: -1e-5 } }),
      substitute('n*c*inner overflows', bnForwardArgs, { 6: { ...BN, n: 2 ** 30, c: 2 ** 30, inner: 2 ** 30 } }),
      ...typedAliasCalls(bnForwardArgs, [5, 'y'], [0, 'x']),
      ...typedAliasCalls(bnForwardArgs, [5, 'y'], [1, 'weight']),
      ...typedAliasCalls(bnForwardArgs, [5, 'y'], [2, 'bias']),
      ...typedAliasCalls(bnForwardArgs, [5, 'y'], [3, 'mean']),
      ...typedAliasCalls(bnForwardArgs, [4, 'invstd'], [3, 'mean']),
      ...typedAliasCalls(bnForwardArgs, [3, 'mean'], [0, 'x']),
      ...typedAliasCalls(bnForwardArgs, [4, 'invstd'], [1, 'weight']),
    ],
    call: (args) => kernels().batchNormForward(...(args as Parameters<NativeAddon['kernels']['batchNormForward']>)),
    check: () => {
      const [x, w, b, , , y] = bnForwardArgs() as Float32Array[];
      const mean = new Float64Array(BN.c);
      const invstd = new Float64Array(BN.c);
      const want = new Float32Array(y!.length);
      refBackend.batchNormForward(x!, w!, b!, mean, invstd, want, BN);
      const gotMean = new Float64Array(BN.c);
      const gotInvstd = new Float64Array(BN.c);
      kernels().batchNormForward(x!, w!, b!, gotMean, gotInvstd, y!, BN);
      expectClose(y!, want, 1e-5, 1e-6, 'batchNormForward y');
      expectClose(gotMean, mean, 1e-9, 1e-12, 'mean');
      expectClose(gotInvstd, invstd, 1e-9, 1e-12, 'invstd');
    },
  },
  {
    name: 'batchNormBackward',
    valid: bnBackwardArgs,
    extra: () => [
      substitute('n*c*inner overflows', bnBackwardArgs, { 8: { ...BN, n: 2 ** 30, c: 2 ** 30, inner: 2 ** 30 } }),
      ...typedAliasCalls(bnBackwardArgs, [5, 'gx'], [0, 'gy'], { allowSame: true }),
      ...typedAliasCalls(bnBackwardArgs, [5, 'gx'], [1, 'x']),
      ...typedAliasCalls(bnBackwardArgs, [5, 'gx'], [3, 'mean']),
      ...typedAliasCalls(bnBackwardArgs, [6, 'gw'], [2, 'weight']),
      ...typedAliasCalls(bnBackwardArgs, [7, 'gb'], [6, 'gw']),
      ...typedAliasCalls(bnBackwardArgs, [7, 'gb'], [4, 'invstd']),
      ...typedAliasCalls(bnBackwardArgs, [6, 'gw'], [5, 'gx']),
    ],
    call: (args) => kernels().batchNormBackward(...(args as Parameters<NativeAddon['kernels']['batchNormBackward']>)),
    check: () => {
      const [gy, x, w, mean, invstd, gx, gw, gb] = bnBackwardArgs() as [Float32Array, Float32Array, Float32Array,
        Float64Array, Float64Array, Float32Array, Float32Array, Float32Array];
      const wantX = new Float32Array(gx.length);
      const wantW = new Float32Array(gw.length);
      const wantB = new Float32Array(gb.length);
      refBackend.batchNormBackward(gy, x, w, mean, invstd, wantX, wantW, wantB, BN);
      kernels().batchNormBackward(gy, x, w, mean, invstd, gx, gw, gb, BN);
      expectClose(gx, wantX, 1e-5, 1e-6, 'gx');
      expectClose(gw, wantW, 1e-5, 1e-6, 'gw');
      expectClose(gb, wantB, 1e-5, 1e-6, 'gb');
      kernels().batchNormBackward(gy, x, w, mean, invstd, gy, null, null, BN); // in place is allowed
      expectClose(gy, wantX, 1e-5, 1e-6, 'gx in place');
    },
  },
  {
    name: 'bmm',
    valid: bmmArgs,
    extra: () => [
      ...aliasCalls(bmmArgs, [2, 'c'], [0, 'a']),
      ...aliasCalls(bmmArgs, [2, 'c'], [1, 'b']),
      substitute('aBatch neither batch nor 1', bmmArgs, { 0: randomArray(2 * BMM.m * BMM.k, 1), 3: { ...BMM, aBatch: 2 } }),
      substitute('bBatch neither batch nor 1', bmmArgs, { 1: randomArray(2 * BMM.k * BMM.n, 1), 3: { ...BMM, bBatch: 2 } }),
      substitute('batch*m*n overflows', bmmArgs, { 3: { ...BMM, batch: 2 ** 40, m: 2 ** 20, aBatch: 1 } }),
      substitute('a one batch short', bmmArgs, { 0: randomArray((BMM.aBatch - 1) * BMM.m * BMM.k, 1) }),
    ],
    call: (args) => kernels().bmm(...(args as Parameters<NativeAddon['kernels']['bmm']>)),
    check: () => {
      const [a, b, c] = bmmArgs() as Float32Array[];
      const want = c!.slice();
      refBackend.bmm(a!, b!, want, BMM);
      kernels().bmm(a!, b!, c!, BMM);
      expectNear(c!, want, BMM.k, 'bmm');
    },
  },
  {
    name: 'bmmHeads',
    valid: bmmHeadsArgs,
    extra: () => [
      ...aliasCalls(bmmHeadsArgs, [2, 'c'], [0, 'a']),
      ...aliasCalls(bmmHeadsArgs, [2, 'c'], [1, 'b']),
      substitute('a row stride past aLen', bmmHeadsArgs, { 3: { ...BMMH, aLd: 18 } }),
      substitute('b head offset past bLen', bmmHeadsArgs, { 3: { ...BMMH, bHead: 6 } }),
      substitute('c outer offset past cLen', bmmHeadsArgs, { 3: { ...BMMH, cOuter: 25 } }),
      substitute('c heads overlapping (cHead < n)', bmmHeadsArgs, { 3: { ...BMMH, cHead: 3, cOuter: 20 } }),
      substitute('c rows overlapping (cLd < n)', bmmHeadsArgs, { 3: { ...BMMH, cLd: 3 } }),
      substitute('c products on one address (cHead = 0)', bmmHeadsArgs, { 3: { ...BMMH, cHead: 0 } }),
      substitute('addresses overflow', bmmHeadsArgs, { 3: { ...BMMH, aOuter: 2 ** 53 - 1, outer: 2 ** 20 } }),
      substitute('a shorter than aLen', bmmHeadsArgs, { 0: randomArray(BMMH.aLen - 1, 1) }),
    ],
    call: (args) => kernels().bmmHeads(...(args as Parameters<NativeAddon['kernels']['bmmHeads']>)),
    check: () => {
      const [a, b, c] = bmmHeadsArgs() as Float32Array[];
      const want = c!.slice();
      refBackend.bmmHeads(a!, b!, want, BMMH);
      kernels().bmmHeads(a!, b!, c!, BMMH);
      expectNear(c!, want, BMMH.k, 'bmmHeads');
    },
  },
  {
    name: 'affineNormForward',
    valid: normForwardArgs,
    extra: () => [
      ...aliasCalls(normForwardArgs, [3, 'y'], [0, 'x']),
      substitute('spatial does not divide d', normForwardArgs, { 6: { ...NORM, spatial: 4 } }),
      substitute('weight of the layer-norm length', normForwardArgs, { 1: randomArray(6, 1) }),
    ],
    call: (args) => kernels().affineNormForward(...(args as Parameters<NativeAddon['kernels']['affineNormForward']>)),
    check: () => {
      const [x, w, b, y, mean, rstd] = normForwardArgs() as [Float32Array, Float32Array, Float32Array, Float32Array, Float64Array, Float64Array];
      const want = y.slice();
      refBackend.affineNormForward(x, w, b, want, new Float64Array(4), new Float64Array(4), NORM);
      kernels().affineNormForward(x, w, b, y, mean, rstd, NORM);
      expectClose(y, want, 1e-5, 1e-6, 'y');
    },
  },
  {
    name: 'affineNormBackward',
    valid: normBackwardArgs,
    extra: () => [
      ...aliasCalls(normBackwardArgs, [5, 'gx'], [0, 'gy']),
      ...aliasCalls(normBackwardArgs, [6, 'gw'], [2, 'weight']),
      substitute('spatial does not divide d', normBackwardArgs, { 8: { ...NORM, spatial: 5 } }),
    ],
    call: (args) => kernels().affineNormBackward(...(args as Parameters<NativeAddon['kernels']['affineNormBackward']>)),
    check: () => {
      const [gy, x, w, mean, rstd, gx, gw, gb] = normBackwardArgs() as [Float32Array, Float32Array, Float32Array, Float64Array, Float64Array, Float32Array, Float32Array, Float32Array];
      const want = [gx.slice(), gw.slice(), gb.slice()];
      refBackend.affineNormBackward(gy, x, w, mean, rstd, want[0], want[1], want[2], NORM);
      kernels().affineNormBackward(gy, x, w, mean, rstd, gx, gw, gb, NORM);
      expectClose(gx, want[0], 1e-5, 1e-6, 'gx');
      expectClose(gw, want[1], 1e-5, 1e-6, 'gw');
      expectClose(gb, want[2], 1e-5, 1e-6, 'gb');
    },
  },
  {
    name: 'adaptiveAvgPool1dForward',
    valid: adaptiveForwardArgs,
    extra: () => [
      ...aliasCalls(adaptiveForwardArgs, [1, 'y'], [0, 'x']),
      substitute('lOut of 0', adaptiveForwardArgs, { 1: new Float32Array(0), 2: { ...ADAPTIVE, lOut: 0 } }),
      substitute('l*lOut overflows', adaptiveForwardArgs, { 2: { ...ADAPTIVE, l: 2 ** 40, lOut: 2 ** 30 } }),
    ],
    call: (args) => kernels().adaptiveAvgPool1dForward(...(args as Parameters<NativeAddon['kernels']['adaptiveAvgPool1dForward']>)),
    check: () => {
      const [x, y] = adaptiveForwardArgs() as Float32Array[];
      const want = y!.slice();
      refBackend.adaptiveAvgPool1dForward(x!, want, ADAPTIVE);
      kernels().adaptiveAvgPool1dForward(x!, y!, ADAPTIVE);
      expect(Array.from(y!)).toEqual(Array.from(want));
    },
  },
  {
    name: 'adaptiveAvgPool1dBackward',
    valid: adaptiveBackwardArgs,
    extra: () => [
      ...aliasCalls(adaptiveBackwardArgs, [1, 'gx'], [0, 'gy']),
      substitute('l of 0', adaptiveBackwardArgs, { 1: new Float32Array(0), 2: { ...ADAPTIVE, l: 0 } }),
    ],
    call: (args) => kernels().adaptiveAvgPool1dBackward(...(args as Parameters<NativeAddon['kernels']['adaptiveAvgPool1dBackward']>)),
    check: () => {
      const [gy, gx] = adaptiveBackwardArgs() as Float32Array[];
      const want = gx!.slice();
      refBackend.adaptiveAvgPool1dBackward(gy!, want, ADAPTIVE);
      kernels().adaptiveAvgPool1dBackward(gy!, gx!, ADAPTIVE);
      expect(Array.from(gx!)).toEqual(Array.from(want));
    },
  },
  {
    name: 'copyBlocks',
    valid: copyArgs,
    extra: () => [
      ...aliasCalls(copyArgs, [1, 'dst'], [0, 'src']),
      substitute('source block past its row', copyArgs, { 2: { ...COPY, srcOffset: 2 } }),
      substitute('destination block past its row', copyArgs, { 2: { ...COPY, dstOffset: 6 } }),
      substitute('dst one row short', copyArgs, { 1: randomArray(18, 1) }),
    ],
    call: (args) => kernels().copyBlocks(...(args as Parameters<NativeAddon['kernels']['copyBlocks']>)),
    check: () => {
      const [src, dst] = copyArgs() as Float32Array[];
      const want = dst!.slice();
      refBackend.copyBlocks(src!, want, COPY);
      kernels().copyBlocks(src!, dst!, COPY);
      expect(Array.from(dst!)).toEqual(Array.from(want));
    },
  },
  {
    name: 'softmaxForward',
    valid: softmaxForwardArgs,
    extra: () => [
      ...typedAliasCalls(softmaxForwardArgs, [2, 'y'], [0, 'x'], { allowSame: true }),
      ...typedAliasCalls(softmaxForwardArgs, [2, 'y'], [1, 'mask']),
      substitute('maskRows 0', softmaxForwardArgs, { 3: { ...SOFTMAX, maskRows: 0 } }),
      substitute('a mask of one row for maskRows 3', softmaxForwardArgs, { 1: randomArray(5, 1) }),
    ],
    call: (args) => kernels().softmaxForward(...(args as Parameters<NativeAddon['kernels']['softmaxForward']>)),
    check: () => {
      const [x, mask, y] = softmaxForwardArgs() as Float32Array[];
      const want = y!.slice();
      refBackend.softmaxForward(x!, mask!, want, SOFTMAX);
      kernels().softmaxForward(x!, mask!, y!, SOFTMAX);
      expectClose(y!, want, 1e-5, 1e-7, 'y');
      kernels().softmaxForward(x!, null, x!, SOFTMAX); // in place, without a mask
      refBackend.softmaxForward(softmaxForwardArgs()[0] as Float32Array, null, want, SOFTMAX);
      expectClose(x!, want, 1e-5, 1e-7, 'y in place');
    },
  },
  {
    name: 'softmaxBackward',
    valid: softmaxBackwardArgs,
    extra: () => [
      ...typedAliasCalls(softmaxBackwardArgs, [2, 'gx'], [1, 'gy'], { allowSame: true }),
      ...typedAliasCalls(softmaxBackwardArgs, [2, 'gx'], [0, 'y']),
    ],
    call: (args) => kernels().softmaxBackward(...(args as Parameters<NativeAddon['kernels']['softmaxBackward']>)),
    check: () => {
      const [y, gy, gx] = softmaxBackwardArgs() as Float32Array[];
      const want = gx!.slice();
      refBackend.softmaxBackward(y!, gy!, want, SOFTMAX);
      kernels().softmaxBackward(y!, gy!, gx!, SOFTMAX);
      expectClose(gx!, want, 1e-5, 1e-6, 'gx');
    },
  },
  {
    name: 'lstmCellForward',
    valid: lstmForwardArgs,
    extra: () => [
      ...typedAliasCalls(lstmForwardArgs, [2, 'c'], [1, 'cPrev']),
      ...typedAliasCalls(lstmForwardArgs, [3, 'h'], [2, 'c']),
      substitute('g not 4 * hs', lstmForwardArgs, { 0: randomArray(45, 1), 4: { ...LSTM, g: 15 } }),
    ],
    call: (args) => kernels().lstmCellForward(...(args as Parameters<NativeAddon['kernels']['lstmCellForward']>)),
    check: () => {
      const [a, cPrev, c, h] = lstmForwardArgs() as Float32Array[];
      const want = [a!.slice(), c!.slice(), h!.slice()];
      refBackend.lstmCellForward(want[0]!, cPrev!, want[1]!, want[2]!, LSTM);
      kernels().lstmCellForward(a!, cPrev!, c!, h!, LSTM);
      expectClose(a!, want[0]!, 1e-5, 1e-6, 'activations');
      expectClose(c!, want[1]!, 1e-5, 1e-6, 'c');
      expectClose(h!, want[2]!, 1e-5, 1e-6, 'h');
    },
  },
  {
    name: 'lstmCellBackward',
    valid: lstmBackwardArgs,
    extra: () => [
      ...typedAliasCalls(lstmBackwardArgs, [4, 'dc'], [3, 'dh']),
      ...typedAliasCalls(lstmBackwardArgs, [5, 'da'], [0, 'act']),
    ],
    call: (args) => kernels().lstmCellBackward(...(args as Parameters<NativeAddon['kernels']['lstmCellBackward']>)),
    check: () => {
      const [act, cPrev, c, dh, dc, da] = lstmBackwardArgs() as Float32Array[];
      const want = [dc!.slice(), da!.slice()];
      refBackend.lstmCellBackward(act!, cPrev!, c!, dh!, want[0]!, want[1]!, LSTM);
      kernels().lstmCellBackward(act!, cPrev!, c!, dh!, dc!, da!, LSTM);
      expectClose(dc!, want[0]!, 1e-5, 1e-6, 'dc');
      expectClose(da!, want[1]!, 1e-5, 1e-6, 'da');
    },
  },
  {
    name: 'adamStep',
    valid: adamArgs,
    extra: () => [
      substitute('maxExpAvgSq null with amsgrad', adamArgs, { 4: null }, 'TypeError'),
      substitute('biasCorrection1 0', adamArgs, { 5: { ...ADAM, biasCorrection1: 0 } }),
      substitute('biasCorrection2 above 1', adamArgs, { 5: { ...ADAM, biasCorrection2: 1.5 } }),
      substitute('expAvg shorter than param without amsgrad', adamArgs, { 2: new Float32Array(SGD_LEN - 1), 4: null, 5: { ...ADAM, amsgrad: false } }),
      ...aliasCalls(adamArgs, [0, 'param'], [1, 'grad']),
      ...aliasCalls(adamArgs, [2, 'expAvg'], [0, 'param']),
      ...aliasCalls(adamArgs, [3, 'expAvgSq'], [2, 'expAvg']),
      ...aliasCalls(adamArgs, [4, 'maxExpAvgSq'], [3, 'expAvgSq']),
    ],
    call: (args) => kernels().adamStep(...(args as Parameters<NativeAddon['kernels']['adamStep']>)),
    check: () => {
      const got = adamArgs().slice(0, 5) as Float32Array[];
      const want = got.map((a) => a.slice());
      refBackend.adamStep(want[0]!, want[1]!, want[2]!, want[3]!, want[4]!, ADAM);
      kernels().adamStep(got[0]!, got[1]!, got[2]!, got[3]!, got[4]!, ADAM);
      got.forEach((a, i) => expect(a, `array ${i}`).toEqual(want[i])); // bit for bit
    },
  },
  {
    name: 'columnSum',
    valid: columnSumArgs,
    extra: () => [
      substitute('out one column short', columnSumArgs, { 1: new Float32Array(COLSUM.cols - 1) }),
      ...aliasCalls(columnSumArgs, [1, 'out'], [0, 'x']),
    ],
    call: (args) => kernels().columnSum(...(args as Parameters<NativeAddon['kernels']['columnSum']>)),
    check: () => {
      const [x, got] = columnSumArgs() as Float32Array[];
      const want = new Float32Array(COLSUM.cols);
      refBackend.columnSum(x!, want, COLSUM);
      kernels().columnSum(x!, got!, COLSUM);
      expect(got).toEqual(want); // bit for bit
    },
  },
  {
    name: 'embeddingBackward',
    valid: embeddingArgs,
    extra: () => [
      substitute('paddingIdx above num', embeddingArgs, { 3: { ...EMB, paddingIdx: EMB.num + 1 } }),
      substitute('an index equal to num', embeddingArgs, { 0: Int32Array.from({ length: EMB.n }, (_, i) => (i === 4 ? EMB.num : 0)) }),
      substitute('a negative index', embeddingArgs, { 0: Int32Array.from({ length: EMB.n }, (_, i) => (i === 4 ? -1 : 0)) }),
      ...aliasCalls(embeddingArgs, [2, 'gw'], [1, 'gy']),
    ],
    call: (args) => kernels().embeddingBackward(...(args as Parameters<NativeAddon['kernels']['embeddingBackward']>)),
    check: () => {
      const [idx, gy, got] = embeddingArgs() as [Int32Array, Float32Array, Float32Array];
      const want = new Float32Array(EMB.num * EMB.dim);
      refBackend.embeddingBackward(idx, gy, want, EMB);
      kernels().embeddingBackward(idx, gy, got, EMB);
      expect(got).toEqual(want); // bit for bit
    },
  },
];

type AnyTyped = Float32Array | Float64Array | Uint8Array | Int32Array;

/** Copies of the typed-array arguments that are still readable, to prove a rejected call wrote nothing. */
function snapshot(args: unknown[]): (AnyTyped | null)[] {
  return args.map((a) =>
    ArrayBuffer.isView(a) && !(a instanceof DataView) && a.buffer.byteLength > 0 ? (a as AnyTyped).slice() : null);
}

describe.skipIf(!addon)(suiteName, () => {
  it('exports exactly the kernels of kernels.ts, info and setNumThreads', () => {
    const raw = createRequireAddon();
    expect(Object.keys(raw).sort()).toEqual(['info', 'kernels', 'setNumThreads']);
    expect(Object.keys(raw.kernels).sort()).toEqual([...KERNEL_NAMES].sort());
    const info = nativeInfo();
    expect(['avx512', 'avx2', 'baseline']).toContain(info.isa);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(loadNativeBackend().name).toBe('native');
  });

  for (const spec of SPECS) {
    describe(`${spec.name} rejects malformed calls`, () => {
      const calls = badCalls(spec);

      it('has at least 50 malformed calls', () => {
        expect(calls.length).toBeGreaterThanOrEqual(50);
        expect(new Set(calls.map((c) => c.label)).size).toBe(calls.length);
      });

      it.each(calls)('$label -> $kind', ({ make, kind }) => {
        const args = make();
        const before = snapshot(args);
        let error: unknown;
        try {
          spec.call(args);
        } catch (e) {
          error = e;
        }
        expect(error, 'the call should throw').toBeInstanceOf(Error);
        const err = error as Error;
        expect(err.name).toBe(kind);
        expect(err.message.startsWith(`${spec.name}: `), err.message).toBe(true);
        // Nothing was written before the error.
        const after = snapshot(args);
        before.forEach((b, i) => {
          if (b && after[i]) expect(after[i], `argument ${i} changed`).toEqual(b);
        });
      });

      it('still computes correctly after all of them', () => {
        spec.check();
      });
    });
  }

  it('names the kernel, the argument and the lengths in messages', () => {
    const [a, b, c, p] = matmulArgs() as [Float32Array, Float32Array, Float32Array, MatmulParams];
    expect(() => kernels().matmul(a.subarray(0, 10), b, c, { ...p, transB: false }))
      .toThrow('matmul: expected a of length m*k = 15, got 10');
    expect(() => kernels().matmul(a, b, c, { ...p, m: 1.5 })).toThrow('matmul: expected params.m to be an integer, got 1.5');
    expect(() => kernels().matmul(a, b, a, p)).toThrow(/matmul: expected c of length m\*n = 12, got 15/);
  });

  it('propagates an exception thrown by a params getter', () => {
    const [a, b, c] = matmulArgs() as Float32Array[];
    const p = { ...MM };
    Object.defineProperty(p, 'k', { get: () => { throw new SyntaxError('boom'); } });
    expect(() => kernels().matmul(a!, b!, c!, p)).toThrow(SyntaxError);
  });

  it('rejects a length-tracking view whose resizable buffer shrank in a params getter', () => {
    const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };
    const buf = new Resizable(4 * MM.m * MM.n, { maxByteLength: 4 * 64 });
    const c = new Float32Array(buf); // tracks the buffer's length
    const [a, b] = matmulArgs() as Float32Array[];
    const p = { ...MM };
    Object.defineProperty(p, 'beta', { get: () => (buf.resize(4), 0.5) });
    expect(() => kernels().matmul(a!, b!, c, p)).toThrow(RangeError);
  });

  it('accepts views that touch without overlapping, and empty sizes', () => {
    const buf = randomArray(15 + 20 + 12, 5);
    const a = buf.subarray(0, 15);
    const b = buf.subarray(15, 35);
    const c = buf.subarray(35, 47);
    const p: MatmulParams = { ...MM, transB: false, beta: 0 };
    const want = new Float32Array(12);
    refBackend.matmul(a, b, want, p);
    kernels().matmul(a, b, c, p);
    expectNear(c, want, MM.k, 'touching views');
    // k = 0 with beta = 0 writes zeros, even over NaN.
    const z = new Float32Array(6).fill(Number.NaN);
    kernels().matmul(new Float32Array(0), new Float32Array(0), z, { ...MM, m: 2, n: 3, k: 0, beta: 0 });
    expect(Array.from(z)).toEqual([0, 0, 0, 0, 0, 0]);
    kernels().matmul(new Float32Array(0), new Float32Array(0), new Float32Array(0), { ...MM, m: 0, n: 0, k: 0 });
    // A detached array is fine where nothing is expected of it.
    const gone = new Float32Array(4);
    detach(gone);
    kernels().matmul(gone, gone, new Float32Array(0), { ...MM, m: 0, n: 0, k: 7 });
    // Empty conv: no batch; no output channels (w empty, k large); lOut = 0.
    const empty = new Float32Array(0);
    const pe = { ...CONV, n: 0 };
    kernels().conv1dForward(empty, randomArray(W_LEN, 1), null, empty, pe);
    const noOut = { ...CONV, cOut: 0, groups: 1, k: 2 ** 30, padding: 2 ** 30, lOut: convOutLength(9, 2 ** 30, 2, 2 ** 30, 1) };
    const gx = new Float32Array(X_LEN).fill(Number.NaN);
    kernels().conv1dBackwardInput(empty, empty, gx, null, noOut);
    expect(gx.every((v) => v === 0)).toBe(true);
    // With acc: gx = acc + 0 (-0 becomes +0, as add(acc, zeros) gives), also in place.
    const acc = Float32Array.from({ length: X_LEN }, (_, i) => (i % 3 === 0 ? -0 : i - 4));
    const accPlus0 = Array.from(acc, (v) => v + 0);
    kernels().conv1dBackwardInput(empty, empty, gx, acc, noOut);
    expect(Array.from(gx)).toEqual(accPlus0);
    kernels().conv1dBackwardInput(empty, empty, acc, acc, noOut);
    expect(Array.from(acc)).toEqual(accPlus0);
    // sgd on empty arrays, with and without momentum.
    kernels().sgdStep(empty, empty, empty, SGD);
    kernels().sgdStep(empty, empty, null, { ...SGD, momentum: 0 });
  });

  describe('threads', () => {
    const initial = addon ? nativeInfo().threads : 1;
    afterAll(() => setNativeThreads(initial));

    it('rejects bad thread counts', () => {
      expect(() => setNativeThreads(0)).toThrow(RangeError);
      expect(() => setNativeThreads(1.5)).toThrow(RangeError);
      expect(() => setNativeThreads(Number.NaN)).toThrow(RangeError);
      expect(() => (addon!.setNumThreads as (n: unknown) => void)('2')).toThrow(TypeError);
    });

    it('conv2d: 1 and 2 threads give the same bits (several images per GEMM block, an image cut in blocks, few tasks)', () => {
      const cases: Conv2dParams[] = [
        { ...CONV2D, n: 11, cIn: 16, cOut: 24, inH: 9, inW: 8, kH: 3, kW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1, groups: 2, outH: 9, outW: 8, relu: true },
        { ...CONV2D, n: 3, cIn: 32, cOut: 8, inH: 30, inW: 31, kH: 3, kW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1, groups: 1, outH: 30, outW: 31, relu: false },
        { ...CONV2D, n: 1, cIn: 4, cOut: 6, inH: 12, inW: 12, kH: 2, kW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1, outH: 6, outW: 6, relu: false },
      ];
      for (const p of cases) {
        const x = randomArray(p.n * p.cIn * p.inH * p.inW, 21);
        const w = randomArray(p.cOut * (p.cIn / p.groups) * p.kH * p.kW, 22);
        const bias = randomArray(p.cOut, 23);
        const gy = randomArray(p.n * p.cOut * p.outH * p.outW, 24);
        const runs: Float32Array[][] = [];
        for (const threads of [1, 2]) {
          setNativeThreads(threads);
          const y = new Float32Array(gy.length);
          const gx = new Float32Array(x.length);
          const gw = new Float32Array(w.length);
          const gb = new Float32Array(p.cOut);
          kernels().conv2dForward(x, w, bias, y, p);
          kernels().conv2dBackwardInput(gy, w, gx, p);
          kernels().conv2dBackwardWeight(x, gy, gw, gb, p);
          runs.push([y, gx, gw, gb]);
        }
        runs[0]!.forEach((a, i) => expectSameBits(runs[1]![i], a, `conv2d output ${i} n=${p.n} ${p.inH}x${p.inW}`));
        const want = new Float32Array(gy.length);
        refBackend.conv2dForward(x, w, bias, want, p);
        expectNear(runs[0]![0]!, want, w.length / p.cOut, 'conv2dForward');
      }
    });

    it('bmm: 1 and 2 threads give the same bits (products below the split size: the batch split over threads)', () => {
      // attention's heads (per product under nt::kParallelMinWork) and an odd batch, both layouts of B
      for (const [batch, m, n, k] of [[64, 64, 64, 32], [37, 33, 17, 65]] as const) {
        for (const transB of [false, true]) {
          const p: BmmParams = { batch, aBatch: batch, bBatch: batch, m, n, k, transA: false, transB, alpha: 0.5, beta: 0 };
          const a = randomArray(batch * m * k, 41);
          const b = randomArray(batch * k * n, 42);
          const runs: Float32Array[] = [];
          for (const threads of [1, 2]) {
            setNativeThreads(threads);
            const c = new Float32Array(batch * m * n);
            kernels().bmm(a, b, c, p);
            runs.push(c);
          }
          expectSameBits(runs[1]!, runs[0]!, `bmm batch=${batch} transB=${transB}`);
          const want = new Float32Array(batch * m * n);
          refBackend.bmm(a, b, want, p);
          expectNear(runs[0]!, want, k, 'bmm');
        }
      }
    });

    it('batch norm: 1 and 2 threads give the same bits (per-row sums added per channel in batch order)', () => {
      // Above the streaming cut-off (native/kernels/stream-work.h), so the 2-thread run splits the rows;
      // 11 channels put range seams inside batch items.
      for (const [n, c, inner] of [[5, 11, 2385], [6, 32, 600]] as const) {
        const len = n * c * inner;
        const x = randomArray(len, 31, -1, 3);
        const gy = randomArray(len, 32);
        const w = randomArray(c, 33, 0.5, 1.5);
        const b = randomArray(c, 34);
        const runs: Float32Array[][] = [];
        for (const threads of [1, 2]) {
          setNativeThreads(threads);
          const p = { n, c, inner, training: true, eps: 1e-5, relu: false };
          const mean = new Float64Array(c);
          const invstd = new Float64Array(c);
          const y = new Float32Array(len);
          kernels().batchNormForward(x, w, b, mean, invstd, y, p);
          const gx = new Float32Array(len);
          const gw = new Float32Array(c);
          const gb = new Float32Array(c);
          kernels().batchNormBackward(gy, x, w, mean, invstd, gx, gw, gb, p);
          // The float64 statistics compared by their bytes.
          runs.push([y, new Float32Array(mean.buffer), new Float32Array(invstd.buffer), gx, gw, gb]);
        }
        runs[0]!.forEach((a, i) => expectSameBits(runs[1]![i]!, a, `batch norm output ${i} ${n}x${c}x${inner}`));
      }
    });

    it('columnSum, embeddingBackward and layer / group norm backward: 1 and 2 threads give the same bits', () => {
      // Above each kernel's split size; odd sizes put the seams mid-block. Row chunks of the norm backward
      // are fixed by the row count, so its partial sums add up the same for any thread count.
      const [rows, cols] = [999, 1187];
      const x = randomArray(rows * cols, 35);
      const idx = Int32Array.from(randomArray(3001, 36, 0, 1), (v) => Math.floor(v * v * 777));
      const gy = randomArray(3001 * 129, 37);
      const norms: AffineNormParams[] = [
        { rows: 1031, d: 257, groups: 1, spatial: 1, eps: 1e-5 },
        { rows: 4 * 333, d: 3 * 67, groups: 4, spatial: 67, eps: 1e-5 },
      ];
      const runs: Float32Array[][] = [];
      for (const threads of [1, 2]) {
        setNativeThreads(threads);
        const sums = new Float32Array(cols);
        kernels().columnSum(x, sums, { rows, cols });
        const gw = new Float32Array(777 * 129);
        kernels().embeddingBackward(idx, gy, gw, { n: 3001, num: 777, dim: 129, paddingIdx: 5, scaleGradByFreq: true });
        const run = [sums, gw];
        for (const p of norms) {
          const n = p.rows * p.d;
          const nAff = p.groups * (p.d / p.spatial);
          const xn = randomArray(n, 38);
          const mean = new Float64Array(p.rows);
          const rstd = new Float64Array(p.rows);
          const w = randomArray(nAff, 39, 0.5, 1.5);
          kernels().affineNormForward(xn, w, null, new Float32Array(n), mean, rstd, p);
          const out = [new Float32Array(n), new Float32Array(nAff), new Float32Array(nAff)];
          kernels().affineNormBackward(randomArray(n, 40), xn, w, mean, rstd, out[0]!, out[1]!, out[2]!, p);
          run.push(...out);
        }
        runs.push(run);
      }
      runs[0]!.forEach((a, i) => expectSameBits(runs[1]![i]!, a, `output ${i}, 2 threads vs 1`));
    });

    it('1 and 2 threads give the same results, close to ref', () => {
      const results: Float32Array[][] = [];
      const mm: MatmulParams = { m: 130, n: 150, k: 170, transA: true, transB: false, alpha: 1, beta: 0 };
      // Several k blocks and column blocks of the packed GEMM (compared between thread counts only).
      const big: MatmulParams = { m: 203, n: 900, k: 600, transA: false, transB: true, alpha: 0.5, beta: 1 };
      const bigA = randomArray(big.m * big.k, 11);
      const bigB = randomArray(big.k * big.n, 12);
      const bigC = randomArray(big.m * big.n, 13);
      const cp: Conv1dParams = { n: 9, cIn: 8, cOut: 12, l: 1300, k: 5, stride: 1, padding: 2, dilation: 2, groups: 2, lOut: 0, relu: true };
      cp.lOut = convOutLength(cp.l, cp.k, cp.stride, cp.padding, cp.dilation);
      const a = randomArray(mm.m * mm.k, 1);
      const b = randomArray(mm.k * mm.n, 2);
      const x = randomArray(cp.n * cp.cIn * cp.l, 3);
      const w = randomArray(cp.cOut * (cp.cIn / cp.groups) * cp.k, 4);
      const bias = randomArray(cp.cOut, 5);
      const gy = randomArray(cp.n * cp.cOut * cp.lOut, 6);
      const sgdLen = 300_000;
      const grad = randomArray(sgdLen, 7);
      for (const threads of [1, 2]) {
        setNativeThreads(threads);
        expect(nativeInfo().threads).toBe(threads);
        const c = new Float32Array(mm.m * mm.n);
        kernels().matmul(a, b, c, mm);
        const y = new Float32Array(gy.length);
        kernels().conv1dForward(x, w, bias, y, cp);
        const gx = new Float32Array(x.length);
        kernels().conv1dBackwardInput(gy, w, gx, null, cp);
        const gw = new Float32Array(w.length);
        const gb = new Float32Array(cp.cOut);
        kernels().conv1dBackwardWeight(x, gy, gw, gb, cp);
        const param = randomArray(sgdLen, 8);
        const buf = randomArray(sgdLen, 9);
        kernels().sgdStep(param, grad, buf, SGD);
        const c2 = bigC.slice();
        kernels().matmul(bigA, bigB, c2, big);
        results.push([c, y, gx, gw, gb, param, buf, c2]);
      }
      const [one, two] = results as [Float32Array[], Float32Array[]];
      one.forEach((r, i) => expectSameBits(two[i], r, `result ${i}, 2 threads vs 1`));
      // And against ref.
      const c = new Float32Array(mm.m * mm.n);
      refBackend.matmul(a, b, c, mm);
      expectNear(one[0]!, c, mm.k, 'matmul');
      const y = new Float32Array(gy.length);
      refBackend.conv1dForward(x, w, bias, y, cp);
      expectNear(one[1]!, y, w.length / cp.cOut, 'conv1dForward');
      const gx = new Float32Array(x.length);
      refBackend.conv1dBackwardInput(gy, w, gx, null, cp);
      expectNear(one[2]!, gx, cp.cOut * cp.k, 'conv1dBackwardInput');
      const gw = new Float32Array(w.length);
      const gb = new Float32Array(cp.cOut);
      refBackend.conv1dBackwardWeight(x, gy, gw, gb, cp);
      expectNear(one[3]!, gw, cp.n * cp.lOut, 'conv1dBackwardWeight gw');
      expectNear(one[4]!, gb, cp.n * cp.lOut, 'conv1dBackwardWeight gb');
      const param = randomArray(sgdLen, 8);
      const buf = randomArray(sgdLen, 9);
      refBackend.sgdStep(param, grad, buf, SGD);
      expectSameBits(one[5], param, 'sgd param');
      expectSameBits(one[6], buf, 'sgd buf');
    });
  });

  describe('threads, new kernels', () => {
    const initial = addon ? nativeInfo().threads : 1;
    afterAll(() => setNativeThreads(initial));

    it('relu, maxPool1d and batchNorm: 1 and 2 threads give the same results, equal to / close to ref', () => {
      // Above every kernel's threading threshold: 32 x 32 rows of 700.
      const pool: Pool1dParams = { n: 32, c: 32, l: 700, k: 3, stride: 1, padding: 1, dilation: 1, lOut: 700 };
      const bn: BatchNormParams = { n: 32, c: 32, inner: 700, training: true, eps: 1e-5, relu: true };
      const len = 32 * 32 * 700;
      const x = randomArray(len, 91);
      const g = randomArray(len, 92);
      const w = randomArray(32, 93);
      const b = randomArray(32, 94);
      const run = () => {
        const y = new Float32Array(len);
        kernels().reluForward(x, y);
        const gx = new Float32Array(len);
        kernels().reluBackward(y, g, gx);
        const py = new Float32Array(len);
        const idx = new Uint8Array(len);
        kernels().maxPool1dForward(x, py, idx, pool);
        const pgx = new Float32Array(len);
        kernels().maxPool1dBackward(g, idx, pgx, pool);
        const mean = new Float64Array(32);
        const invstd = new Float64Array(32);
        const by = new Float32Array(len);
        kernels().batchNormForward(x, w, b, mean, invstd, by, bn);
        const bgx = new Float32Array(len);
        const bgw = new Float32Array(32);
        const bgb = new Float32Array(32);
        kernels().batchNormBackward(g, x, w, mean, invstd, bgx, bgw, bgb, bn);
        return [y, gx, py, pgx, by, bgx, bgw, bgb, new Float32Array(mean), new Float32Array(invstd)];
      };
      setNativeThreads(1);
      const one = run();
      setNativeThreads(2);
      const two = run();
      one.forEach((r, i) => expectSameBits(two[i], r, `result ${i}, 2 threads vs 1`));
      const y = new Float32Array(len);
      refBackend.reluForward(x, y);
      expectSameBits(one[0], y, 'reluForward');
      const gx = new Float32Array(len);
      refBackend.reluBackward(y, g, gx);
      expectSameBits(one[1], gx, 'reluBackward');
      const py = new Float32Array(len);
      const idx = new Uint8Array(len);
      refBackend.maxPool1dForward(x, py, idx, pool);
      expectSameBits(one[2], py, 'maxPool1dForward');
      const pgx = new Float32Array(len);
      refBackend.maxPool1dBackward(g, idx, pgx, pool);
      expectSameBits(one[3], pgx, 'maxPool1dBackward');
      const mean = new Float64Array(32);
      const invstd = new Float64Array(32);
      const by = new Float32Array(len);
      refBackend.batchNormForward(x, w, b, mean, invstd, by, bn);
      expectClose(one[4]!, by, 1e-5, 1e-5, 'batchNormForward');
      const bgx = new Float32Array(len);
      const bgw = new Float32Array(32);
      const bgb = new Float32Array(32);
      refBackend.batchNormBackward(g, x, w, mean, invstd, bgx, bgw, bgb, bn);
      expectClose(one[5]!, bgx, 1e-4, 1e-5, 'batchNormBackward gx');
      expectClose(one[6]!, bgw, 1e-4, 1e-3, 'batchNormBackward gw');
      expectClose(one[7]!, bgb, 1e-4, 1e-3, 'batchNormBackward gb');
    });
  });

  it('the baseline ISA build agrees with ref on relu, maxPool1d and batchNorm', () => {
    const pool: Pool1dParams = { n: 2, c: 3, l: 41, k: 4, stride: 3, padding: 2, dilation: 2, lOut: 0 };
    pool.lOut = convOutLength(pool.l, pool.k, pool.stride, pool.padding, pool.dilation);
    const bn: BatchNormParams = { n: 3, c: 5, inner: 19, training: true, eps: 1e-5, relu: true };
    const x = randomArray(2 * 3 * 41, 95);
    const gp = randomArray(2 * 3 * pool.lOut, 96);
    const xb = randomArray(3 * 5 * 19, 97);
    const gb = randomArray(3 * 5 * 19, 98);
    const script = `
      const addon = require(process.argv[1]);
      const { pool, bn, x, gp, xb, gb } = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
      const f = (v) => Float32Array.from(v);
      const k = addon.kernels;
      const y = new Float32Array(x.length);
      k.reluForward(f(x), y);
      const gx = new Float32Array(x.length);
      k.reluBackward(y, f(x).reverse(), gx);
      const py = new Float32Array(gp.length), idx = new Int32Array(gp.length);
      k.maxPool1dForward(f(x), py, idx, pool);
      const pgx = new Float32Array(x.length);
      k.maxPool1dBackward(f(gp), idx, pgx, pool);
      const mean = new Float64Array(bn.c), invstd = new Float64Array(bn.c), by = new Float32Array(xb.length);
      k.batchNormForward(f(xb), null, null, mean, invstd, by, bn);
      const bgx = new Float32Array(xb.length), bgw = new Float32Array(bn.c);
      k.batchNormBackward(f(gb), f(xb), null, mean, invstd, bgx, bgw, null, bn);
      const out = { isa: addon.info().isa };
      for (const [n, v] of Object.entries({ y, gx, py, idx, pgx, mean, invstd, by, bgx, bgw })) out[n] = Array.from(v);
      process.stdout.write(JSON.stringify(out));
    `;
    const plain = { pool, bn, x: Array.from(x), gp: Array.from(gp), xb: Array.from(xb), gb: Array.from(gb) };
    const stdout = execFileSync(process.execPath, ['-e', script, ADDON_FILE], {
      input: JSON.stringify(plain),
      env: { ...process.env, NODETORCH_NATIVE_ISA: 'baseline' },
      encoding: 'utf8',
    });
    const got = JSON.parse(stdout) as Record<string, number[]> & { isa: string };
    expect(got.isa).toBe('baseline');
    const f = (v: number[] | undefined) => Float32Array.from(v ?? []);
    const y = new Float32Array(x.length);
    refBackend.reluForward(x, y);
    expectSameBits(f(got.y), y, 'reluForward');
    const gx = new Float32Array(x.length);
    refBackend.reluBackward(y, x.slice().reverse(), gx);
    expectSameBits(f(got.gx), gx, 'reluBackward');
    const py = new Float32Array(gp.length);
    const idx = new Int32Array(gp.length);
    refBackend.maxPool1dForward(x, py, idx, pool);
    expectSameBits(f(got.py), py, 'maxPool1dForward');
    expect(got.idx).toEqual(Array.from(idx));
    const pgx = new Float32Array(x.length);
    refBackend.maxPool1dBackward(gp, idx, pgx, pool);
    expectSameBits(f(got.pgx), pgx, 'maxPool1dBackward');
    const mean = new Float64Array(bn.c);
    const invstd = new Float64Array(bn.c);
    const by = new Float32Array(xb.length);
    refBackend.batchNormForward(xb, null, null, mean, invstd, by, bn);
    expectClose(Float64Array.from(got.mean ?? []), mean, 1e-9, 1e-12, 'mean');
    expectClose(Float64Array.from(got.invstd ?? []), invstd, 1e-9, 1e-12, 'invstd');
    expectClose(f(got.by), by, 1e-5, 1e-6, 'batchNormForward');
    const bgx = new Float32Array(xb.length);
    const bgw = new Float32Array(bn.c);
    refBackend.batchNormBackward(gb, xb, null, mean, invstd, bgx, bgw, null, bn);
    expectClose(f(got.bgx), bgx, 1e-5, 1e-6, 'batchNormBackward gx');
    expectClose(f(got.bgw), bgw, 1e-5, 1e-6, 'batchNormBackward gw');
  });

  it('loads and computes inside worker_threads, concurrently with the main thread', async () => {
    const mm: MatmulParams = { m: 96, n: 80, k: 120, transA: false, transB: true, alpha: 1, beta: 0 };
    const a = randomArray(mm.m * mm.k, 21);
    const b = randomArray(mm.k * mm.n, 22);
    const want = new Float32Array(mm.m * mm.n);
    refBackend.matmul(a, b, want, mm);
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const addon = require(workerData.file);
      const { a, b, p, reps } = workerData;
      const c = new Float32Array(p.m * p.n);
      for (let i = 0; i < reps; i++) addon.kernels.matmul(a, b, c, p);
      let error = '';
      try { addon.kernels.matmul(a, b, a, p); } catch (e) { error = e.name + ': ' + e.message; }
      parentPort.postMessage({ info: addon.info(), c, error });
    `;
    const run = () =>
      new Promise<{ info: { isa: string; threads: number }; c: Float32Array; error: string }>((resolve, reject) => {
        const worker = new Worker(code, { eval: true, workerData: { file: ADDON_FILE, a, b, p: mm, reps: 50 } });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    const pending = [run(), run()];
    const c = new Float32Array(mm.m * mm.n);
    for (let i = 0; i < 50; i++) kernels().matmul(a, b, c, mm); // the pool is shared: contention must be safe
    const results = await Promise.all(pending);
    expectNear(c, want, mm.k, 'main thread');
    for (const r of results) {
      expect(r.info.isa).toBe(nativeInfo().isa);
      expectNear(r.c, want, mm.k, 'worker');
      expect(r.error).toMatch(/^RangeError: matmul: /);
    }
  });

  it('the baseline ISA build (forced by NODETORCH_NATIVE_ISA) agrees with ref', () => {
    const mm: MatmulParams = { m: 37, n: 29, k: 53, transA: true, transB: true, alpha: 0.5, beta: 0 };
    const cp: Conv1dParams = { n: 3, cIn: 6, cOut: 9, l: 40, k: 4, stride: 3, padding: 2, dilation: 2, groups: 3, lOut: 0, relu: true };
    cp.lOut = convOutLength(cp.l, cp.k, cp.stride, cp.padding, cp.dilation);
    const sgdP: SgdParams = { ...SGD, nesterov: true, dampening: 0, maximize: true };
    const inputs = {
      a: randomArray(mm.m * mm.k, 31), b: randomArray(mm.k * mm.n, 32),
      x: randomArray(cp.n * cp.cIn * cp.l, 33), w: randomArray(cp.cOut * (cp.cIn / cp.groups) * cp.k, 34),
      gy: randomArray(cp.n * cp.cOut * cp.lOut, 35), param: randomArray(100, 36), grad: randomArray(100, 37),
      buf: randomArray(100, 38),
    };
    const script = `
      const addon = require(process.argv[1]);
      const { mm, cp, sgdP, inputs } = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
      const f = (v) => Float32Array.from(v);
      const k = addon.kernels;
      const c = new Float32Array(mm.m * mm.n).fill(NaN);
      k.matmul(f(inputs.a), f(inputs.b), c, mm);
      const y = new Float32Array(inputs.gy.length);
      k.conv1dForward(f(inputs.x), f(inputs.w), null, y, cp);
      const gx = new Float32Array(inputs.x.length);
      k.conv1dBackwardInput(f(inputs.gy), f(inputs.w), gx, null, cp);
      const gw = new Float32Array(inputs.w.length), gb = new Float32Array(cp.cOut);
      k.conv1dBackwardWeight(f(inputs.x), f(inputs.gy), gw, gb, cp);
      const param = f(inputs.param), buf = f(inputs.buf);
      k.sgdStep(param, f(inputs.grad), buf, sgdP);
      const out = { isa: addon.info().isa };
      for (const [n, v] of Object.entries({ c, y, gx, gw, gb, param, buf })) out[n] = Array.from(v);
      process.stdout.write(JSON.stringify(out));
    `;
    const plain = Object.fromEntries(Object.entries(inputs).map(([n, v]) => [n, Array.from(v)]));
    const stdout = execFileSync(process.execPath, ['-e', script, ADDON_FILE], {
      input: JSON.stringify({ mm, cp, sgdP, inputs: plain }),
      env: { ...process.env, NODETORCH_NATIVE_ISA: 'baseline' },
      encoding: 'utf8',
    });
    const got = JSON.parse(stdout) as Record<string, number[]> & { isa: string };
    expect(got.isa).toBe('baseline');
    const f = (v: number[] | undefined) => Float32Array.from(v ?? []);
    const c = new Float32Array(mm.m * mm.n);
    refBackend.matmul(inputs.a, inputs.b, c, mm);
    expectNear(f(got.c), c, mm.k, 'matmul');
    const y = new Float32Array(inputs.gy.length);
    refBackend.conv1dForward(inputs.x, inputs.w, null, y, cp);
    expectNear(f(got.y), y, inputs.w.length / cp.cOut, 'conv1dForward');
    const gx = new Float32Array(inputs.x.length);
    refBackend.conv1dBackwardInput(inputs.gy, inputs.w, gx, null, cp);
    expectNear(f(got.gx), gx, cp.cOut * cp.k, 'conv1dBackwardInput');
    const gw = new Float32Array(inputs.w.length);
    const gb = new Float32Array(cp.cOut);
    refBackend.conv1dBackwardWeight(inputs.x, inputs.gy, gw, gb, cp);
    expectNear(f(got.gw), gw, cp.n * cp.lOut, 'gw');
    expectNear(f(got.gb), gb, cp.n * cp.lOut, 'gb');
    const param = inputs.param.slice();
    const buf = inputs.buf.slice();
    refBackend.sgdStep(param, inputs.grad, buf, sgdP);
    expect(f(got.param)).toEqual(param);
    expect(f(got.buf)).toEqual(buf);
  });
});

/** The raw addon module, to check its export table. */
function createRequireAddon(): NativeAddon & Record<string, unknown> {
  return addon as NativeAddon & Record<string, unknown>;
}
