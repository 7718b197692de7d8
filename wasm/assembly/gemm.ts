/*
 * Shared GEMM core (not an exported kernel): the register-blocked SIMD micro-kernel every kernel reduces to,
 * and the panel GEMM built on it.
 *
 * Layout (all sizes in floats, pointers in bytes):
 *   A[i, p]      at a + 4 * (i * ars + p * acs)   any two strides, so A, A^T or a weight slice all fit
 *   B[p, jj]     row p of B, NR floats read in place, found one of two ways (the type argument B of the tiles,
 *                so each caller gets its own code and the inner loop never tests which):
 *                  B = f32    panel: row p at b + 4 * (p * NR), a packed panel, zero past the last real column
 *                  B = usize  table: row p at load<usize>(b + 4 * p) + colB, rows anywhere (direct.ts)
 *   C[i, jj]     at c + 4 * (i * ldc + jj)         row-major; only the first nc <= NR columns are written
 * Formula: C[i, jj] = alpha * (bias[i] + sum_{p < k} A[i, p] * B[p, jj]) + beta * C[i, jj], bias == 0 meaning
 *          none; beta == 0 ignores C's old contents (NaN included); with relu, relu of that. Float32 accumulation.
 * Aliasing: C must not overlap A or B. The panel buffer belongs to the caller (workspace).
 *
 * Micro-kernel: MR = 4 rows x NR = 8 columns (2 f32x4) of C live in 8 registers across the whole k loop;
 * each step loads 2 B vectors and 4 splatted A scalars for 16 multiply-adds (madd(): a multiply and an add
 * in SIMD128, one f32x4.relaxed_madd in the relaxed-SIMD build, src/backend/wasm.ts RELAXED_URL).
 * A may instead come packed (packA4, tile4<B, v128>), four rows interleaved.
 */

/** Panel width in floats (2 x f32x4). Workspace sizes in src/backend/wasm.ts depend on it. */
export const NR: i32 = 8;
/** Reduction block: a KC x NR panel (8 KiB) stays in L1 while every row block of A streams past it. */
export const KC: i32 = 256;

/** 32-byte staging slot for partial-width stores (static data, below __heap_base). */
const TAIL: usize = memory.data(32, 16);

/**
 * Write one row of the micro-tile: C[0..nc) = alpha * (v0|v1) + beta * C, then relu of that when relu is set
 * (`r < 0 ? 0 : r`, f32x4.pmax: the bits of reluForward applied to the stored row).
 */
// @ts-ignore: decorator
@inline function storeRow(cp: usize, v0: v128, v1: v128, nc: i32, alpha: f32, beta: f32, relu: bool): void {
  if (alpha != 1) {
    const va = f32x4.splat(alpha);
    v0 = f32x4.mul(v0, va);
    v1 = f32x4.mul(v1, va);
  }
  if (nc == NR) {
    if (beta != 0) {
      const vb = f32x4.splat(beta);
      v0 = f32x4.add(v0, f32x4.mul(vb, v128.load(cp)));
      v1 = f32x4.add(v1, f32x4.mul(vb, v128.load(cp, 16)));
    }
    if (relu) {
      v0 = f32x4.pmax(v0, f32x4.splat(0));
      v1 = f32x4.pmax(v1, f32x4.splat(0));
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
      store<f32>(cp + off, relu && r < 0 ? 0 : r);
    }
  }
}

/** acc + a * b: one fused multiply-add where the build has relaxed SIMD, else a multiply and an add. */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** Bytes between the B walk's entries for row p and p + 1 (see the header). */
// @ts-ignore: decorator
@inline function bStep<B>(): usize {
  return isInteger<B>() ? sizeof<usize>() : <usize>NR << 2;
}

/** Address of B row p from the walk pointer bw at its entry for p. */
// @ts-ignore: decorator
@inline function bRow<B>(bw: usize, colB: usize): usize {
  return isInteger<B>() ? load<usize>(bw) + colB : bw;
}

