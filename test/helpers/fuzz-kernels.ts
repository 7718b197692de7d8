/**
 * Kernel-level fuzz shared by test/hardening/properties.test.ts and its native child process
 * (test/hardening/kernel-hostile-child.ts): valid random params for every manifest kernel, the arrays
 * their manifest lengths call for, and hostile variants (fields and arrays of the wrong type, value or
 * length) for the native addon, which validates what it receives (native/checks.h).
 */
import { KERNELS, KERNEL_NAMES, kernelSpec, paramFields, type KernelName } from '../../src/backend/manifest.js';
import { convOutLength } from '../../src/backend/backend.js';
import { emptyPoolWindow, poolOutLength } from '../../src/ops/pool1d.js';
import { refBackend } from '../../src/backend/ref/index.js';
import { Rng } from './fuzz-ops.js';

type Params = Record<string, number | boolean>;
type AnyArray = Float32Array | Float64Array | Uint8Array | Int32Array;

/** Valid params of each params struct, small enough to run thousands of calls. */
const PARAM_DRAWS: Record<string, (r: Rng, kernel: KernelName) => Params> = {
  Matmul: (r) => ({ m: r.int(0, 9), n: r.int(0, 9), k: r.int(0, 9), transA: r.bool(), transB: r.bool(), alpha: r.pick([1, 0.5, -2]), beta: r.pick([0, 1]) }),
  Conv1d: (r, kernel) => {
    const groups = r.int(1, 2);
    const k = r.int(1, 4);
    const stride = r.pick([1, 1, 2, 3, 7]);
    const dilation = r.int(1, 3);
    const l = r.int(1, 20);
    let padding = r.int(0, 3);
    while (convOutLength(l, k, stride, padding, dilation) < 1) padding++;
    return {
      n: r.int(0, 2), cIn: groups * r.int(1, 3), cOut: groups * r.int(1, 3), l, k, stride, padding, dilation, groups,
      lOut: convOutLength(l, k, stride, padding, dilation), relu: kernel === 'conv1dForward' && r.bool(),
    };
  },
  Sgd: (r) => {
    const momentum = r.pick([0, 0.9]);
    const nesterov = momentum > 0 && r.bool();
    return { lr: 0.1, momentum, dampening: nesterov ? 0 : r.pick([0, 0.5]), weightDecay: r.pick([0, 0.01]), nesterov, maximize: r.bool(), firstStep: r.bool() };
  },
  Pool1d: (r) => {
    const k = r.int(1, 4);
    const stride = r.int(1, 3);
    const padding = r.int(0, Math.floor(k / 2));
    const dilation = 1;
    const l = r.int(Math.max(k - 2 * padding, 1), 20);
    return { n: r.int(1, 2), c: r.int(1, 3), l, k, stride, padding, dilation, lOut: poolOutLength(l, k, stride, padding, dilation, false) };
  },
  Pool2d: (r) => {
    const dim = () => {
      const k = r.int(1, 3);
      const stride = r.int(1, 3);
      const padding = r.int(0, Math.floor(k / 2));
      const dilation = r.int(1, 2);
      let l = r.int(Math.max(dilation * (k - 1) + 1 - 2 * padding, 1), 12);
      const ceil = r.bool();
      // Every window must cover an input element (a dilated one may step over a short input): grow l.
      while (emptyPoolWindow(l, k, stride, padding, dilation, poolOutLength(l, k, stride, padding, dilation, ceil)) >= 0) l++;
      return { l, k, stride, padding, dilation, out: poolOutLength(l, k, stride, padding, dilation, ceil) };
    };
    const h = dim();
    const w = dim();
    return {
      n: r.int(0, 2), c: r.int(1, 3), inH: h.l, inW: w.l, kH: h.k, kW: w.k, strideH: h.stride, strideW: w.stride,
      padH: h.padding, padW: w.padding, dilationH: h.dilation, dilationW: w.dilation, outH: h.out, outW: w.out,
    };
  },
  BatchNorm: (r) => ({ n: r.int(1, 4), c: r.int(1, 4), inner: r.int(1, 5), training: r.bool(), eps: 1e-5, relu: r.bool() }),
  Conv2d: (r, kernel) => {
    const groups = r.int(1, 2);
    const dim = () => {
      const k = r.int(1, 3);
      const stride = r.pick([1, 1, 2, 3]);
      const dilation = r.int(1, 2);
      const l = r.int(1, 8);
      let padding = r.int(0, 2);
      while (convOutLength(l, k, stride, padding, dilation) < 1) padding++;
      return { l, k, stride, padding, dilation, out: convOutLength(l, k, stride, padding, dilation) };
    };
    const h = dim();
    const w = dim();
    return {
      n: r.int(0, 2), cIn: groups * r.int(1, 3), cOut: groups * r.int(1, 3), inH: h.l, inW: w.l, kH: h.k, kW: w.k,
      strideH: h.stride, strideW: w.stride, padH: h.padding, padW: w.padding, dilationH: h.dilation, dilationW: w.dilation,
      groups, outH: h.out, outW: w.out, relu: kernel === 'conv2dForward' && r.bool(),
    };
  },
  Bmm: (r) => {
    const batch = r.int(0, 3);
    return {
      batch, aBatch: r.bool() ? batch : 1, bBatch: r.bool() ? batch : 1, m: r.int(0, 6), n: r.int(0, 6), k: r.int(0, 6),
      transA: r.bool(), transB: r.bool(), alpha: r.pick([1, 0.5, -2]), beta: r.pick([0, 1]),
    };
  },
  // Each operand in one of attention's layouts (batch-first rows, sequence-first rows, contiguous heads)
  // with 0-2 unused floats after each row and 0-2 after the last: every address in bounds, C's distinct.
  BmmHeads: (r) => {
    const outer = r.int(0, 2);
    const heads = r.int(0, 3);
    const m = r.int(0, 6);
    const n = r.int(0, 6);
    const k = r.int(0, 6);
    const transA = r.bool();
    const transB = r.bool();
    const at = (rows: number, cols: number) => {
      const pad = r.int(0, 2);
      const tail = r.int(0, 2);
      const w = heads * cols + pad;
      const layout = r.int(0, 2);
      if (layout === 0) return { len: outer * rows * w + tail, outer: rows * w, head: cols, ld: w };
      if (layout === 1) return { len: rows * outer * w + tail, outer: w, head: cols, ld: outer * w };
      return { len: outer * heads * rows * (cols + pad) + tail, outer: heads * rows * (cols + pad), head: rows * (cols + pad), ld: cols + pad };
    };
    const a = transA ? at(k, m) : at(m, k);
    const b = transB ? at(n, k) : at(k, n);
    const c = at(m, n);
    return {
      outer, heads, m, n, k, transA, transB, alpha: r.pick([1, 0.5, -2]), beta: r.pick([0, 1]),
      aLen: a.len, aOuter: a.outer, aHead: a.head, aLd: a.ld, bLen: b.len, bOuter: b.outer, bHead: b.head, bLd: b.ld,
      cLen: c.len, cOuter: c.outer, cHead: c.head, cLd: c.ld,
    };
  },
  AffineNorm: (r) => {
    // Layer norm (groups = spatial = 1) or group norm (rows = N * groups, d = channels per group * spatial).
    if (r.bool()) return { rows: r.int(1, 5), d: r.int(1, 9), groups: 1, spatial: 1, eps: 1e-5 };
    const groups = r.int(1, 3);
    const spatial = r.int(1, 3);
    return { rows: groups * r.int(1, 2), d: spatial * r.int(1, 2), groups, spatial, eps: 1e-5 };
  },
  AdaptivePool1d: (r) => ({ rows: r.int(0, 5), l: r.int(1, 20), lOut: r.int(1, 9) }),
  BlockCopy: (r) => {
    const blk = r.int(0, 9);
    const srcOffset = r.int(0, 3);
    const dstOffset = r.int(0, 3);
    return { outer: r.int(0, 4), blk, srcStride: blk + srcOffset + r.int(0, 3), srcOffset, dstStride: blk + dstOffset + r.int(0, 3), dstOffset };
  },
  // Rows and row lengths from empty through past a 16-float vector; mask rows 1 (also the no-mask value) or more.
  Softmax: (r) => ({ rows: r.int(0, 5), d: r.int(0, 19), maskRows: r.int(1, 3) }),
  // Hidden sizes from empty through past a 16-float vector; g must be 4 * hs.
  LstmCell: (r) => {
    const hs = r.int(0, 19);
    return { rows: r.int(0, 4), hs, g: 4 * hs };
  },
  Adam: (r) => {
    const [beta1, beta2, step] = [r.pick([0, 0.9]), r.pick([0.5, 0.999]), r.int(1, 5)];
    return {
      lr: r.pick([0, 1e-3, 0.1]), beta1, beta2, eps: r.pick([0, 1e-8]), weightDecay: r.pick([0, 0.01]),
      biasCorrection1: 1 - beta1 ** step, biasCorrection2: 1 - beta2 ** step, amsgrad: r.bool(), maximize: r.bool(), decoupled: r.bool(),
    };
  },
  ColumnSum: (r) => ({ rows: r.int(0, 9), cols: r.int(0, 41) }),
  EmbeddingBackward: (r) => {
    const num = r.int(1, 12);
    return { n: r.int(0, 20), num, dim: r.int(0, 37), paddingIdx: r.int(0, num), scaleGradByFreq: r.bool() };
  },
};

