/**
 * Conformance of the adaptive average pooling and block copy kernels against ref (bit for bit), part of
 * conformanceSuite (test/helpers/conformance-suite.ts): rows around the kernels' row blocks (native 8, wasm 4)
 * and the thread split, lengths of 1, odd and around the SIMD widths (4, 8, 16), overlapping and tiling
 * windows, output longer than input, NaN / inf / signed zero inputs, and copies split into pieces.
 */
import { expect } from 'vitest';
import { refBackend } from '../../src/backend/ref/index.js';
import type { AdaptivePool1dParams, Backend, BlockCopyParams } from '../../src/backend/backend.js';
import { randomArray } from './random.js';
import { expectSameBits, specialArray, type SuiteApi } from './conformance-suite.js';

/** [rows, l, lOut]. */
const ADAPTIVE_CASES: [number, number, number][] = [
  [1, 1, 1], [1, 1, 3], [3, 5, 5], [2, 7, 3], [4, 10, 1], [5, 9, 4], [7, 16, 4], [8, 17, 8], [9, 33, 16],
  [17, 15, 2], [3, 4, 7], [2, 31, 32], [0, 5, 2], [8, 8, 1], [15, 3, 2], [16, 24, 5],
  // the reference model's head (global pooling) and enough rows for the native thread pool to split them
  [16 * 64, 75, 1], [129, 1003, 7], [130, 1000, 1], [131, 999, 3],
];

/** [outer, blk, srcStride, srcOffset, dstStride, dstOffset]. */
const COPY_CASES: [number, number, number, number, number, number][] = [
  [0, 3, 3, 0, 5, 1], [1, 0, 0, 0, 4, 2], [1, 1, 1, 0, 1, 0], [3, 5, 5, 0, 12, 7], [4, 7, 13, 6, 7, 0],
  [5, 16, 17, 1, 33, 17], [2, 33, 33, 0, 100, 50], [9, 4, 8, 4, 4, 0], [7, 15, 15, 0, 31, 16],
  // cat at the reference model's shapes (threaded), long blocks cut into pieces, a piece's tail
  [128, 1200, 1200, 0, 4800, 1200], [128, 900, 4800, 3900, 900, 0], [1, 40000, 40000, 0, 100000, 30000],
  [3, 16385, 20000, 3615, 16385, 0], [257, 33, 33, 0, 66, 33],
];

/**
 * Bit-for-bit equality (signed zeros included), except that any NaN matches any NaN: a NaN's sign and
 * payload after float64 arithmetic are not specified (the JS engine and the CPU may differ).
 */
function expectSameValues(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i] && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) {
      expect.fail(`${what}: differs at ${i}: got ${got[i]} (bits ${g[i]!.toString(16)}), expected ${want[i]} (bits ${w[i]!.toString(16)})`);
    }
  }
}

function adaptiveCase(backend: Backend, p: AdaptivePool1dParams, special: boolean): void {
  const { rows, l, lOut } = p;
  const x = special ? specialArray(rows * l, 80) : randomArray(rows * l, 81);
  const want = new Float32Array(rows * lOut).fill(7);
  const got = new Float32Array(rows * lOut).fill(7);
  refBackend.adaptiveAvgPool1dForward(x, want, p);
  backend.adaptiveAvgPool1dForward(x, got, p);
  expectSameValues(got, want, 'y');
  const gy = special ? specialArray(rows * lOut, 82) : randomArray(rows * lOut, 83);
  const wantG = new Float32Array(rows * l).fill(Number.NaN); // overwritten, not accumulated
  const gotG = new Float32Array(rows * l).fill(Number.NaN);
  refBackend.adaptiveAvgPool1dBackward(gy, wantG, p);
  backend.adaptiveAvgPool1dBackward(gy, gotG, p);
  expectSameValues(gotG, wantG, 'gx');
}

export function copyPoolSuite(backend: Backend, { describe, it }: SuiteApi): void {
  describe('adaptiveAvgPool1d', () => {
    for (const [rows, l, lOut] of ADAPTIVE_CASES) {
      const overlap = l % lOut !== 0 ? 'overlapping' : 'tiling';
      it(`forward and backward rows=${rows} l=${l} lOut=${lOut} (${overlap}), random and NaN / inf / signed zeros`, () => {
        for (const special of [false, true]) adaptiveCase(backend, { rows, l, lOut }, special);
      });
    }

    it('matches hand-computed values: overlapping windows, -0 gradient of a tiling window becomes +0', () => {
      const p = { rows: 1, l: 5, lOut: 3 }; // windows [0, 2) [1, 4) [3, 5)
      const y = new Float32Array(3);
      backend.adaptiveAvgPool1dForward(new Float32Array([1, 2, 3, 4, 5]), y, p);
      expect(Array.from(y)).toEqual([1.5, 3, 4.5]);
      const gx = new Float32Array(5);
      backend.adaptiveAvgPool1dBackward(new Float32Array([3, 3, 2]), gx, p);
      expect(Array.from(gx)).toEqual([1.5, 2.5, 1, 2, 1]);
      const gz = new Float32Array(2).fill(5);
      backend.adaptiveAvgPool1dBackward(new Float32Array([-0]), gz, { rows: 1, l: 2, lOut: 1 });
      expect(Array.from(gz).map((v) => Object.is(v, 0))).toEqual([true, true]);
    });
  });

  describe('copyBlocks', () => {
    for (const [outer, blk, srcStride, srcOffset, dstStride, dstOffset] of COPY_CASES) {
      const p: BlockCopyParams = { outer, blk, srcStride, srcOffset, dstStride, dstOffset };
      it(`outer=${outer} blk=${blk} src ${srcStride}+${srcOffset} dst ${dstStride}+${dstOffset}: the blocks, every other element kept`, () => {
        const src = specialArray(outer * srcStride, 90);
        const before = randomArray(outer * dstStride, 91, 10, 20);
        const want = before.slice();
        const got = before.slice();
        refBackend.copyBlocks(src, want, p);
        backend.copyBlocks(src, got, p);
        expectSameBits(got, want, 'dst');
        // The ref copies what the contract says: each block's bits, and nothing else.
        if (outer > 0 && blk > 0) {
          const last = (outer - 1) * dstStride + dstOffset + blk - 1;
          expect(new Uint32Array(want.buffer)[last]).toBe(new Uint32Array(src.buffer)[(outer - 1) * srcStride + srcOffset + blk - 1]);
        }
        if (dstOffset > 0) expect(want[dstOffset - 1]).toBe(before[dstOffset - 1]);
      });
    }
  });
}
