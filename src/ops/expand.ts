/** expand / broadcastTo / expandAs: broadcast a tensor to a larger shape, materialised as a copy. */
import { Tensor, storageFor, shapeSize, shapeStr, type Shape } from '../tensor.js';
import { record } from '../autograd/record.js';
import { broadcastIndex, sumToShape } from './broadcast.js';
import { tensorArg } from './args.js';
import { describeValue } from '../util/describe.js';
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
  const n = shapeSize(shape);
  checkAllocation(op, n, bytesPerElement(x.dtype));
  const out = storageFor(x.dtype, n);
  const xd = x.data;
  const idx = broadcastIndex(x.shape, shape);
  if (idx === null) out.set(xd);
  else if (xd.length === 1) out.fill(xd[0]);
  else for (let i = 0; i < n; i++) out[i] = xd[idx[i]];
  return record(new Tensor(out, shape, x.dtype), 'ExpandBackward0', [x], (g) => [sumToShape(g, x.shape)]);
}

/**
 * x broadcast to `size`: new dims may be prepended; existing dims of size 1 may grow; -1 keeps a
 * dim's size. Unlike PyTorch, which returns a stride-0 view, this materialises a copy; the gradient is
 * summed back over the broadcast dims.
 *
 * Shape: x (*S) -> size, where S broadcasts to size.
 * @example expand(tensor([[1], [2]], { dtype: 'float32' }), 2, 3) // tensor([[1., 1., 1.], [2., 2., 2.]])
 */
export function expand(x: Tensor, ...size: number[] | [Shape]): Tensor {
  const s = Array.isArray(size[0]) ? (size[0] as Shape) : (size as number[]);
  return expandTo('expand', x, s);
}

/**
 * x broadcast to `shape` (torch.broadcast_to), as a materialised copy like `expand`.
 *
 * Shape: x (*S) -> shape.
 * @example broadcastTo(tensor([1, 2], { dtype: 'float32' }), [3, 2]).shape // [3, 2]
 */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  return expandTo('broadcastTo', x, shape);
}

/** x expanded to other's shape (torch.Tensor.expand_as), as a materialised copy. */
export function expandAs(x: Tensor, other: Tensor): Tensor {
  tensorArg('expandAs', 'other', other);
  return expandTo('expandAs', x, other.shape);
}
