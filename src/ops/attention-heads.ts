/**
 * @internal MultiheadAttention's head split and merge, each one copy on fresh pooled storage: the
 * projection rows (N, len, E) (batch first) or (len, N, E) as heads (N * H, len, hd) for the bmm kernel,
 * and the heads back as rows of E = H * hd features. The same values as the reshape / permute / contiguous
 * chains they replace (which an export still traces), without their intermediate view tensors, and with
 * output storage the op owns alone, so that the attention body can mark it graph-internal
 * (src/autograd/graph-internal.ts) and the engine recycles it after backward.
 */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { contiguousStrides, gatherStrided } from '../util/strided-copy.js';
import { activationBuffer, gradBuffer } from '../util/grad-pool.js';

/**
 * x's elements, read as the row-major 4-D shape `dims`, with the dims reordered by `perm` (out dim i is
 * dim perm[i]), as a tensor of shape `outShape`. The gradient is the inverse reordering (one gather).
 */
function permutedCopy(x: Tensor, dims: readonly number[], perm: readonly number[], outShape: readonly number[]): Tensor {
  const strides = contiguousStrides(dims);
  const out = activationBuffer(x.numel());
  gatherStrided(x.data, perm.map((p) => dims[p]!), perm.map((p) => strides[p]!), 0, out);
  return record(new Tensor(out, outShape), 'PermuteBackward0', [x], (g) => {
    const gDims = perm.map((p) => dims[p]!);
    const gStrides = contiguousStrides(gDims);
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => { inv[p] = i; });
    const gx = gradBuffer(x.numel());
    gatherStrided(g.data, dims, inv.map((i) => gStrides[i]!), 0, gx);
    return [new Tensor(gx, x.shape)];
  }, { perm }, { ownsOutput: true, savesNothing: true });
}

/** Float32 projection rows (N, len, E) with batchFirst, else (len, N, E), as heads (N * H, len, E / H). */
export function splitHeads(x: Tensor, heads: number, batchFirst: boolean): Tensor {
  const [a, b, e] = x.shape as [number, number, number];
  const [n, len] = batchFirst ? [a, b] : [b, a];
  const hd = e / heads;
  // (N, len, H, hd) -> (N, H, len, hd); (len, N, H, hd) -> (N, H, len, hd)
  return permutedCopy(x, [a, b, heads, hd], batchFirst ? [0, 2, 1, 3] : [1, 2, 0, 3], [n * heads, len, hd]);
}

/** Float32 heads (N * H, len, hd) as rows (N * len, H * hd) in (N, len) order with batchFirst, else (len * N, H * hd) in (len, N) order. */
export function mergeHeads(x: Tensor, n: number, batchFirst: boolean): Tensor {
  const [nh, len, hd] = x.shape as [number, number, number];
  const heads = nh / n;
  // (N, H, len, hd) -> (N, len, H, hd) or (len, N, H, hd)
  return permutedCopy(x, [n, heads, len, hd], batchFirst ? [0, 2, 1, 3] : [2, 0, 1, 3], [n * len, heads * hd]);
}
