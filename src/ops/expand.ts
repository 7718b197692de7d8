/**
 * expand / broadcastTo / expandAs: broadcast a tensor to a larger shape, as a view whose broadcast dims
 * have stride 0 (every position along them is the same element).
 */
import { Tensor, shapeStr, type Shape } from '../tensor.js';
import { tensorArg } from './args.js';
import { describeValue } from '../util/describe.js';
import { viewOf } from './as-view.js';
import { checkAllocation, bytesPerElement } from '../util/limits.js';

function expandTo(op: string, x: Tensor, sizes: Shape): Tensor {
  tensorArg(op, 'input', x);
  if (!Array.isArray(sizes)) throw new TypeError(`${op}: expected size to be an array of integers`);
  const nd = sizes.length;
  if (nd < x.ndim) {
    throw new RangeError(`${op}: the number of sizes provided (${nd}) must be greater or equal to the number of dimensions in the input ${shapeStr(x.shape)} (${x.ndim})`);
  }
  const off = nd - x.ndim;
  const shape = sizes.map((s, i) => {
    if (typeof s !== 'number' || !Number.isInteger(s)) throw new TypeError(`${op}: expected size to hold integers, got ${describeValue(s)} at position ${i}`);
    if (i < off) {
      if (s < 0) throw new RangeError(`${op}: the expanded size (${s}) isn't allowed in a leading, non-existing dimension ${i} of size ${shapeStr(sizes)}`);
      return s;
    }
    const have = x.shape[i - off];
    if (s === -1) return have;
    if (s < 0) throw new RangeError(`${op}: invalid size ${s} at dimension ${i} of size ${shapeStr(sizes)}`);
    if (have !== 1 && have !== s) {
      throw new RangeError(`${op}: the expanded size of the tensor (${s}) must match the existing size (${have}) at non-singleton dimension ${i}; target size ${shapeStr(sizes)}, input ${shapeStr(x.shape)}`);
    }
    return s;
  });
  // The view costs nothing, but every op that reads it materialises it: refuse what could never be read.
  checkAllocation(op, shape.reduce((a, b) => a * b, 1), bytesPerElement(x.dtype));
  return viewOf('ExpandBackward0', x, (l) => ({
    shape,
    strides: shape.map((s, i) => (i < off || (l.shape[i - off] === 1 && s !== 1) ? 0 : l.strides[i - off])),
    offset: l.offset,
  }));
}

/**
 * x broadcast to `size`: new dims may be prepended; existing dims of size 1 may grow; -1 keeps a
 * dim's size. A view (stride 0 along the broadcast dims, as PyTorch): nothing is copied until an op
 * reads it; the gradient is summed back over the broadcast dims. Writing into it in place is refused,
 * as in PyTorch (several positions share one element): clone() it first.
 *
 * Shape: x (*S) -> size, where S broadcasts to size.
 * @example expand(tensor([[1], [2]], { dtype: 'float32' }), 2, 3) // tensor([[1., 1., 1.], [2., 2., 2.]])
 */
export function expand(x: Tensor, ...size: number[] | [Shape]): Tensor {
  const s = Array.isArray(size[0]) ? (size[0] as Shape) : (size as number[]);
  return expandTo('expand', x, s);
}

/**
 * x broadcast to `shape` (torch.broadcast_to), as a view like `expand`.
 *
 * Shape: x (*S) -> shape.
 * @example broadcastTo(tensor([1, 2], { dtype: 'float32' }), [3, 2]).shape // [3, 2]
 */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  return expandTo('broadcastTo', x, shape);
}

/** x expanded to other's shape (torch.Tensor.expand_as), as a view like `expand`. */
export function expandAs(x: Tensor, other: Tensor): Tensor {
  tensorArg('expandAs', 'other', other);
  return expandTo('expandAs', x, other.shape);
}
