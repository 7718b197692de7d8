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
import { getBackend } from '../backend/select.js';

/**
 * The copy between projection rows and heads, with N, H, len, hd as its shapes (`rowsFirst`: the rows are
 * the source). With batchFirst on native it is one copyBlocks call per (batch entry, head): len blocks of hd
 * floats, row stride E on the rows side, contiguous on the heads side (memcpy per block, where the strided
 * gather walked the 32-float head rows element by element). Otherwise, and on the wasm and ref backends
 * (whose copyBlocks makes a subarray view per block, dearer than the gather's loop for rows this short), the
 * gather of the permuted view: `dims` read row-major with the dims reordered by `perm`.
 */
function copyHeads(src: Float32Array, out: Float32Array, dims: readonly number[], perm: readonly number[], layout: HeadLayout, rowsFirst: boolean): void {
  const be = getBackend();
  if (be.name !== 'native' || !layout.batchFirst) {
    const strides = contiguousStrides(dims);
    gatherStrided(src, perm.map((p) => dims[p]!), perm.map((p) => strides[p]!), 0, out);
    return;
  }
  const { n, heads, len, hd } = layout;
  const e = heads * hd;
  const rows = rowsFirst ? src : out;
  const hs = rowsFirst ? out : src;
  if (rows.length === 0) return;
  for (let b = 0; b < n; b++) {
    const rowPart = rows.subarray(b * len * e, (b + 1) * len * e);
    for (let h = 0; h < heads; h++) {
      const headPart = hs.subarray((b * heads + h) * len * hd, (b * heads + h + 1) * len * hd);
      if (rowsFirst) be.copyBlocks(rowPart, headPart, { outer: len, blk: hd, srcStride: e, srcOffset: h * hd, dstStride: hd, dstOffset: 0 });
      else be.copyBlocks(headPart, rowPart, { outer: len, blk: hd, srcStride: hd, srcOffset: 0, dstStride: e, dstOffset: h * hd });
    }
  }
}

/** The sizes of a head split or merge: N batch entries, H heads of hd features, len positions. */
interface HeadLayout {
  n: number;
  heads: number;
  len: number;
  hd: number;
  batchFirst: boolean;
}

/**
 * x's elements, read as the row-major 4-D shape `dims`, with the dims reordered by `perm` (out dim i is
 * dim perm[i]), as a tensor of shape `outShape`. The gradient is the inverse reordering (one copy).
 * `toHeads`: x is the projection rows and the result the heads (a split), else the reverse (a merge).
 */
function permutedCopy(x: Tensor, dims: readonly number[], perm: readonly number[], outShape: readonly number[], layout: HeadLayout, toHeads: boolean): Tensor {
  const out = activationBuffer(x.numel());
  copyHeads(x.data as Float32Array, out, dims, perm, layout, toHeads);
  return record(new Tensor(out, outShape), 'PermuteBackward0', [x], (g) => {
    const gDims = perm.map((p) => dims[p]!);
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => { inv[p] = i; });
    const gx = gradBuffer(x.numel());
    copyHeads(g.data as Float32Array, gx, gDims, inv, layout, !toHeads);
    return [new Tensor(gx, x.shape)];
  }, { perm }, { ownsOutput: true, savesNothing: true });
}

/** Float32 projection rows (N, len, E) with batchFirst, else (len, N, E), as heads (N * H, len, E / H). */
export function splitHeads(x: Tensor, heads: number, batchFirst: boolean): Tensor {
  const [a, b, e] = x.shape as [number, number, number];
  const [n, len] = batchFirst ? [a, b] : [b, a];
  const hd = e / heads;
  // (N, len, H, hd) -> (N, H, len, hd); (len, N, H, hd) -> (N, H, len, hd)
  return permutedCopy(x, [a, b, heads, hd], batchFirst ? [0, 2, 1, 3] : [1, 2, 0, 3], [n * heads, len, hd], { n, heads, len, hd, batchFirst }, true);
}

/** Float32 heads (N * H, len, hd) as rows (N * len, H * hd) in (N, len) order with batchFirst, else (len * N, H * hd) in (len, N) order. */
export function mergeHeads(x: Tensor, n: number, batchFirst: boolean): Tensor {
  const [nh, len, hd] = x.shape as [number, number, number];
  const heads = nh / n;
  // (N, H, len, hd) -> (N, len, H, hd) or (len, N, H, hd)
  return permutedCopy(x, [n, heads, len, hd], batchFirst ? [0, 2, 1, 3] : [2, 0, 1, 3], [n * len, heads * hd], { n, heads, len, hd, batchFirst }, false);
}
