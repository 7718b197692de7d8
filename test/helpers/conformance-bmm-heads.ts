/**
 * Conformance of the strided batched matmul (bmmHeads) against ref, part of conformanceSuite
 * (test/helpers/conformance-suite.ts): heads 1 and odd, head sizes below / at / above the SIMD widths and
 * micro-kernel tiles (1, 3, 4, 7, 8, 9, 16, 17, 33), L = 1, row strides above the columns, the three
 * layouts attention uses (batch-first rows (N, L, E), sequence-first rows (L, N, E), contiguous heads
 * (N * H, L, D)), every transpose pair, and C's elements outside the products kept. Each backend's result
 * is also bit for bit its own bmm on the gathered matrices (the same operations, only the addressing differs).
 */
import { expect } from 'vitest';
import { refBackend } from '../../src/backend/ref/index.js';
import type { Backend, BmmHeadsParams } from '../../src/backend/backend.js';
import { expectClose } from './allclose.js';
import { randomArray } from './random.js';
import { expectSameBits, type SuiteApi } from './conformance-suite.js';

/** How an operand's (outer, heads) matrices of rows x cols lie in its array. */
type Layout = 'batchRows' | 'seqRows' | 'heads';

/** One operand's addressing: array length, outer / head offsets, row stride. */
interface Operand { len: number; outer: number; head: number; ld: number }

/**
 * The addressing of `layout` with `pad` unused floats after each row (or head block) and `tail` after the
 * last: batchRows = (outer, rows, heads * cols), seqRows = (rows, outer, heads * cols), heads = (outer *
 * heads, rows, cols).
 */
function operand(layout: Layout, outer: number, heads: number, rows: number, cols: number, pad: number, tail: number): Operand {
  const w = heads * cols + pad;
  if (layout === 'batchRows') return { len: outer * rows * w + tail, outer: rows * w, head: cols, ld: w };
  if (layout === 'seqRows') return { len: rows * outer * w + tail, outer: w, head: cols, ld: outer * w };
  const ld = cols + pad;
  return { len: outer * heads * rows * ld + tail, outer: heads * rows * ld, head: rows * ld, ld };
}

/** Params of outer x heads products (m, n, k) with the operands' addressings. */
function params(outer: number, heads: number, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta: number, a: Operand, b: Operand, c: Operand): BmmHeadsParams {
  return {
    outer, heads, m, n, k, transA, transB, alpha, beta,
    aLen: a.len, aOuter: a.outer, aHead: a.head, aLd: a.ld,
    bLen: b.len, bOuter: b.outer, bHead: b.head, bLd: b.ld,
    cLen: c.len, cOuter: c.outer, cHead: c.head, cLd: c.ld,
  };
}

/** The (rows, cols) matrix of product (o, h), gathered back to back. */
function gather(x: Float32Array, op: Operand, o: number, h: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const start = o * op.outer + h * op.head;
  for (let r = 0; r < rows; r++) out.set(x.subarray(start + r * op.ld, start + r * op.ld + cols), r * cols);
  return out;
}

/** [outer, heads, m, n, k]: attention's scores (L, S, D) and outputs (L, D, S) at edge sizes. */
const CASES: [number, number, number, number, number][] = [
  [1, 1, 1, 1, 1], [2, 1, 5, 5, 3], [2, 3, 5, 7, 4], [1, 3, 1, 9, 8], [3, 2, 17, 16, 9], [2, 5, 8, 8, 16],
  [1, 3, 9, 17, 17], [2, 2, 33, 7, 33], [1, 1, 4, 1, 7], [2, 3, 0, 4, 5], [2, 3, 4, 5, 0], [0, 2, 3, 3, 3],
  // the example's heads (64 x 64 x 32) split over the thread pool
  [4, 4, 64, 64, 32], [4, 4, 64, 32, 64],
];
const LAYOUTS: [Layout, Layout, Layout][] = [
  ['batchRows', 'batchRows', 'heads'], // scores = Q K^T from projection rows
  ['heads', 'batchRows', 'batchRows'], // output = P V into merged rows
  ['seqRows', 'seqRows', 'seqRows'],
  ['heads', 'heads', 'heads'],
];

export function bmmHeadsSuite(backend: Backend, { describe, it }: SuiteApi): void {
  describe('bmmHeads', () => {
    for (const [outer, heads, m, n, k] of CASES) {
      for (const [la, lb, lc] of LAYOUTS) {
        it(`outer=${outer} heads=${heads} m=${m} n=${n} k=${k} a ${la} b ${lb} c ${lc}`, () => {
          let seed = 300 + outer * 7 + heads * 5 + m + n * 3 + k * 11;
          for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
            for (const [alpha, beta, pad] of [[1, 0, 0], [0.5, 1, 2], [-2, 0.5, 1]]) {
              const a = operand(la, outer, heads, transA ? k : m, transA ? m : k, pad, 3);
              const b = operand(lb, outer, heads, transB ? n : k, transB ? k : n, pad + 1, 2);
              const c = operand(lc, outer, heads, m, n, pad, 3);
              const p = params(outer, heads, m, n, k, transA, transB, alpha, beta, a, b, c);
              const av = randomArray(a.len, seed++);
              const bv = randomArray(b.len, seed++);
              const c0 = randomArray(c.len, seed++); // beta = 0 ignores the products' old C; the rest is kept
              const want = c0.slice();
              refBackend.bmmHeads(av, bv, want, p);
              const got = c0.slice();
              backend.bmmHeads(av, bv, got, p);
              const what = `transA=${transA} transB=${transB} alpha=${alpha} beta=${beta} pad=${pad}`;
              expectClose(got, want, 1e-4, 1e-6 * (k + 1), what);
              // the same bits as the backend's own matmul of each gathered product
              const [ar, ac] = transA ? [k, m] : [m, k];
              const [br, bc] = transB ? [n, k] : [k, n];
              for (let o = 0; o < outer; o++) {
                for (let h = 0; h < heads; h++) {
                  const ci = gather(c0, c, o, h, m, n);
                  backend.matmul(gather(av, a, o, h, ar, ac), gather(bv, b, o, h, br, bc), ci, { m, n, k, transA, transB, alpha, beta });
                  expectSameBits(gather(got, c, o, h, m, n), ci, `${what} product (${o}, ${h})`);
                }
              }
            }
          }
        });
      }
    }

    it('a product of one row and the heads side by side leave the row padding untouched', () => {
      const c = operand('batchRows', 2, 3, 1, 4, 5, 0);
      const a = operand('batchRows', 2, 3, 1, 6, 0, 0);
      const b = operand('heads', 2, 3, 6, 4, 0, 0);
      const got = new Float32Array(c.len).fill(7);
      backend.bmmHeads(randomArray(a.len, 1), randomArray(b.len, 2), got, params(2, 3, 1, 4, 6, false, false, 1, 0, a, b, c));
      for (let o = 0; o < 2; o++) expect(Array.from(got.subarray(o * c.ld + 12, (o + 1) * c.ld))).toEqual([7, 7, 7, 7, 7]);
    });
  });
}
