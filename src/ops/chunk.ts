/** chunk: split into a number of nearly equal pieces (torch.chunk). Each piece is a view. */
import type { Tensor } from '../tensor.js';
import { dimArg, intArg, tensorArg } from './args.js';
import { splitWithSizes } from './split.js';

/**
 * Split x along `dim` (default 0) into at most `chunks` pieces of ceil(n / chunks) elements, the last
 * possibly smaller; like PyTorch, fewer than `chunks` pieces come back when n does not allow more.
 *
 * Shape: x (..., n, ...) -> pieces (..., ceil(n / chunks) or less, ...).
 * @example chunk(arange(5), 3).map((p) => p.toArray()) // [[0, 1], [2, 3], [4]]
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  tensorArg('chunk', 'input', x);
  if (x.ndim === 0) throw new RangeError('chunk: expected a tensor with at least 1 dimension (input is 0-d)');
  intArg('chunk', 'chunks', chunks);
  if (chunks <= 0) throw new RangeError(`chunk: expected chunks to be greater than 0, got ${chunks}`);
  const d = dimArg('chunk', 'dim', dim, x.ndim);
  const size = x.shape[d];
  const each = Math.ceil(size / chunks);
  if (each === 0) return splitWithSizes(x, new Array<number>(chunks).fill(0), d);
  const pieces = Math.ceil(size / each);
  return splitWithSizes(x, Array.from({ length: pieces }, (_, i) => Math.min(each, size - i * each)), d);
}
