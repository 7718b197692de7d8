/** maxPool1d over the last dim of (N, C, L) or (C, L) input, like torch.nn.functional.max_pool1d. */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { checkPoolWindow, poolInput, single } from './pool1d.js';
import { gradBufferZeroed } from '../util/grad-pool.js';

export interface MaxPool1dOptions {
  /** Window step; default (or null) = kernelSize. */
  stride?: number | readonly number[] | null;
  /** Implicit -inf padding on both sides, at most kernelSize / 2. Default 0. */
  padding?: number | readonly number[];
  /** Spacing between window elements. Default 1. */
  dilation?: number | readonly number[];
  /** Use ceil instead of floor for the output length (the last window must start inside the input or left padding). */
  ceilMode?: boolean;
  /** Also return the argmax positions (int64, indices into the unpadded L). */
  returnIndices?: boolean;
}

/**
 * Max over sliding windows. Ties pick the first maximum; a NaN in the window wins (and propagates), as
 * in PyTorch. The gradient flows to each window's argmax.
 *
 * Shape: input (N, C, L) or (C, L) -> (N, C, L_out) or (C, L_out), with
 * L_out = floor((L + 2 * padding - dilation * (kernelSize - 1) - 1) / stride) + 1 (ceil in ceilMode).
 * @example maxPool1d(x, 3, { stride: 2, padding: 1 })
 */