/** Evaluate a manifest length: a product of params fields (`n*cIn*l`, `cOut*(cIn/groups)*k`). */
function evalLen(expr: string, p: Params): number {
  return expr.split('*').reduce((acc, term) => {
    const t = term.replace(/[()]/g, '');
    const v = t.includes('/') ? Number(p[t.split('/')[0]]) / Number(p[t.split('/')[1]]) : Number(p[t]);
    return acc * v;
  }, 1);
}

/** One valid call: params and arrays (null where a nullable array is left out). */
export interface KernelCall {
  kernel: KernelName;
  params: Params | null;
  arrays: Array<AnyArray | null>;
}

/** A valid call of `kernel` drawn with r. */
export function drawKernelCall(kernel: KernelName, r: Rng): KernelCall {
  const spec = kernelSpec(kernel);
  const params = spec.params ? PARAM_DRAWS[spec.params](r, kernel) : null;
  const anyLen = r.int(0, 40);
  const lengths: Record<string, number> = {};
  const arrays: Array<AnyArray | null> = [];
  for (const a of spec.args) {
    const len = a.len === 'any' ? anyLen : a.len.startsWith('=') ? lengths[a.len.slice(1)] : evalLen(a.len, params!);
    lengths[a.name] = len;
    // SGD's momentum buffer is null exactly when momentum is 0, Adam's maxExpAvgSq exactly without amsgrad;
    // other nullable arrays are left out at random.
    const used = 'usedWhen' in a ? a.usedWhen : undefined;
    const omit = used === 'sgdUsesBuf' ? params!.momentum === 0 : used === 'adamUsesMax' ? !params!.amsgrad : r.next() < 0.3;
    if ('nullable' in a && a.nullable && omit) {
      arrays.push(null);
      continue;
    }
    if (a.type === 'idx') {
      arrays.push(new Uint8Array(len)); // filled from a ref forward below
    } else {
      const arr = a.type === 'f64' ? new Float64Array(len) : new Float32Array(len);
      // Positive f64 (batch-norm mean/invstd inputs are statistics), signed f32.
      // Adam's second moments are running averages of squares: never negative, as the optimizer keeps them.
      const nonNegative = a.name === 'expAvgSq' || a.name === 'maxExpAvgSq';
      for (let i = 0; i < len; i++) arr[i] = a.type === 'f64' ? 0.2 + r.next() : a.role === 'out' ? 0 : nonNegative ? r.next() * 2 : r.next() * 4 - 2;
      arrays.push(arr);
    }
  }
  if (kernel === 'maxPool1dBackward') {
    // The argmax of a real forward: an index into the padding would not come from maxPool1dForward.
    const p = params as never as Parameters<typeof refBackend.maxPool1dForward>[3];
    const x = new Float32Array(evalLen('n*c*l', params!)).map(() => r.next());
    refBackend.maxPool1dForward(x, new Float32Array(evalLen('n*c*lOut', params!)), arrays[1] as Uint8Array, p);
  }
  if (kernel === 'maxPool2dBackward') {
    // Indices from a real forward (into the int32 array when the plane exceeds a byte's range).
    const p = params as never as Parameters<typeof refBackend.maxPool2dForward>[3];
    if (p.inH * p.inW > 256) arrays[1] = new Int32Array(arrays[1]!.length);
    const x = new Float32Array(evalLen('n*c*inH*inW', params!)).map(() => r.next());
    refBackend.maxPool2dForward(x, new Float32Array(evalLen('n*c*outH*outW', params!)), arrays[1] as Int32Array, p);
  }
  if (kernel === 'maxPool2dForward') {
    const p = params as never as Parameters<typeof refBackend.maxPool2dForward>[3];
    if (p.inH * p.inW > 256) arrays[2] = new Int32Array(arrays[2]!.length);
  }
  return { kernel, params, arrays };
}

