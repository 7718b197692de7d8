/**
 * Every kernel on every available backend against the ref backend, at sizes that straddle SIMD widths
 * (4 and 8 floats) and tiles, including empty and length-1 dimensions, with seeded random inputs.
 */
import { describe, it, expect } from 'vitest';
import { testBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/allclose.js';
import { randomArray } from '../helpers/random.js';
import { refBackend } from '../../src/backend/ref/index.js';
import { convOutLength, type Conv1dParams, type MatmulParams, type SgdParams } from '../../src/backend/backend.js';

const backends = testBackends();

/** Float32 accumulation against the float64 ref: error grows with the reduction length. */
const tol = (reduce: number) => ({ rtol: 1e-4, atol: 1e-6 * (reduce + 1) });

const MATMUL_SHAPES: [number, number, number][] = [
  [0, 3, 4], [3, 0, 4], [3, 4, 0], [1, 1, 1], [1, 7, 1], [7, 1, 3], [3, 4, 5], [4, 4, 4], [5, 8, 9],
  [8, 8, 8], [9, 15, 16], [16, 17, 31], [17, 33, 7], [31, 64, 65], [65, 67, 33], [2, 129, 3], [64, 1, 257],
];
const SCALES: [number, number][] = [[1, 0], [0.5, 1], [2, -0.5]];

function convCase(
  n: number, cIn: number, cOut: number, l: number, k: number, stride = 1, padding = 0, dilation = 1, groups = 1,
): Conv1dParams {
  return { n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut: convOutLength(l, k, stride, padding, dilation) };
}

const CONV_CASES: Conv1dParams[] = [
  convCase(1, 1, 1, 1, 1),
  convCase(0, 2, 3, 5, 3, 1, 1),
  convCase(2, 3, 4, 10, 3),
  convCase(2, 3, 4, 10, 3, 1, 1),
  convCase(1, 1, 32, 1200, 7, 2, 3), // the reference model's stem
  convCase(3, 16, 24, 33, 3, 1, 1),
  convCase(2, 8, 12, 17, 5, 1, 2),
  convCase(2, 4, 6, 9, 3, 2, 1, 2),
  convCase(2, 6, 4, 15, 4, 3, 2, 1, 2),
  convCase(1, 4, 4, 8, 3, 1, 1, 1, 4), // depthwise
  convCase(2, 5, 7, 3, 5, 1, 2), // kernel longer than input, padded
  convCase(1, 2, 2, 4, 1, 4), // stride longer than kernel
  convCase(2, 3, 5, 1, 1), // length 1
  convCase(1, 9, 9, 31, 2, 1, 0, 3, 3),
  convCase(2, 7, 8, 65, 3, 1, 1),
];

const SGD_SIZES = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 1031];
const SGD_OPTIONS: Omit<SgdParams, 'firstStep'>[] = [];
for (const momentum of [0, 0.9]) {
  for (const dampening of [0, 0.5]) {
    for (const nesterov of [false, true]) {
      if (nesterov && (momentum === 0 || dampening !== 0)) continue;
      for (const weightDecay of [0, 1e-2]) {
        for (const maximize of [false, true]) {
          SGD_OPTIONS.push({ lr: 0.003, momentum, dampening, weightDecay, nesterov, maximize });
        }
      }
    }
  }
}

