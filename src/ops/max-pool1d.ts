/** maxPool1d over the last dim of (N, C, L) or (C, L) input, like torch.nn.functional.max_pool1d. */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { checkPoolWindow, poolInput, single } from './pool1d.js';

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
  const xb = new Int32Array(xd.buffer, xd.byteOffset, xd.length);
  const y = new Float32Array(rows * lOut);
  const yb = new Int32Array(y.buffer);
  // The argmax of each window as its offset j in the window (position o * stride - padding + j * dilation):
  // one byte per output for the usual kernel sizes.
  const arg: Uint8Array | Int32Array = k <= 256 ? new Uint8Array(rows * lOut) : new Int32Array(rows * lOut);
  // Windows lying fully inside the input run a branch-free loop (a data-dependent branch mispredicts on
  // real activations): floats compare through order-preserving int keys, NaN mapped to the top key so it
  // always wins, ties keep the first maximum. Windows touching the padding take the plain loop.
  const oLo = Math.min(lOut, Math.ceil(padding / stride));
  const oHi = Math.max(oLo, Math.min(lOut, Math.floor((l - 1 - (k - 1) * dilation + padding) / stride) + 1));
  for (let r = 0; r < rows; r++) {
    const xo = r * l;
    const yo = r * lOut;
    for (let o = 0; o < lOut; o++) {
      if (o === oLo) {
        for (; o < oHi; o++) {
          const s0 = xo + o * stride - padding;
          let mb = xb[s0];
          let km = floatKey(mb);
          let j = 0;
          for (let t = 1, q = s0 + dilation; t < k; t++, q += dilation) {
            const b = xb[q];
            const kv = floatKey(b);
            const mask = -(+(kv > km) | +(kv === NAN_KEY));
            km = (kv & mask) | (km & ~mask);
            mb = (b & mask) | (mb & ~mask);
            j = (t & mask) | (j & ~mask);
          }
          yb[yo + o] = mb;
          arg[yo + o] = j;
        }
        if (o >= lOut) break;
      }
      // A border window: skip the padded positions; start from -inf at the first real element.
      const p0 = o * stride - padding;
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
      y[yo + o] = m;
      arg[yo + o] = best;
    }
  }
  const out = record(new Tensor(y, outShape(lOut)), 'MaxPool2DWithIndicesBackward0', [x], (g) => {
    const gd = g.data;
    const gx = new Float32Array(rows * l);
    for (let r = 0; r < rows; r++) {
      const xo = r * l;
      const yo = r * lOut;
      for (let o = 0; o < lOut; o++) {
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

/** Key of float bits whose int order is the float order (-0 = +0); every NaN maps to NAN_KEY, the top. */
const NAN_KEY = 0x7fffffff;

function floatKey(b: number): number {
  const neg = b >> 31;
  const nan = (0x7f800000 - (b & 0x7fffffff)) >> 31;
  return ((((b ^ (neg & 0x7fffffff)) - neg) & ~nan) | (NAN_KEY & nan)) | 0;
}
