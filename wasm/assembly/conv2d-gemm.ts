/*
 * The panels of the conv2d kernels and the GEMM of the weight gradient's GEMM path (not an exported kernel):
 * packB packs B (k x n) once into NR-column panels, which forward and backward-input then multiply by their
 * packed weights through direct.ts directGemm; gemmPacked computes C (m x n) = A (m x k) @ B (k x n) + beta * C
 * with A read in place at any strides (the weight gradient's columns matrix, new for every batch item), cut
 * into row and depth blocks that stay in L1 (MB x kc floats, at most 16 KiB) while every B panel passes.
 * Layout: A[i, p] at a + 4 * (i * ars + p * acs); C row-major with row stride ldc (floats); B as packB made it.
 * Aliasing: C must not overlap A or the panels.
 */
import { NR, gemmPanel, packCols, packRows } from './gemm';

/** Rows of A per block. */
const MB: i32 = 64;
/** Floats of one A block (16 KiB): the depth block is this / MB. */
const A_BLOCK: i32 = 4096;

/** Floats of packB's output for n columns of depth k. */
export function packedFloats(k: i32, n: i32): i32 {
  return ((n + NR - 1) / NR) * NR * k;
}

/**
 * Pack B (k x n) into ceil(n / NR) panels of k x NR floats at dst: B stored row-major (k, n) with row stride ld,
 * or (transB) stored (n, k) with row stride ld, i.e. B[p, j] = src[j * ld + p].
 */
export function packB(src: usize, k: i32, n: i32, ld: i32, transB: bool, dst: usize): void {
  for (let j0 = 0; j0 < n; j0 += NR) {
    const panel = dst + ((<usize>j0 * k) << 2);
    if (transB) packCols(src, k, ld, j0, min(NR, n - j0), panel);
    else packRows(src, k, ld, j0, min(NR, n - j0), panel);
  }
}

/** C = A @ B + beta * C (beta 0 ignores C's old contents) with B packed by packB(k, n). */
export function gemmPacked(m: i32, n: i32, k: i32, a: usize, ars: i32, acs: i32, bp: usize, c: usize, ldc: i32, beta: f32): void {
  const kcMax = min(max(k, 1), max(16, A_BLOCK / MB));
  // Runs once even when k == 0 so that C = beta * C (or 0) is still written.
  for (let p0 = 0; p0 == 0 || p0 < k; p0 += kcMax) {
    const kc = min(kcMax, k - p0);
    const betaBlock = p0 == 0 ? beta : <f32>1;
    for (let i0 = 0; i0 < m; i0 += MB) {
      const mb = min(MB, m - i0);
      const aBlock = a + ((<usize>(i0 * ars + p0 * acs)) << 2);
      for (let j0 = 0; j0 < n; j0 += NR) {
        const panel = bp + ((<usize>(j0 * k + p0 * NR)) << 2);
        gemmPanel(mb, kc, aBlock, ars, acs, panel, c + ((<usize>(i0 * ldc + j0)) << 2), ldc, min(NR, n - j0), 1, betaBlock);
      }
    }
  }
}
