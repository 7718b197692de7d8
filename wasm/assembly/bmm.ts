/*
 * bmm: C[i] (m, n) = alpha * op(A[i]) @ op(B[i]) + beta * C[i] for i < batch, all row-major float32.
 * Layout: A[i] at byte offset i * m * k * 4 of a (A[0] for every i when aBatch == 1), B[i] at i * k * n * 4
 * (likewise bBatch), C[i] at i * m * n * 4; each stored as the matmul kernel states (transA, transB).
 * Each product is the matmul kernel's (same operations, same rounding).
 * Aliasing: C must not overlap A, B or the workspace. A and B may overlap each other (read only).
 * Workspace: ws as matmul's, min(k, KC) * NR floats (the adapter gives k * NR), 16-byte aligned.
 */
import { matmul } from './matmul';

export function bmm(
  a: usize, b: usize, c: usize, ws: usize, batch: i32, aBatch: i32, bBatch: i32, m: i32, n: i32, k: i32,
  transA: bool, transB: bool, alpha: f32, beta: f32,
): void {
  const aStep: usize = aBatch == 1 ? 0 : (<usize>m * <usize>k) << 2;
  const bStep: usize = bBatch == 1 ? 0 : (<usize>k * <usize>n) << 2;
  const cStep: usize = (<usize>m * <usize>n) << 2;
  for (let i = 0; i < batch; i++) {
    matmul(a + <usize>i * aStep, b + <usize>i * bStep, c + <usize>i * cStep, ws, m, n, k, transA, transB, alpha, beta);
  }
}
