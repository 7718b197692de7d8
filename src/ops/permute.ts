/** permute: reorder dims (torch.permute), as a view. */
import { Tensor, shapeStr, type Shape } from '../tensor.js';
import { dimArg, tensorArg } from './args.js';
import { permutedView } from './as-view.js';

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
  return permutedView('PermuteBackward0', x, perm, { perm });
}
