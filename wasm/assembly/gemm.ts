/*
 * Shared GEMM core (not an exported kernel): the register-blocked SIMD inner loop every kernel reduces to.
 *
 * Layout (all sizes in floats, pointers in bytes):
 *   A[i, p]      at a + 4 * (i * ars + p * acs)   any two strides, so A, A^T or a weight slice all fit
 *   panel[p, jj] at panel + 4 * (p * NR + jj)     NR packed columns of B, zero past the last real column
 *   C[i, jj]     at c + 4 * (i * ldc + jj)         row-major; only the first nc <= NR columns are written
 * Formula: C[i, jj] = alpha * sum_{p < k} A[i, p] * panel[p, jj] + beta * C[i, jj],
 *          beta == 0 ignores C's old contents (NaN included). Float32 accumulation.
 * Aliasing: C must not overlap A or the panel. The panel buffer belongs to the caller (workspace).
 *
 * Micro-kernel: MR = 4 rows x NR = 8 columns (2 f32x4) of C live in 8 registers across the whole k loop;
 * each step loads 2 panel vectors and 4 splatted A scalars for 16 multiply-adds (no FMA in SIMD128).
 */

/** Panel width in floats (2 x f32x4). Workspace sizes in src/backend/wasm.ts depend on it. */
export const NR: i32 = 8;
/** Reduction block: a KC x NR panel (8 KiB) stays in L1 while every row block of A streams past it. */
export const KC: i32 = 256;

/** 32-byte staging slot for partial-width stores (static data, below __heap_base). */
const TAIL: usize = memory.data(32, 16);

/** Write one row of the micro-tile: C[0..nc) = alpha * (v0|v1) + beta * C. */
// @ts-ignore: decorator
@inline function storeRow(cp: usize, v0: v128, v1: v128, nc: i32, alpha: f32, beta: f32): void {
  const va = f32x4.splat(alpha);
  v0 = f32x4.mul(v0, va);
  v1 = f32x4.mul(v1, va);
  if (nc == NR) {
    if (beta != 0) {
      const vb = f32x4.splat(beta);
      v0 = f32x4.add(v0, f32x4.mul(vb, v128.load(cp)));
      v1 = f32x4.add(v1, f32x4.mul(vb, v128.load(cp, 16)));
    }
    v128.store(cp, v0);
    v128.store(cp, v1, 16);
  } else {
    v128.store(TAIL, v0);
    v128.store(TAIL, v1, 16);
    for (let j = 0; j < nc; j++) {
      const off = <usize>j << 2;
      let r = load<f32>(TAIL + off);
      if (beta != 0) r += beta * load<f32>(cp + off);
      store<f32>(cp + off, r);
    }
  }
}

/** 4 x NR micro-tile. Strides ars, acs, ldc are in bytes here. */
function tile4(
  k: i32, a: usize, ars: usize, acs: usize, panel: usize, c: usize, ldc: usize, nc: i32, alpha: f32, beta: f32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let ap = a;
  let bp = panel;
  const ars2 = ars << 1;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let av = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(av, b0));
    c01 = f32x4.add(c01, f32x4.mul(av, b1));
    av = v128.load32_splat(ap + ars);
    c10 = f32x4.add(c10, f32x4.mul(av, b0));
    c11 = f32x4.add(c11, f32x4.mul(av, b1));
    av = v128.load32_splat(ap + ars2);
    c20 = f32x4.add(c20, f32x4.mul(av, b0));
    c21 = f32x4.add(c21, f32x4.mul(av, b1));
    av = v128.load32_splat(ap + ars2 + ars);
    c30 = f32x4.add(c30, f32x4.mul(av, b0));
    c31 = f32x4.add(c31, f32x4.mul(av, b1));
    ap += acs;
    bp += <usize>NR << 2;
  }
  storeRow(c, c00, c01, nc, alpha, beta);
  storeRow(c + ldc, c10, c11, nc, alpha, beta);
  storeRow(c + (ldc << 1), c20, c21, nc, alpha, beta);
  storeRow(c + (ldc << 1) + ldc, c30, c31, nc, alpha, beta);
}

/** 1 x NR micro-tile for the last m % 4 rows. Strides in bytes. */
function tile1(k: i32, a: usize, acs: usize, panel: usize, c: usize, nc: i32, alpha: f32, beta: f32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  let ap = a;
  let bp = panel;
  for (let p = 0; p < k; p++) {
    const av = v128.load32_splat(ap);
    c0 = f32x4.add(c0, f32x4.mul(av, v128.load(bp)));
    c1 = f32x4.add(c1, f32x4.mul(av, v128.load(bp, 16)));
    ap += acs;
    bp += <usize>NR << 2;
  }
  storeRow(c, c0, c1, nc, alpha, beta);
}

/**
 * C (m x nc) = alpha * A (m x k) @ panel (k x NR, first nc columns) + beta * C.
 * Strides ars, acs, ldc in floats (see the header).
 */
export function gemmPanel(
  m: i32, k: i32, a: usize, ars: i32, acs: i32, panel: usize, c: usize, ldc: i32, nc: i32, alpha: f32, beta: f32,
): void {
  const arsB = <usize>ars << 2;
  const acsB = <usize>acs << 2;
  const ldcB = <usize>ldc << 2;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    tile4(k, a + <usize>i * arsB, arsB, acsB, panel, c + <usize>i * ldcB, ldcB, nc, alpha, beta);
  }
  for (; i < m; i++) {
    tile1(k, a + <usize>i * arsB, acsB, panel, c + <usize>i * ldcB, nc, alpha, beta);
  }
}

/** panel[p, jj] = src[p * ld + col0 + jj] for p < rows, jj < nc; zero for nc <= jj < NR. (B stored row-major.) */
export function packRows(src: usize, rows: i32, ld: i32, col0: i32, nc: i32, panel: usize): void {
  const ldB = <usize>ld << 2;
  let sp = src + (<usize>col0 << 2);
  let dp = panel;
  if (nc == NR) {
    for (let p = 0; p < rows; p++) {
      v128.store(dp, v128.load(sp));
      v128.store(dp, v128.load(sp, 16), 16);
      sp += ldB;
      dp += <usize>NR << 2;
    }
  } else {
    memory.fill(panel, 0, <usize>rows * NR * 4);
    for (let p = 0; p < rows; p++) {
      memory.copy(dp, sp, <usize>nc << 2);
      sp += ldB;
      dp += <usize>NR << 2;
    }
  }
}

/** panel[p, jj] = src[(col0 + jj) * ld + p] for p < rows, jj < nc; zero beyond. (B stored transposed.) */
export function packCols(src: usize, rows: i32, ld: i32, col0: i32, nc: i32, panel: usize): void {
  if (nc < NR) memory.fill(panel, 0, <usize>rows * NR * 4);
  for (let jj = 0; jj < nc; jj++) {
    const sp = src + ((<usize>(col0 + jj) * ld) << 2);
    let dp = panel + (<usize>jj << 2);
    for (let p = 0; p < rows; p++) {
      store<f32>(dp, load<f32>(sp + (<usize>p << 2)));
      dp += <usize>NR << 2;
    }
  }
}
