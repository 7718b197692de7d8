/*
 * bmmHeads: bmm over outer x heads products addressed through row strides and offsets (src/backend/backend.ts
 * BmmHeadsParams): product (o, h) reads A at float o * aOuter + h * aHead with rows aLd floats apart
 * (likewise B) and writes C at o * cOuter + h * cHead with rows cLd apart. Stored shapes as matmul's.
 * Each product is matmul.ts's stridedMatmul with the row strides in place of the contiguous ones: the same
 * operations and rounding as matmul on the gathered matrices. Bounds: the native addon checks them; here the callers (the ops) pass
 * layouts inside the arrays. Aliasing: C must not overlap A, B or the workspace.
 * Workspace: ws holds one packed panel, min(k, KC) * NR floats (bmmHeadsWorkspace gives k * NR).
 */
import { NR } from './gemm';
import { stridedMatmul } from './matmul';

export function bmmHeads(
  a: usize, b: usize, c: usize, ws: usize, outer: i32, heads: i32, m: i32, n: i32, k: i32, transA: bool,
  transB: bool, alpha: f32, beta: f32, aLen: i32, aOuter: i32, aHead: i32, aLd: i32, bLen: i32, bOuter: i32,
  bHead: i32, bLd: i32, cLen: i32, cOuter: i32, cHead: i32, cLd: i32,
): void {
  if (m <= 0 || n <= 0) return;
  for (let o = 0; o < outer; o++) {
    for (let h = 0; h < heads; h++) {
      const ai = a + ((<usize>o * aOuter + <usize>h * aHead) << 2);
      const bi = b + ((<usize>o * bOuter + <usize>h * bHead) << 2);
      const ci = c + ((<usize>o * cOuter + <usize>h * cHead) << 2);
      stridedMatmul(ai, aLd, bi, bLd, ci, cLd, ws, m, n, k, transA, transB, alpha, beta);
    }
  }
}

/** One matmul panel serves every product, one after another. */
export function bmmHeadsWorkspace(
  outer: f64, heads: f64, m: f64, n: f64, k: f64, transA: i32, transB: i32, alpha: f64, beta: f64,
): f64 {
  return k * <f64>NR;
}