describe.each(backends)('$name backend conformance', (backend) => {
  describe('matmul', () => {
    for (const [m, n, k] of MATMUL_SHAPES) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          it(`m=${m} n=${n} k=${k} transA=${transA} transB=${transB}`, () => {
            for (const [alpha, beta] of SCALES) {
              const a = randomArray(m * k, 1 + m);
              const b = randomArray(k * n, 2 + n);
              const c0 = randomArray(m * n, 3 + k);
              if (beta === 0) c0.fill(Number.NaN); // beta = 0 must ignore C's old contents
              const p: MatmulParams = { m, n, k, transA, transB, alpha, beta };
              const want = c0.slice();
              refBackend.matmul(a, b, want, p);
              const got = c0.slice();
              backend.matmul(a, b, got, p);
              const t = tol(k);
              expectClose(got, want, t.rtol, t.atol, `alpha=${alpha} beta=${beta}`);
            }
          });
        }
      }
    }

    it('works on subarray views (non-zero byteOffset)', () => {
      const buf = randomArray(100, 9);
      const a = buf.subarray(3, 3 + 12); // (3, 4)
      const b = buf.subarray(20, 20 + 20); // (4, 5)
      const p: MatmulParams = { m: 3, n: 5, k: 4, transA: false, transB: false, alpha: 1, beta: 0 };
      const want = new Float32Array(15);
      refBackend.matmul(a, b, want, p);
      const got = new Float32Array(15);
      backend.matmul(a, b, got, p);
      expectClose(got, want, 1e-5, 1e-6);
    });
  });

  describe('conv1d', () => {
    for (const p of CONV_CASES) {
      const label = `n=${p.n} cIn=${p.cIn} cOut=${p.cOut} l=${p.l} k=${p.k} s=${p.stride} p=${p.padding} d=${p.dilation} g=${p.groups}`;
      const xLen = p.n * p.cIn * p.l;
      const wLen = p.cOut * (p.cIn / p.groups) * p.k;
      const yLen = p.n * p.cOut * p.lOut;
      const x = randomArray(xLen, 11);
      const w = randomArray(wLen, 12);
      const bias = randomArray(p.cOut, 13);
      const gy = randomArray(yLen, 14);
      const reduceFwd = (p.cIn / p.groups) * p.k;

      it(`forward ${label}`, () => {
        for (const withBias of [true, false]) {
          const want = new Float32Array(yLen).fill(Number.NaN);
          refBackend.conv1dForward(x, w, withBias ? bias : null, want, p);
          const got = new Float32Array(yLen).fill(Number.NaN);
          backend.conv1dForward(x, w, withBias ? bias : null, got, p);
          expectClose(got, want, tol(reduceFwd).rtol, tol(reduceFwd).atol, `bias=${withBias}`);
        }
      });

      it(`backward input ${label}`, () => {
        const want = new Float32Array(xLen).fill(Number.NaN);
        refBackend.conv1dBackwardInput(gy, w, want, p);
        const got = new Float32Array(xLen).fill(Number.NaN);
        backend.conv1dBackwardInput(gy, w, got, p);
        const r = (p.cOut / p.groups) * p.k;
        expectClose(got, want, tol(r).rtol, tol(r).atol);
      });

      it(`backward weight ${label}`, () => {
        for (const withBias of [true, false]) {
          const wantW = new Float32Array(wLen).fill(Number.NaN);
          const wantB = new Float32Array(p.cOut).fill(Number.NaN);
          refBackend.conv1dBackwardWeight(x, gy, wantW, withBias ? wantB : null, p);
          const gotW = new Float32Array(wLen).fill(Number.NaN);
          const gotB = new Float32Array(p.cOut).fill(Number.NaN);
          backend.conv1dBackwardWeight(x, gy, gotW, withBias ? gotB : null, p);
          const r = p.n * p.lOut;
          expectClose(gotW, wantW, tol(r).rtol, tol(r).atol, 'grad weight');
          if (withBias) expectClose(gotB, wantB, tol(r).rtol, tol(r).atol, 'grad bias');
          else expect(Number.isNaN(gotB[0] ?? Number.NaN)).toBe(true); // untouched when null
        }
      });
    }
  });

  describe('sgdStep', () => {
    for (const size of SGD_SIZES) {
      it(`size ${size}, every option combination, three steps in place`, () => {
        for (const opt of SGD_OPTIONS) {
          const label = JSON.stringify(opt);
          const p0 = randomArray(size, 21);
          const refP = p0.slice();
          const gotP = p0.slice();
          const refBuf = new Float32Array(size).fill(Number.NaN); // first step must ignore old contents
          const gotBuf = new Float32Array(size).fill(Number.NaN);
          for (let step = 0; step < 3; step++) {
            const g = randomArray(size, 30 + step);
            const p = { ...opt, firstStep: step === 0 };
            refBackend.sgdStep(refP, g, opt.momentum !== 0 ? refBuf : null, p);
            backend.sgdStep(gotP, g, opt.momentum !== 0 ? gotBuf : null, p);
            expectClose(gotP, refP, 1e-6, 1e-7, `param step ${step} ${label}`);
            if (opt.momentum !== 0) expectClose(gotBuf, refBuf, 1e-6, 1e-7, `buf step ${step} ${label}`);
          }
          if (size > 0) expect(gotP).not.toEqual(p0);
        }
      });
    }

    it('matches hand-computed values (momentum 0.9, dampening 0.5, weight decay 0.1)', () => {
      const param = new Float32Array([1, -2]);
      const buf = new Float32Array(2);
      const p = { lr: 0.1, momentum: 0.9, dampening: 0.5, weightDecay: 0.1, nesterov: false, maximize: false };
      backend.sgdStep(param, new Float32Array([0.5, 0.25]), buf, { ...p, firstStep: true });
      // d = g + 0.1 * w = [0.6, 0.05]; buf = d; w = w - 0.1 * buf
      expectClose(buf, [0.6, 0.05], 1e-6, 1e-7);
      expectClose(param, [0.94, -2.005], 1e-6, 1e-7);
      backend.sgdStep(param, new Float32Array([0.5, 0.25]), buf, { ...p, firstStep: false });
      // d = [0.5 + 0.094, 0.25 - 0.2005]; buf = 0.9 * buf + 0.5 * d
      const d = [0.594, 0.0495];
      const b = [0.9 * 0.6 + 0.5 * d[0], 0.9 * 0.05 + 0.5 * d[1]];
      expectClose(buf, b, 1e-6, 1e-7);
      expectClose(param, [0.94 - 0.1 * b[0], -2.005 - 0.1 * b[1]], 1e-6, 1e-7);
    });
  });
});
