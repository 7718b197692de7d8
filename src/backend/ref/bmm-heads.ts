import type { BmmHeadsParams } from '../backend.js';
import { matmul } from './matmul.js';

/** The (rows, cols) matrix at `start` of x with rows `ld` floats apart, gathered back to back. */
function gather(x: Float32Array, start: number, rows: number, cols: number, ld: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) out.set(x.subarray(start + r * ld, start + r * ld + cols), r * cols);
  return out;
}

/**
 * Reference strided batched matmul: for o < outer, h < heads, the reference matmul of the matrices at
 * o * xOuter + h * xHead with row stride xLd (gathered into contiguous copies, C scattered back).
 */
export function bmmHeads(a: Float32Array, b: Float32Array, c: Float32Array, p: BmmHeadsParams): void {
  const { m, n, k, transA, transB } = p;
  const mp = { m, n, k, transA, transB, alpha: p.alpha, beta: p.beta };
  const [aRows, aCols] = transA ? [k, m] : [m, k];
  const [bRows, bCols] = transB ? [n, k] : [k, n];
  for (let o = 0; o < p.outer; o++) {
    for (let h = 0; h < p.heads; h++) {
      const cStart = o * p.cOuter + h * p.cHead;
      const ci = gather(c, cStart, m, n, p.cLd);
      matmul(gather(a, o * p.aOuter + h * p.aHead, aRows, aCols, p.aLd), gather(b, o * p.bOuter + h * p.bHead, bRows, bCols, p.bLd), ci, mp);
      for (let r = 0; r < m; r++) c.set(ci.subarray(r * n, (r + 1) * n), cStart + r * p.cLd);
    }
  }
}
