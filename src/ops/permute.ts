/** permute: reorder dims (torch.permute), as a view. permuteData is the copying form for internal use. */
import { Tensor, storageFor, shapeStr, type Shape } from '../tensor.js';
import { dimArg, stridesOf, tensorArg } from './args.js';
import { permuteLayout, viewOf } from './as-view.js';

/** out[j...] = x[...] with out dim i being x dim perm[i]; perm already validated. No history. */
export function permuteData(x: Tensor, perm: readonly number[]): Tensor {
  const nd = x.ndim;
  const outShape = perm.map((p) => x.shape[p]);
  const n = x.numel();
  const out = storageFor(x.dtype, n);
  const xd = x.data;
  const inStrides = stridesOf(x.shape);
  // stride in x of each out dim, walked with an odometer over the output
  const st = perm.map((p) => inStrides[p]);
  const counter = new Array<number>(nd).fill(0);
  if (nd === 0 || n === 0) {
    out.set(xd);
    return new Tensor(out, outShape, x.dtype);
  }
  const last = nd - 1;
  const lastSize = outShape[last];
  const lastStride = st[last];
  let src = 0;
  let f = 0;
  while (f < n) {
    for (let k = 0, s = src; k < lastSize; k++, s += lastStride) out[f++] = xd[s];
    // advance dims last-1 .. 0
    let d = last - 1;
    for (; d >= 0; d--) {
      counter[d]++;
      src += st[d];
      if (counter[d] < outShape[d]) break;
      src -= st[d] * counter[d];
      counter[d] = 0;
    }
    if (d < 0) break;
  }
  return new Tensor(out, outShape, x.dtype);
}

/** The inverse permutation. */
export function invertPerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/** Validate a permutation argument of `op` for a tensor with `ndim` dims, resolving negative dims. */
export function permArg(op: string, dims: Shape, ndim: number): number[] {
  if (!Array.isArray(dims)) throw new TypeError(`${op}: expected dims to be an array of integers`);
  if (dims.length !== ndim) {
    throw new RangeError(`${op}: number of dims don't match in permute: input has ${ndim} dims, dims ${shapeStr(dims)} has ${dims.length}`);
  }
  const perm = dims.map((d) => dimArg(op, 'dims', d, ndim));
  const seen = new Set<number>();
  for (const p of perm) {
    if (seen.has(p)) throw new RangeError(`${op}: repeated dim ${p} in dims ${shapeStr(dims)}`);
    seen.add(p);
  }
  return perm;
}

/**
 * x with its dims reordered: out dim i is x dim dims[i] (negative dims count from the end), as a view
 * sharing x's storage.
 *
 * Shape: out.shape[i] = x.shape[dims[i]].
 * @example permute(zeros([2, 3, 4]), [2, 0, 1]).shape // [4, 2, 3]
 */
export function permute(x: Tensor, dims: Shape): Tensor {
  tensorArg('permute', 'input', x);
  const perm = permArg('permute', dims, x.ndim);
  return viewOf('PermuteBackward0', x, permuteLayout(perm), { perm });
}