export function maxPool1d(x: Tensor, kernelSize: number | readonly number[], opts: MaxPool1dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: number | readonly number[], opts?: MaxPool1dOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(x: Tensor, kernelSize: number | readonly number[], opts?: MaxPool1dOptions): Tensor | [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: number | readonly number[], opts: MaxPool1dOptions = {}): Tensor | [Tensor, Tensor] {
  const op = 'maxPool1d';
  const { rows, l, outShape } = poolInput(op, x);
  const k = single(op, 'kernelSize', kernelSize, 1);
  const stride = opts.stride === undefined || opts.stride === null ? k : single(op, 'stride', opts.stride, 1);
  const padding = single(op, 'padding', opts.padding ?? 0, 0);
  const dilation = single(op, 'dilation', opts.dilation ?? 1, 1);
  const ceilMode = opts.ceilMode ?? false;
  const lOut = checkPoolWindow(op, x, l, k, stride, padding, dilation, ceilMode);

  const xd = x.data as Float32Array;
  const y = new Float32Array(rows * lOut);
  // The argmax of each window as its offset j in the window (position o * stride - padding + j * dilation):
  // one byte per output for the usual kernel sizes.
  const arg: Uint8Array | Int32Array = k <= 256 ? new Uint8Array(rows * lOut) : new Int32Array(rows * lOut);
  // Outputs [oLo, oHi) have windows lying fully inside the input: they run a branch-free loop (a
  // data-dependent branch mispredicts on real activations); windows touching the padding take the plain loop.
  const oLo = Math.min(lOut, Math.ceil(padding / stride));
  const oHi = Math.max(oLo, Math.min(lOut, Math.floor((l - 1 - (k - 1) * dilation + padding) / stride) + 1));
  for (let r = 0; r < rows; r++) {
    const xo = r * l;
    const yo = r * lOut;
    for (let o = 0; o < oLo; o++) borderWindow(xd, y, arg, xo, yo + o, o * stride - padding, l, k, dilation);
    const s0 = xo + oLo * stride - padding;
    if (k === 3 && dilation === 1 && arg instanceof Uint8Array) interiorK3(xd, y, arg, s0, yo + oLo, yo + oHi, stride);
    else interior(xd, y, arg, s0, yo + oLo, yo + oHi, stride, k, dilation);
    for (let o = oHi; o < lOut; o++) borderWindow(xd, y, arg, xo, yo + o, o * stride - padding, l, k, dilation);
  }
  const out = record(new Tensor(y, outShape(lOut)), 'MaxPool2DWithIndicesBackward0', [x], (g) => {
    const gd = g.data as Float32Array;
    const gx = gradBufferZeroed(rows * l);
    for (let r = 0; r < rows; r++) {
      const xo = r * l;
      const yo = r * lOut;
      for (let o = 0; o < oLo; o++) {
        const p = o * stride - padding + arg[yo + o] * dilation;
        if (p < l) gx[xo + p] += gd[yo + o];
      }
      scatterInterior(gd, gx, arg, xo + oLo * stride - padding, yo + oLo, yo + oHi, stride, dilation);
      for (let o = oHi; o < lOut; o++) {
        const p = o * stride - padding + arg[yo + o] * dilation;
        if (p < l) gx[xo + p] += gd[yo + o];
      }
    }
    return [new Tensor(gx, x.shape)];
  });
  if (!opts.returnIndices) return out;
  const indices = new Float64Array(rows * lOut);
  for (let i = 0; i < indices.length; i++) indices[i] = (i % lOut) * stride - padding + arg[i] * dilation;
  return [out, new Tensor(indices, outShape(lOut), 'int64')];
}

/*
 * The window loops. Ties keep the first maximum and a NaN wins (the last NaN of a window, as PyTorch's
 * `val > max || isnan(val)`); -0 and +0 tie. Comparisons become 0/1 integers and the argmax is selected with
 * masks, so the loops have no data-dependent branch; the value is re-read at the argmax.
 */

/**
 * Outputs [i, e) whose windows start at s, s + stride, ... and lie inside the input; k = 3, dilation 1.
 * For window (a, b, c): p = argmax(a, b) is 1 if b > a or b is NaN; c wins if it is NaN or exceeds both a
 * and b (the same as exceeding max(a, b), which is NaN, and so never exceeded, when a or b is), which
 * keeps every comparison independent of the others. Two windows per iteration (V8 runs that markedly
 * faster).
 */
function interiorK3(xd: Float32Array, y: Float32Array, arg: Uint8Array, s: number, i: number, e: number, stride: number): void {
  for (; i + 1 < e; i += 2, s += 2 * stride) {
    const t = s + stride;
    const a0 = xd[s];
    const b0 = xd[s + 1];
    const c0 = xd[s + 2];
    const a1 = xd[t];
    const b1 = xd[t + 1];
    const c1 = xd[t + 2];
    const p0 = +(b0 > a0) | +(b0 !== b0);
    const p1 = +(b1 > a1) | +(b1 !== b1);
    const q0 = (+(c0 > a0) & +(c0 > b0)) | +(c0 !== c0);
    const q1 = (+(c1 > a1) & +(c1 > b1)) | +(c1 !== c1);
    const j0 = p0 ^ ((p0 ^ 2) & -q0);
    const j1 = p1 ^ ((p1 ^ 2) & -q1);
    y[i] = xd[s + j0];
    y[i + 1] = xd[t + j1];
    arg[i] = j0;
    arg[i + 1] = j1;
  }
  if (i < e) {
    const a = xd[s];
    const b = xd[s + 1];
    const c = xd[s + 2];
    const p = +(b > a) | +(b !== b);
    const q = (+(c > a) & +(c > b)) | +(c !== c);
    const j = p ^ ((p ^ 2) & -q);
    y[i] = xd[s + j];
    arg[i] = j;
  }
}

/** Outputs [i, e) whose windows start at s, s + stride, ... and lie inside the input; any k and dilation. */
function interior(
  xd: Float32Array, y: Float32Array, arg: Uint8Array | Int32Array, s: number, i: number, e: number, stride: number, k: number, dilation: number,
): void {
  for (; i < e; i++, s += stride) {
    let m = xd[s];
    let j = 0;
    for (let t = 1, q = s + dilation; t < k; t++, q += dilation) {
      const v = xd[q];
      const mask = -(+(v > m) | +(v !== v));
      j = (t & mask) | (j & ~mask);
      m = xd[s + j * dilation];
    }
    y[i] = m;
    arg[i] = j;
  }
}

/** Output i of the row at xo, a window starting at p0 (relative to the row) that touches the padding. */
function borderWindow(
  xd: Float32Array, y: Float32Array, arg: Uint8Array | Int32Array, xo: number, i: number, p0: number, l: number, k: number, dilation: number,
): void {
  // Skip the padded positions; start from -inf at the first real element.
  let p = p0;
  let j = 0;
  while (p < 0) {
    p += dilation;
    j++;
  }
  let best = j;
  let m = -Infinity;
  for (; j < k && p < l; j++, p += dilation) {
    const v = xd[xo + p];
    if (v > m || v !== v) {
      m = v;
      best = j;
    }
  }
  y[i] = m;
  arg[i] = best;
}

/** gx[s + arg * dilation] += g for the interior outputs [i, e) (windows at s, s + stride, ...). */
function scatterInterior(
  gd: Float32Array, gx: Float32Array, arg: Uint8Array | Int32Array, s: number, i: number, e: number, stride: number, dilation: number,
): void {
  if (dilation === 1) {
    for (; i + 1 < e; i += 2, s += 2 * stride) {
      gx[s + arg[i]] += gd[i];
      gx[s + stride + arg[i + 1]] += gd[i + 1];
    }
    if (i < e) gx[s + arg[i]] += gd[i];
  } else {
    for (; i < e; i++, s += stride) gx[s + arg[i] * dilation] += gd[i];
  }
}
