/*
 * matmul: C (m, n) = alpha * op(A) @ op(B) + beta * C, all row-major float32.
 * Layout: A stored (m, k), or (k, m) when transA; B stored (k, n), or (n, k) when transB; C (m, n).
 * Formula: C[i, j] = alpha * sum_p op(A)[i, p] * op(B)[p, j] + beta * C[i, j]; beta == 0 ignores old C
 *          (NaN included). Float32 accumulation, k blocked by KC (later blocks accumulate with beta = 1).
 * Aliasing: C must not overlap A, B or the workspace. A and B may overlap each other (read only).
 * Workspace: ws holds one packed panel, min(k, KC) * NR floats (the adapter gives k * NR), 16-byte aligned.
 * Transposes: transA is just a different pair of strides for the splatted A scalars; transB is absorbed by
 * packing (every panel is packed anyway), so one micro-kernel serves all four cases.
 */
import { NR, KC, gemmPanel, packRows, packCols } from './gemm';

/**
 * One product with explicit row strides: C (m, n) at c, rows ldc apart = alpha * op(A) @ op(B) + beta * C,
 * A's stored rows lda floats apart and B's ldb apart. matmul is the contiguous case; bmmHeads calls it
 * per head with the projections' row strides, so both share the same operations and rounding.
 */
export function stridedMatmul(
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, ws: usize, m: i32, n: i32, k: i32,
  transA: bool, transB: bool, alpha: f32, beta: f32,
): void {
  const ars = transA ? 1 : lda; // floats between A[i, p] and A[i + 1, p]
  const acs = transA ? lda : 1; // floats between A[i, p] and A[i, p + 1]
  // Runs once even when k == 0 so that C = beta * C (or 0) is still written.
  for (let p0 = 0; p0 == 0 || p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    const betaBlock = p0 == 0 ? beta : <f32>1;
    const aBlock = a + ((<usize>p0 * acs) << 2);
    for (let j0 = 0; j0 < n; j0 += NR) {
      const nc = min(NR, n - j0);
      if (transB) packCols(b + (<usize>p0 << 2), kc, ldb, j0, nc, ws);
      else packRows(b + ((<usize>p0 * ldb) << 2), kc, ldb, j0, nc, ws);
      gemmPanel(m, kc, aBlock, ars, acs, ws, c + (<usize>j0 << 2), ldc, nc, alpha, betaBlock);
    }
  }
}

export function matmul(
  a: usize, b: usize, c: usize, ws: usize, m: i32, n: i32, k: i32,
  transA: bool, transB: bool, alpha: f32, beta: f32,
): void {
  if (m <= 0 || n <= 0) return;
  // Stored A is (m, k), or (k, m) when transA; stored B is (k, n), or (n, k) when transB.
  stridedMatmul(a, transA ? m : k, b, transB ? k : n, c, n, ws, m, n, k, transA, transB, alpha, beta);
}
