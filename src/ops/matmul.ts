/**
 * matmul: 1-D x 1-D (dot), 2-D x 2-D, 1-D/2-D mixed, and batched (..., m, k) @ (..., k, n) with
 * broadcast batch dimensions, like torch.matmul. Runs on the backend's matmul kernel.
 */
import { Tensor, shapeSize, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { getBackend } from '../backend/select.js';
import { uninitF32 } from '../util/alloc.js';
import { activationBuffer, gradBuffer, releaseGrad } from '../util/grad-pool.js';
import { broadcastIndex, broadcastShapes, sumToShape } from './broadcast.js';

/** Matrix product with torch.matmul's shape rules. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new TypeError('matmul: expected two Tensors');
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RangeError(`matmul: both arguments need at least 1 dimension, got ${a.ndim}D and ${b.ndim}D`);
  }
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new TypeError(`matmul: expected float32 tensors, got ${a.dtype} and ${b.dtype}`);
  }
  // Promote 1-D operands to matrices, remember which dims to drop.
  const aShape = a.ndim === 1 ? [1, a.shape[0]] : [...a.shape];
  const bShape = b.ndim === 1 ? [b.shape[0], 1] : [...b.shape];
  const m = aShape[aShape.length - 2];
  const k = aShape[aShape.length - 1];
  const k2 = bShape[bShape.length - 2];
  const n = bShape[bShape.length - 1];
  if (k !== k2) {
    throw new RangeError(`matmul: mat1 and mat2 shapes cannot be multiplied (${m}x${k} and ${k2}x${n}); shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  }
  const batch = broadcastShapes('matmul', aShape.slice(0, -2), bShape.slice(0, -2));
  const nb = shapeSize(batch);
  const A = batchOperand(a, batch, m, k);
  const B = batchOperand(b, batch, k, n);
  const out = batchedMatmul(A, B, nb, m, n, k, false, false, 1, activationBuffer);

  let outShape = [...batch, m, n];
  if (a.ndim === 1) outShape = outShape.filter((_, i) => i !== outShape.length - 2);
  if (b.ndim === 1) outShape = outShape.slice(0, -1);
  const result = new Tensor(out, outShape);
  return record(result, 'MmBackward0', [a, b], (g) => {
    const G = { data: g.data as Float32Array, count: nb };
    // gA = g @ B^T  (m, k); gB = A^T @ g  (k, n), per product, then reduce broadcast batch dims.
    const ga = a.requiresGrad ? batchedMatmul(G, B, nb, m, k, n, false, true, 1, gradBuffer) : null;
    const gb = b.requiresGrad ? batchedMatmul(A, G, nb, k, n, m, true, false, 1, gradBuffer) : null;
    return [ga ? reducedGrad(ga, [...batch, m, k], aShape, a.shape) : null, gb ? reducedGrad(gb, [...batch, k, n], bShape, b.shape) : null];
  }, undefined, { ownsOutput: true });
}

/**
 * A per-product operand gradient (shape `full`) summed over the broadcast batch dims down to the operand's
 * (promoted) shape `to`, as a tensor of its own shape `own`; a full gradient that was summed is dead and
 * goes back to the pool.
 */
function reducedGrad(full: Float32Array, fullShape: number[], to: number[], own: readonly number[]): Tensor {
  const summed = sumToShape(new Tensor(full, fullShape), to).data as Float32Array;
  if (summed !== full) releaseGrad(full);
  return new Tensor(summed, own);
}

/** A matmul operand on the kernel: `count` matrices back to back, nb (one per product) or 1 (shared by all). */
export interface Operand {
  data: Float32Array;
  count: number;
}

/** x as an operand of the batch: as it is when it has one matrix or one per product, else broadcast (copied). */
function batchOperand(x: Tensor, batch: number[], r: number, c: number): Operand {
  const own = x.ndim <= 2 ? 1 : shapeSize(x.shape.slice(0, -2));
  const nb = shapeSize(batch);
  if (own === nb || own === 1) return { data: x.data as Float32Array, count: own }; // float32: matmul checked
  return { data: expandBatch(x, batch, r, c), count: nb };
}

/** Materialise x broadcast to (...batch, r, c) as a flat Float32Array (no copy when already that size). */
function expandBatch(x: Tensor, batch: number[], r: number, c: number): Float32Array {
  const xd = x.data as Float32Array; // float32: matmul checked the dtypes
  const nb = shapeSize(batch);
  if (xd.length === nb * r * c) return xd;
  const xBatch = x.ndim <= 2 ? [] : x.shape.slice(0, -2);
  const mat = r * c;
  const out = new Float32Array(nb * mat);
  const inBatch = shapeSize(xBatch);
  if (inBatch === 1) {
    for (let i = 0; i < nb; i++) out.set(xd.subarray(0, mat), i * mat);
    return out;
  }
  // general broadcast of batch dims: which input matrix feeds each output batch entry
  const map = broadcastIndex(xBatch, batch)!;
  for (let i = 0; i < nb; i++) out.set(xd.subarray(map[i] * mat, (map[i] + 1) * mat), i * mat);
  return out;
}

/**
 * nb independent (m, n) = op(A_i) (m, k) @ op(B_i) (k, n) products in one backend call (an operand with
 * count 1 is shared by every product). When only A varies and is not transposed, its matrices stack into
 * one (nb * m, k) matrix times the shared B: one plain matmul. `alpha` scales every product. `alloc` makes
 * the output array (a backward passes gradBuffer, so the engine can recycle it).
 */
export function batchedMatmul(
  A: Operand, B: Operand, nb: number, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha = 1,
  alloc: (n: number) => Float32Array = uninitF32,
): Float32Array {
  const out = alloc(nb * m * n); // beta = 0: the kernel writes every element
  const be = getBackend();
  if (nb === 1 || (B.count === 1 && A.count === nb && !transA)) {
    be.matmul(A.data, B.data, out, { m: nb * m, n, k, transA, transB, alpha, beta: 0 });
    return out;
  }
  be.bmm(A.data, B.data, out, { batch: nb, aBatch: A.count, bBatch: B.count, m, n, k, transA, transB, alpha, beta: 0 });
  return out;
}
