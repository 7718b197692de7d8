/** cat: join tensors along an existing dim, like torch.cat. */
import { Tensor, normalizeDim, shapeStr, storageFor, type DType } from '../tensor.js';
import { record } from '../autograd/record.js';
import { activationBuffer, gradBuffer } from '../util/grad-pool.js';
import { checkAllocation, bytesPerElement } from '../util/limits.js';
import { describeValue } from '../util/describe.js';
import { getBackend } from '../backend/select.js';
import type { BlockCopyParams } from '../backend/backend.js';

/** The copyBlocks params of `outer` blocks of `blk` floats between two row layouts. */
function blockCopy(outer: number, blk: number, srcStride: number, srcOffset: number, dstStride: number,
  dstOffset: number): BlockCopyParams {
  return { outer, blk, srcStride, srcOffset, dstStride, dstOffset };
}

/**
 * Concatenate `tensors` along `dim`. All must have the same number of dims and the same sizes except in
 * `dim` (1-D empty tensors are skipped, as in PyTorch). Mixed dtypes promote (bool < int64 < float32).
 *
 * Shape: (..., d_i, ...) for each input -> (..., sum d_i, ...).
 * @example cat([zeros([2, 3]), ones([2, 1])], 1).shape // [2, 4]
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors)) throw new TypeError(`cat: expected tensors to be an array of Tensors, got ${describeValue(tensors)}`);
  if (tensors.length === 0) throw new RangeError('cat: expected a non-empty list of Tensors');
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`cat: expected a Tensor at position ${i}, got ${describeValue(t)}`);
    if (t.ndim === 0) throw new RangeError(`cat: zero-dimensional tensor (at position ${i}) cannot be concatenated`);
  });
  // Legacy rule: 1-D tensors with 0 elements are ignored.
  const parts = tensors.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
  if (parts.length === 0) return new Tensor(storageFor(tensors[0].dtype, 0), [0], tensors[0].dtype);
  const ref = parts[0];
  const d = normalizeDim('cat', dim, ref.ndim);
  let dtype: DType = 'bool';
  let total = 0;
  for (let i = 0; i < parts.length; i++) {
    const t = parts[i];
    if (t.ndim !== ref.ndim) {
      throw new RangeError(`cat: tensors must have same number of dimensions: got ${ref.ndim} and ${t.ndim} (tensor number ${tensors.indexOf(t)}, shape ${shapeStr(t.shape)})`);
    }
    for (let k = 0; k < ref.ndim; k++) {
      if (k !== d && t.shape[k] !== ref.shape[k]) {
        throw new RangeError(
          `cat: sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[k]} but got size ${t.shape[k]} for tensor number ${tensors.indexOf(t)} in the list (shapes ${shapeStr(ref.shape)} and ${shapeStr(t.shape)})`,
        );
      }
    }
    if (t.dtype === 'float32') dtype = 'float32';
    else if (t.dtype === 'int64' && dtype === 'bool') dtype = 'int64';
    total += t.shape[d];
  }
  let outer = 1;
  for (let k = 0; k < d; k++) outer *= ref.shape[k];
  let inner = 1;
  for (let k = d + 1; k < ref.ndim; k++) inner *= ref.shape[k];
  const outShape = [...ref.shape];
  outShape[d] = total;
  const outRow = total * inner;
  // The parts cover every element of the output.
  checkAllocation('cat', outer * outRow, bytesPerElement(dtype));
  const out = dtype === 'float32' ? activationBuffer(outer * outRow) : storageFor(dtype, outer * outRow);
  const offsets: number[] = [];
  let off = 0;
  for (const t of parts) {
    offsets.push(off);
    const blk = t.shape[d] * inner;
    const src = t.data;
    if (dtype === 'float32' && src instanceof Float32Array) {
      // Block r of the part goes to row r of the output at column `off`: one strided block copy.
      getBackend().copyBlocks(src, out as Float32Array, blockCopy(outer, blk, blk, 0, outRow, off));
    } else if (src.constructor === out.constructor) {
      // int64 / bool of the output's own storage class (the casts only satisfy set()'s typing).
      const s = src as Float64Array;
      const o = out as Float64Array;
      for (let r = 0; r < outer; r++) o.set(s.subarray(r * blk, r * blk + blk), r * outRow + off);
    } else {
      for (let r = 0; r < outer; r++) {
        const so = r * blk;
        const oo = r * outRow + off;
        for (let i = 0; i < blk; i++) out[oo + i] = src[so + i];
      }
    }
    off += blk;
  }
  const result = new Tensor(out, outShape, dtype);
  return record(result, 'CatBackward0', parts, (g) => {
    const gd = g.data as Float32Array;
    return parts.map((t, i) => {
      if (!t.requiresGrad) return null;
      const blk = t.shape[d] * inner;
      // One block per part (concatenation along the leading extent): the gradient is a view, no copy.
      if (outer === 1) return new Tensor(gd.subarray(offsets[i], offsets[i] + blk), t.shape);
      const gx = gradBuffer(outer * blk);
      getBackend().copyBlocks(gd, gx, blockCopy(outer, blk, outRow, offsets[i]!, blk, 0));
      return new Tensor(gx, t.shape);
    });
  }, { dim: d }, { ownsOutput: dtype === 'float32' });
}
