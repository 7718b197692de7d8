import type { BmmParams } from '../backend.js';
import { matmul } from './matmul.js';

/**
 * Reference batched matmul: for each i < batch, C[i] = alpha * op(A[i]) @ op(B[i]) + beta * C[i] with the
 * reference matmul; an operand whose batch count is 1 is the same matrix for every i.
 */
export function bmm(a: Float32Array, b: Float32Array, c: Float32Array, p: BmmParams): void {
  const { batch, aBatch, bBatch, m, n, k } = p;
  const mp = { m, n, k, transA: p.transA, transB: p.transB, alpha: p.alpha, beta: p.beta };
  for (let i = 0; i < batch; i++) {
    const ai = aBatch === 1 ? 0 : i;
    const bi = bBatch === 1 ? 0 : i;
    matmul(a.subarray(ai * m * k, (ai + 1) * m * k), b.subarray(bi * k * n, (bi + 1) * k * n), c.subarray(i * m * n, (i + 1) * m * n), mp);
  }
}
