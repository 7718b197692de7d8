/** split: cut a tensor into pieces along a dim (torch.split). Each piece is a view. */
import { Tensor, shapeStr } from '../tensor.js';
import { dimArg, intArg, tensorArg } from './args.js';
import { sliceAlong } from './narrow.js';
import { describeValue } from '../util/describe.js';

/** Pieces of the given sizes along d (validated). */
export function splitWithSizes(x: Tensor, sizes: readonly number[], d: number): Tensor[] {
  const out: Tensor[] = [];
  let start = 0;
  for (const s of sizes) {
    out.push(sliceAlong('SplitBackward0', x, d, start, s));
    start += s;
  }
  return out;
}

/**
 * Split x along `dim` (default 0, negative counts from the end) into pieces of `splitSize` elements
 * (the last may be smaller), or into pieces of the sizes listed in `splitSize`, which must add up to the
 * dim's size. Pieces are views of x's storage; each one's gradient flows back into its slice of x.
 *
 * Shape: x (..., n, ...) -> pieces (..., s_i, ...).
 * @example split(arange(5), 2).map((p) => p.toArray()) // [[0, 1], [2, 3], [4]]
 * @example split(arange(5), [1, 4]).map((p) => p.shape) // [[1], [4]]
 */
export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  tensorArg('split', 'input', x);
  if (x.ndim === 0) throw new RangeError('split: expected a tensor with at least 1 dimension (input is 0-d)');
  const d = dimArg('split', 'dim', dim, x.ndim);
  const size = x.shape[d];
  if (Array.isArray(splitSize)) {
    splitSize.forEach((s, i) => intArg('split', `splitSize[${i}]`, s, 0));
    const total = splitSize.reduce((a, b) => a + b, 0);
    if (total !== size) {
      throw new RangeError(`split: expected splitSize to sum exactly to ${size} (input's size at dimension ${dim}, shape ${shapeStr(x.shape)}), but got splitSize=[${splitSize.join(', ')}]`);
    }
    return splitWithSizes(x, splitSize, d);
  }
  if (typeof splitSize !== 'number') throw new TypeError(`split: expected splitSize to be an integer or an array of integers, got ${describeValue(splitSize)}`);
  intArg('split', 'splitSize', splitSize, 0);
  if (splitSize === 0 && size !== 0) throw new RangeError(`split: splitSize can only be 0 if dimension size is 0, but got dimension size ${size}`);
  const pieces = splitSize === 0 ? 1 : Math.max(1, Math.ceil(size / splitSize));
  const sizes = Array.from({ length: pieces }, (_, i) => Math.min(splitSize, size - i * splitSize));
  return splitWithSizes(x, sizes, d);
}
