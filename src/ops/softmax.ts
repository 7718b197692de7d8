/** softmax along one dim, numerically stable (the max is subtracted first), like torch.softmax. */
import { Tensor, normalizeDim } from '../tensor.js';
import { record } from '../autograd/record.js';
import { describeValue } from '../util/describe.js';
import { splitAt, tensorArg } from './args.js';
import { getBackend } from '../backend/select.js';
import { activationBuffer, gradBuffer } from '../util/grad-pool.js';

/** (outer, size, inner) view of x around `dim`: element (o, k, j) is at (o * size + k) * inner + j. */
export interface DimLayout {
  dim: number;
  outer: number;
  size: number;
  inner: number;
}

/** Validate a softmax-style (float32 tensor, integer dim) call and split x around dim. */
export function dimLayout(op: string, x: Tensor, dim: number): DimLayout {
  tensorArg(op, 'input', x);
  if (x.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 tensor, got ${x.dtype}`);
  if (typeof dim !== 'number') throw new TypeError(`${op}: expected dim to be an integer, got ${describeValue(dim)}`);
  const d = normalizeDim(op, dim, x.ndim);
  return { dim: d, ...splitAt(x.shape, d) };
}

/** max over k < size of xd[base + k * inner]; NaN if any is NaN (the max softmax subtracts). */
export function maxAlong(xd: ArrayLike<number>, base: number, size: number, inner: number): number {
  let m = -Infinity;
  for (let k = 0, p = base; k < size; k++, p += inner) {
    const v = xd[p];
    if (v > m || v !== v) m = v;
  }
  return m;
}

/**
 * softmax(x)_i = exp(x_i - max) / sum_j exp(x_j - max) along `dim`.
 *
 * Shape: any; the output has the input's shape. A row holding NaN gives NaN; a row of all -inf gives NaN
 * (as in PyTorch).
 * @example softmax(tensor([[1, 2, 3]], { dtype: 'float32' }), 1) // tensor([[0.0900, 0.2447, 0.6652]])
 */
export function softmax(x: Tensor, dim: number): Tensor {
  const { outer, size, inner } = dimLayout('softmax', x, dim);
  if (inner === 1) return lastDimSoftmax(x, null, 1, dim, outer, size);
  return strideSoftmax(x, dim, outer, size, inner);
}

/**
 * @internal softmax over the last dim of float32 `scores` plus an additive float32 mask taking no
 * gradient, in one kernel call: row r of scores adds mask row r % maskRows (an attention mask (L, S) over
 * scores (..., L, S) has maskRows = L). The same values as `softmax(add(scores, mask), -1)`; the caller
 * (attention) checked the shapes. Records as a softmax of scores: the mask add has no gradient to carry.
 */
export function maskedSoftmax(scores: Tensor, mask: Float32Array, maskRows: number): Tensor {
  const size = scores.shape[scores.ndim - 1]!;
  return lastDimSoftmax(scores, mask, maskRows, -1, size === 0 ? 0 : scores.data.length / size, size);
}

/** softmax over contiguous rows of `size` (dim, as the caller gave it, is the last) on the backend's kernels. */
function lastDimSoftmax(x: Tensor, mask: Float32Array | null, maskRows: number, dim: number, rows: number, size: number): Tensor {
  const p = { rows, d: size, maskRows };
  const y = activationBuffer(rows * size);
  getBackend().softmaxForward(x.data as Float32Array, mask, y, p);
  return record(new Tensor(y, x.shape), 'SoftmaxBackward0', [x], (g, owned) => {
    const gx = owned ? (g.data as Float32Array) : gradBuffer(y.length);
    getBackend().softmaxBackward(y, g.data as Float32Array, gx, p);
    return [new Tensor(gx, x.shape)];
  }, { dim }, { ownsOutput: true, savesNothing: true, savesOutput: true });
}

/** softmax along a dim (as the caller gave it) that is not the last: strided loops in float64 (the kernels take contiguous rows). */
function strideSoftmax(x: Tensor, dim: number, outer: number, size: number, inner: number): Tensor {
  const xd = x.data as Float32Array;
  const y = new Float32Array(xd.length);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * size * inner + j;
      const m = maxAlong(xd, base, size, inner);
      let s = 0;
      for (let k = 0, p = base; k < size; k++, p += inner) {
        const e = Math.exp(xd[p] - m);
        y[p] = e;
        s += e;
      }
      const inv = 1 / s;
      for (let k = 0, p = base; k < size; k++, p += inner) y[p] *= inv;
    }
  }
  return record(new Tensor(y, x.shape), 'SoftmaxBackward0', [x], (g) => {
    // gx = y * (g - sum(g * y))
    const gd = g.data;
    const gx = new Float32Array(y.length);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * size * inner + j;
        let dot = 0;
        for (let k = 0, p = base; k < size; k++, p += inner) dot += gd[p] * y[p];
        for (let k = 0, p = base; k < size; k++, p += inner) gx[p] = y[p] * (gd[p] - dot);
      }
    }
    return [new Tensor(gx, x.shape)];
  }, { dim }, { savesNothing: true, savesOutput: true });
}
