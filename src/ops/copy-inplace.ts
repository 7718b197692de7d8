/** copy_: copy another tensor's elements into this one in place (torch.Tensor.copy_). */
import { Tensor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { tensorArg } from './args.js';
import { expand } from './expand.js';
import { toDtype } from './to-dtype.js';
import { sumToShape } from './broadcast.js';
import { inPlace } from './inplace.js';

/**
 * src's elements (broadcast to x's shape, converted to x's dtype) written into x in place, through to the
 * storage x's views share; returns x. The gradient flows to src (summed over broadcast dims), none to
 * x's old values. src may overlap x: it is read in full before anything is written.
 * @example const w = zeros([2, 3]); w.select(0, 1).copy_(tensor([1, 2, 3], { dtype: 'float32' }));
 */
export function copy_(x: Tensor, src: Tensor): Tensor {
  tensorArg('copy_', 'src', src);
  tensorArg('copy_', 'input', x);
  const off = x.ndim - src.ndim;
  if (off < 0 || src.shape.some((d, i) => d !== 1 && d !== x.shape[i + off])) {
    throw new RangeError(`copy_: the size of src ${shapeStr(src.shape)} must be broadcastable to the size of the tensor ${shapeStr(x.shape)}`);
  }
  return inPlace('copy_', 'copy_', x, [src], (self) => {
    const values = new Tensor(toDtype(expand(src, [...x.shape]), x.dtype).data.slice(), x.shape, x.dtype);
    return record(values, 'CopyBackwards', [self, src], (g) => [null, sumToShape(g, src.shape)], undefined, { savesNothing: true });
  });
}
