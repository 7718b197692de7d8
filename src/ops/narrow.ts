/** narrow: a contiguous slice along one dim (torch.narrow). Copies: tensors are always contiguous. */
import { Tensor, storageFor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { dimArg, intArg, splitAt, tensorArg } from './args.js';

/**
 * Copy of x[..., start:start+length, ...] along dim d (already validated), recorded as `name`: the
 * gradient is g written back into zeros of x's shape. Shared by narrow, select, split and chunk.
 */
export function sliceAlong(name: string, x: Tensor, d: number, start: number, length: number, outShape?: readonly number[]): Tensor {
  const { outer, size, inner } = splitAt(x.shape, d);
  const shape = x.shape.map((s, i) => (i === d ? length : s));
  const block = length * inner;
  const out = storageFor(x.dtype, outer * block);
  const xd = x.data;
  for (let o = 0; o < outer; o++) {
    const src = (o * size + start) * inner;
    out.set(xd.subarray(src, src + block), o * block);
  }
  const result = new Tensor(out, outShape ?? shape, x.dtype);
  return record(result, name, [x], (g) => {
    const gx = new Float32Array(x.numel());
    const gd = g.data;
    for (let o = 0; o < outer; o++) gx.set(gd.subarray(o * block, (o + 1) * block), (o * size + start) * inner);
    return [new Tensor(gx, x.shape)];
  }, { dim: d, start, length });
}

/**
 * Elements start .. start+length-1 of x along `dim` (negative dim counts from the end; a negative
 * start counts from the end of the dim). Unlike PyTorch this copies the data.
 *
 * Shape: x (..., n, ...) -> (..., length, ...).
 * @example narrow(tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' }), 1, 1, 2) // tensor([[2., 3.], [5., 6.]])
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  tensorArg('narrow', 'input', x);
  if (x.ndim === 0) throw new RangeError('narrow: cannot be applied to a 0-dim tensor (input)');
  const d = dimArg('narrow', 'dim', dim, x.ndim);
  const size = x.shape[d];
  intArg('narrow', 'start', start);
  intArg('narrow', 'length', length);
  if (start < -size || start > size) {
    throw new RangeError(`narrow: start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  }
  const s = start < 0 ? start + size : start;
  if (length < 0) throw new RangeError(`narrow: length must be non-negative, got ${length}`);
  if (s + length > size) {
    throw new RangeError(`narrow: start (${start}) + length (${length}) exceeds dimension size (${size}) of input ${shapeStr(x.shape)} at dim ${dim}`);
  }
  return sliceAlong('NarrowBackward0', x, d, s, length);
}