/**
 * 4 x NR micro-tile (see the header): C rows i < 4 at c, c + ldc, ... Strides ars, acs, ldc in bytes;
 * colB (table only) is the byte offset of the tile's first column in every row. The type argument A says how
 * A is found: A = f32, at the strides ars and acs; A = v128, packed by packA4 (the four rows interleaved,
 * A[i, p] at a + 4 * (4 * p + i); ars and acs unused), so that the four splats are one address plus constant
 * offsets: about 4 fewer instructions per step of a loop that issues 30, 5-10% faster at K = 32-256
 * in isolation.
 */
export function tile4<B, A>(
  k: i32, a: usize, ars: usize, acs: usize, b: usize, colB: usize,
  c: usize, ldc: usize, nc: i32, bias: usize, alpha: f32, beta: f32, relu: bool,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (bias != 0) {
    c00 = v128.load32_splat(bias); c01 = c00;
    c10 = v128.load32_splat(bias, 4); c11 = c10;
    c20 = v128.load32_splat(bias, 8); c21 = c20;
    c30 = v128.load32_splat(bias, 12); c31 = c30;
  }
  let ap = a;
  const ars2 = ars << 1;
  const bEnd = b + <usize>k * bStep<B>();
  for (let bw = b; bw < bEnd; bw += bStep<B>()) {
    const bp = bRow<B>(bw, colB);
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let av = v128.load32_splat(ap);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = isVector<A>() ? v128.load32_splat(ap, 4) : v128.load32_splat(ap + ars);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = isVector<A>() ? v128.load32_splat(ap, 8) : v128.load32_splat(ap + ars2);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = isVector<A>() ? v128.load32_splat(ap, 12) : v128.load32_splat(ap + ars2 + ars);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    ap += isVector<A>() ? 16 : acs;
  }
  storeRow(c, c00, c01, nc, alpha, beta, relu);
  storeRow(c + ldc, c10, c11, nc, alpha, beta, relu);
  storeRow(c + (ldc << 1), c20, c21, nc, alpha, beta, relu);
  storeRow(c + (ldc << 1) + ldc, c30, c31, nc, alpha, beta, relu);
}

/** 1 x NR micro-tile for the last m % 4 rows: tile4 with one row. */
export function tile1<B>(
  k: i32, a: usize, acs: usize, b: usize, colB: usize, c: usize, nc: i32, bias: usize, alpha: f32, beta: f32,
  relu: bool,
): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  if (bias != 0) { c0 = v128.load32_splat(bias); c1 = c0; }
  let ap = a;
  const bEnd = b + <usize>k * bStep<B>();
  for (let bw = b; bw < bEnd; bw += bStep<B>()) {
    const bp = bRow<B>(bw, colB);
    const av = v128.load32_splat(ap);
    c0 = madd(av, v128.load(bp), c0);
    c1 = madd(av, v128.load(bp, 16), c1);
    ap += acs;
  }
  storeRow(c, c0, c1, nc, alpha, beta, relu);
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
    tile4<f32, f32>(k, a + <usize>i * arsB, arsB, acsB, panel, 0, c + <usize>i * ldcB, ldcB, nc, 0, alpha, beta, false);
  }
  for (; i < m; i++) {
    tile1<f32>(k, a + <usize>i * arsB, acsB, panel, 0, c + <usize>i * ldcB, nc, 0, alpha, beta, false);
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

/**
 * Float index of A[row, p] (an m x K matrix) in the packA4 layout: rows below m & ~3 in blocks of four,
 * interleaved (block q at 4 * q * K, A[4q + r, p] at 4 * q * K + 4 * p + r); the last m % 4 rows row-major
 * after them (A[row, p] at row * K + p). m * K floats in all.
 */
// @ts-ignore: decorator
@inline export function packedIndex(row: i32, p: i32, m: i32, K: i32): usize {
  return row < (m & ~3) ? <usize>(row & ~3) * K + <usize>(p << 2) + <usize>(row & 3) : <usize>row * K + <usize>p;
}

/** dst (packA4 layout, m * K floats) = A (m x K at a, strides ars and acs in floats). */
export function packA4(a: usize, m: i32, K: i32, ars: i32, acs: i32, dst: usize): void {
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < K; p++) {
      store<f32>(dst + (packedIndex(i, p, m, K) << 2), load<f32>(a + ((<usize>i * ars + <usize>p * acs) << 2)));
    }
  }
}
