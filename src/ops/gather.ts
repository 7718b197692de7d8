/** gather: pick one entry along a dim per index element (torch.gather). */
import { Tensor, storageFor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { dimArg, stridesOf, tensorArg } from './args.js';

/**
 * out[i][j][k] = x[index[i][j][k]][j][k] for dim 0 (likewise for other dims). `index` is int64 with
 * as many dims as x and index.size(d) <= x.size(d) for every d != dim; values must lie in
 * [0, x.size(dim)). The gradient is scattered back (summing repeats) — the backward of cross-entropy
 * style picking.
 *
 * Shape: out has the shape of index.
 * @example gather(tensor([[1, 2], [3, 4]], { dtype: 'float32' }), 1, tensor([[0, 0], [1, 0]], { dtype: 'int64' }))
 *   // tensor([[1., 1.], [4., 3.]])
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  tensorArg('gather', 'input', x);
  tensorArg('gather', 'index', index);
  const d = dimArg('gather', 'dim', dim, x.ndim);
  if (index.dtype !== 'int64') throw new TypeError(`gather: expected index of dtype int64, got ${index.dtype}`);
  if (index.ndim !== x.ndim && !(index.numel() === 0 && index.ndim === 1)) {
    throw new RangeError(`gather: index ${shapeStr(index.shape)} must have the same number of dimensions as input ${shapeStr(x.shape)}`);
  }
  const nd = index.ndim;
  if (nd === x.ndim) {
    for (let i = 0; i < nd; i++) {
      if (i !== d && index.shape[i] > x.shape[i]) {
        throw new RangeError(`gather: size does not match at dimension ${i}: expected index ${shapeStr(index.shape)} to be smaller than input ${shapeStr(x.shape)} apart from dimension ${d}`);
      }
    }
  }
  const size = x.ndim === 0 ? 1 : x.shape[d];
  const n = index.numel();
  const id = index.data;
  // source offset in x of every index element: odometer over index.shape with x's strides
  const src = new Int32Array(n);
  const xs = stridesOf(x.shape);
  const dimStride = x.ndim === 0 ? 0 : xs[d];
  const counter = new Array<number>(nd).fill(0);
  let base = 0;
  for (let f = 0; f < n; f++) {
    const v = id[f];
    if (v < 0 || v >= size) throw new RangeError(`gather: index ${v} is out of bounds for dimension ${dim} with size ${size}`);
    src[f] = base + v * dimStride;
    for (let k = nd - 1; k >= 0; k--) {
      counter[k]++;
      if (k !== d) base += xs[k];
      if (counter[k] < index.shape[k]) break;
      if (k !== d) base -= xs[k] * counter[k];
      counter[k] = 0;
    }
  }
  const out = storageFor(x.dtype, n);
  const xd = x.data;
  for (let f = 0; f < n; f++) out[f] = xd[src[f]];
  return record(new Tensor(out, index.shape, x.dtype), 'GatherBackward0', [x], (g) => {
    const gx = new Float32Array(x.numel());
    const gd = g.data;
    for (let f = 0; f < n; f++) gx[src[f]] += gd[f];
    return [new Tensor(gx, x.shape)];
  });
}