/** A deep copy of a call's arrays (the backend and ref each get their own). */
export function cloneCall(c: KernelCall): KernelCall {
  return { ...c, params: c.params && { ...c.params }, arrays: c.arrays.map((a) => (a ? (a.slice() as AnyArray) : null)) };
}

/** Invoke a backend's kernel with a call's arrays and params. */
export function invoke(backend: object, c: KernelCall): void {
  const fn = (backend as Record<string, (...args: unknown[]) => void>)[c.kernel];
  fn.call(backend, ...c.arrays, ...(c.params ? [c.params] : []));
}

/** Indices of the arrays a kernel writes. */
export function writtenArrays(kernel: KernelName): number[] {
  return kernelSpec(kernel).args.flatMap((a, i) => (a.role === 'in' ? [] : [i]));
}

/** The manifest's kernel names (the property test must cover each). */
export const ALL_KERNELS: readonly KernelName[] = KERNEL_NAMES;
export { KERNELS, paramFields };

/** Hostile replacements for a params field or an array argument of a native kernel call. */
export const HOSTILE_FIELDS: unknown[] = [undefined, null, NaN, Infinity, -1, 1.5, 2 ** 31, 2 ** 53, -(2 ** 31), '3', 3n, true, {}, Symbol('s')];
export function hostileArray(r: Rng, len: number): unknown {
  const detached = new Float32Array(4);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  return r.pick<unknown>([
    null, undefined, new Float32Array(Math.max(len - 1, 0)), new Float32Array(len + 1), new Float64Array(len), new Uint8Array(len),
    new Int32Array(len), Array.from({ length: len }, () => 0), detached, 5, 'x', {}, new Float32Array(0),
  ]);
}
