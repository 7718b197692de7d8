/** max: the largest element, or the largest along a dim with its index (torch.max). */
import { Tensor, storageFor, shapeStr, type Storage } from '../tensor.js';
import { record } from '../autograd/record.js';
import { boolArg, dimArg, splitAt, tensorArg } from './args.js';

/** The result of a reduction along a dim that also selects an element (torch.return_types.max). */
export interface ValuesIndices {
  /** The selected values (float32 input: differentiable). */
  values: Tensor;
  /** Their positions along the reduced dim, int64. */
  indices: Tensor;
}

/**
 * Index of the extreme of `size` values starting at `base` with step `inner`: the first largest
 * (isMax) or smallest; a NaN wins over every number and the first NaN is taken (PyTorch propagates NaN).
 */
export function extremeIndex(xd: Storage, base: number, size: number, inner: number, isMax: boolean): number {
  let best = xd[base];
  let bi = 0;
  if (best !== best) return 0;
  for (let k = 1; k < size; k++) {
    const v = xd[base + k * inner];
    if (v !== v) return k;
    if (isMax ? v > best : v < best) {
      best = v;
      bi = k;
    }
  }
  return bi;
}

/** Full reduction to a 0-d tensor; the gradient is shared evenly among all elements equal to the result. */
export function extremeAll(op: 'max' | 'min', x: Tensor): Tensor {
  const n = x.numel();
  if (n === 0) {
    throw new RangeError(`${op}: expected reduction dim to be specified for input.numel() == 0 (input of shape ${shapeStr(x.shape)}); specify the reduction dim with the 'dim' argument`);
  }
  const xd = x.data;
  const value = xd[extremeIndex(xd, 0, n, 1, op === 'max')];
  const out = storageFor(x.dtype, 1);
  out[0] = value;
  const result = new Tensor(out, [], x.dtype);
  return record(result, op === 'max' ? 'MaxBackward1' : 'MinBackward1', [x], (g) => {
    const isNan = value !== value;
    let count = 0;
    for (let i = 0; i < n; i++) if (isNan ? xd[i] !== xd[i] : xd[i] === value) count++;
    const share = Math.fround(g.data[0] / count);
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) if (isNan ? xd[i] !== xd[i] : xd[i] === value) gx[i] = share;
    return [new Tensor(gx, x.shape)];
  });
}

/** Reduction along one dim giving values and int64 indices; the gradient goes to the selected index. */
export function extremeDim(op: 'max' | 'min', x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const d = dimArg(op, 'dim', dim, x.ndim);
  boolArg(op, 'keepdim', keepdim);
  const { outer, size, inner } = splitAt(x.shape, d);
  if (size === 0) {
    throw new RangeError(`${op}: expected reduction dim ${dim} to have non-zero size (input of shape ${shapeStr(x.shape)})`);
  }
  const outShape = x.ndim === 0 ? [] : keepdim ? x.shape.map((s, i) => (i === d ? 1 : s)) : x.shape.filter((_, i) => i !== d);
  const m = outer * inner;
  const vals = storageFor(x.dtype, m);
  const idx = new Float64Array(m);
  const xd = x.data;
  const isMax = op === 'max';
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * size * inner + j;
      const k = extremeIndex(xd, base, size, inner, isMax);
      vals[o * inner + j] = xd[base + k * inner];
      idx[o * inner + j] = k;
    }
  }
  const values = new Tensor(vals, outShape, x.dtype);
  record(values, isMax ? 'MaxBackward0' : 'MinBackward0', [x], (g) => {
    const gd = g.data;
    const gx = new Float32Array(x.numel());
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const r = o * inner + j;
        gx[o * size * inner + j + idx[r] * inner] = gd[r];
      }
    }
    return [new Tensor(gx, x.shape)];
  }, { dim: d, keepdim });
  return { values, indices: new Tensor(idx, outShape, 'int64') };
}

/**
 * max(x): the largest element as a 0-d tensor (NaN if any element is NaN). Its gradient is split
 * evenly among the elements equal to the maximum, as in PyTorch.
 *
 * max(x, dim, keepdim = false): `{ values, indices }` of the maximum along `dim` (negative counts from
 * the end); ties pick the first index. The gradient flows to the selected index.
 *
 * Shape: x (*) -> () for the full reduction; along dim d, (..., n_d, ...) -> (..., ...), or
 * (..., 1, ...) with keepdim.
 * @example max(tensor([1, 3, 2], { dtype: 'float32' })) // tensor(3.)
 * @example max(tensor([[1, 5], [4, 2]], { dtype: 'float32' }), 1).indices // tensor([1, 0])
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  tensorArg('max', 'input', x);
  return dim === undefined ? extremeAll('max', x) : extremeDim('max', x, dim, keepdim);
}
