/** oneHot: class indices to one-hot rows (torch.nn.functional.one_hot). */
import { Tensor } from '../tensor.js';
import { intArg, tensorArg } from './args.js';
import { checkAllocation, bytesPerElement } from '../util/limits.js';

/**
 * One-hot encoding of int64 class labels: out[..., c] = 1 where labels[...] == c, else 0, as int64.
 * numClasses = -1 (the default) uses max(labels) + 1. Labels must lie in [0, numClasses).
 *
 * Shape: labels (*) -> (*, numClasses).
 * @example oneHot(tensor([0, 2], { dtype: 'int64' }), 3) // tensor([[1, 0, 0], [0, 0, 1]])
 */
export function oneHot(labels: Tensor, numClasses = -1): Tensor {
  tensorArg('oneHot', 'labels', labels);
  if (labels.dtype !== 'int64') throw new TypeError(`oneHot: is only applicable to index tensors: expected labels of dtype int64, got ${labels.dtype}`);
  intArg('oneHot', 'numClasses', numClasses, -1);
  const ld = labels.data;
  const n = ld.length;
  let c = numClasses;
  if (c === -1) {
    if (n === 0) throw new RangeError('oneHot: can not infer numClasses from empty labels; pass numClasses');
    let m = -Infinity;
    for (let i = 0; i < n; i++) if (ld[i] > m) m = ld[i];
    c = m + 1;
  }
  for (let i = 0; i < n; i++) {
    if (ld[i] < 0) throw new RangeError(`oneHot: class values in labels must be non-negative, got ${ld[i]}`);
    if (ld[i] >= c) throw new RangeError(`oneHot: class values in labels must be smaller than numClasses (${c}), got ${ld[i]}`);
  }
  checkAllocation('oneHot', n * c, 8);
  const out = new Float64Array(n * c);
  for (let i = 0; i < n; i++) out[i * c + ld[i]] = 1;
  return new Tensor(out, [...labels.shape, c], 'int64');
}
