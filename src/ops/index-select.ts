/** indexSelect: pick entries along a dim with a 1-D int64 index (torch.index_select). */
import { Tensor, storageFor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { dimArg, splitAt, tensorArg } from './args.js';
import { gradBuffer, gradBufferZeroed } from '../util/grad-pool.js';

/**
 * The entries of x at positions `index` along `dim`, in that order (repeats allowed). `index` is a
 * 1-D (or 0-d) int64 tensor of values in [0, size) — negative values are rejected, as in PyTorch.
 * A copy; repeated positions get their gradients summed.
 *
 * Shape: x (..., n, ...), index (k) -> (..., k, ...).
 * @example indexSelect(tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' }), 1, tensor([2, 0], { dtype: 'int64' }))
 *   // tensor([[3., 1.], [6., 4.]])
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  tensorArg('indexSelect', 'input', x);
  tensorArg('indexSelect', 'index', index);
  const d = dimArg('indexSelect', 'dim', dim, x.ndim);
  if (index.dtype !== 'int64') throw new TypeError(`indexSelect: expected index of dtype int64, got ${index.dtype}`);
  if (index.ndim > 1) throw new RangeError(`indexSelect: index is supposed to be a vector, got index of shape ${shapeStr(index.shape)}`);
  const { outer, size, inner } = splitAt(x.shape, d);
  const idx = index.data;
  const k = idx.length;
  if (x.ndim === 0 && k !== 1) throw new RangeError(`indexSelect: index of a 0-d input must have 1 element, got ${k}`);
  for (let j = 0; j < k; j++) {
    if (idx[j] < 0 || idx[j] >= size) {
      throw new RangeError(`indexSelect: index ${idx[j]} is out of range for dimension ${dim} of input with size ${size}`);
    }
  }
  const out = storageFor(x.dtype, outer * k * inner);
  const xd = x.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const src = (o * size + idx[j]) * inner;
      out.set(xd.subarray(src, src + inner), (o * k + j) * inner);
    }
  }
  const outShape = x.ndim === 0 ? [] : x.shape.map((s, i) => (i === d ? k : s));
  return record(new Tensor(out, outShape, x.dtype), 'IndexSelectBackward0', [x], (g) => {
    const gd = g.data as Float32Array;
    // The first gradient slice to reach a position is stored (plus 0), later ones (repeated positions) added
    // in index order: the same floats, signed zeros included, as adding each into zeros. When the index hits
    // every position once (a permutation: the packed-sequence sorts), every element is stored and nothing
    // needs zeroing first.
    const first = new Uint8Array(size);
    let hits = 0;
    for (let j = 0; j < k; j++) if (first[idx[j]] === 0) (first[idx[j]] = 1), hits++;
    const gx = hits === size ? gradBuffer(x.numel()) : gradBufferZeroed(x.numel());
    for (let o = 0; o < outer; o++) {
      first.fill(0);
      for (let j = 0; j < k; j++) {
        const dst = (o * size + idx[j]) * inner;
        const src = (o * k + j) * inner;
        if (first[idx[j]] === 0) {
          first[idx[j]] = 1;
          for (let i = 0; i < inner; i++) gx[dst + i] = gd[src + i] + 0; // + 0: a -0 becomes +0, as 0 + -0
        } else {
          for (let i = 0; i < inner; i++) gx[dst + i] += gd[src + i];
        }
      }
    }
    return [new Tensor(gx, x.shape)];
  });
}
