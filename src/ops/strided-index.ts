/** Flat-index maps for walking a row-major shape with other strides (broadcasting, reductions). */
import { shapeSize, type Shape } from '../tensor.js';

/**
 * For each flat (row-major) index f of `shape`, the flat index sum_d i_d * strides[d], where
 * (i_0, ..., i_{n-1}) is f's multi-dim index. A stride of 0 sends every position along that dim to the
 * same place (a broadcast input dim, or a dim reduced over).
 *
 * Shape: `strides` has one entry per dim of `shape`; the result has shapeSize(shape) entries.
 */
export function stridedIndex(shape: Shape, strides: readonly number[]): Int32Array {
  const total = shapeSize(shape);
  const nd = shape.length;
  const idx = new Int32Array(total);
  const counter = new Array<number>(nd).fill(0);
  let cur = 0;
  for (let f = 0; f < total; f++) {
    idx[f] = cur;
    for (let d = nd - 1; d >= 0; d--) {
      counter[d]++;
      cur += strides[d];
      if (counter[d] < shape[d]) break;
      cur -= strides[d] * counter[d];
      counter[d] = 0;
    }
  }
  return idx;
}
