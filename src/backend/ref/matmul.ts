import type { MatmulParams } from '../backend.js';

/**
 * Reference matmul: C (m, n) = alpha * op(A) @ op(B) + beta * C, row-major.
 * A is (m, k) or, with transA, stored (k, m); B is (k, n) or, with transB, stored (n, k).
 * Accumulates in float64 then rounds once. beta = 0 ignores C's old contents (NaN included).
 */
export function matmul(a: Float32Array, b: Float32Array, c: Float32Array, p: MatmulParams): void {
  const { m, n, k, transA, transB, alpha, beta } = p;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) {
        const av = transA ? a[t * m + i] : a[i * k + t];
        const bv = transB ? b[j * k + t] : b[t * n + j];
        s += av * bv;
      }
      const idx = i * n + j;
      c[idx] = beta === 0 ? alpha * s : alpha * s + beta * c[idx];
    }
  }
}
