/**
 * MultiheadAttention's per-head products read from the projection rows (src/ops/attention-rows.ts, the
 * bmmHeads kernel) against the chain they replace (split the heads with reshape / permute, bmm, merge them
 * back): values and the gradients of q, k and v rows, batch first and sequence first, at sizes of 1, odd,
 * and the example's heads of 32, on the backend under test.
 */
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import { Tensor } from '../../src/tensor.js';
import { headScores, headOutput } from '../../src/ops/attention-rows.js';
import { matmul } from '../../src/ops/matmul.js';
import { softmax } from '../../src/ops/softmax.js';
import { randomArray } from '../helpers/random.js';
import { expectClose } from '../helpers/allclose.js';

const leaf = (shape: number[], seed: number) => new Tensor(randomArray(shape.reduce((a, b) => a * b, 1), seed), shape).requiresGrad_();
const weightsLike = (t: Tensor, seed: number) => new Tensor(randomArray(t.numel(), seed, -2, 2), t.shape);
const values = (t: Tensor) => t.data as Float32Array;

describe('headScores and headOutput (attention heads read in place) equal the split / bmm / merge chain', () => {
  // [N, L, S, H, hd]
  const sizes = [[1, 1, 1, 1, 1], [2, 3, 5, 2, 5], [3, 7, 4, 4, 32], [2, 5, 3, 3, 17], [1, 4, 6, 1, 8], [2, 1, 9, 3, 4]];
  for (const [n, l, s, h, hd] of sizes as [number, number, number, number, number][]) {
    for (const batchFirst of [true, false]) {
      it(`N ${n} L ${l} S ${s} H ${h} hd ${hd} batchFirst ${batchFirst}: values and gradients`, () => {
        const e = h * hd;
        const rows = (len: number) => (batchFirst ? [n, len, e] : [len, n, e]);
        const alpha = 1 / Math.sqrt(hd);
        /** The scores, the merged output and the q, k, v row gradients of a weighted sum of both. */
        const run = (inPlace: boolean) => {
          const [q, k, v] = [leaf(rows(l), 1), leaf(rows(s), 2), leaf(rows(s), 3)];
          const split = (x: Tensor, len: number) => (batchFirst
            ? x.reshape([n, len, h, hd]).permute([0, 2, 1, 3]).reshape([n * h, len, hd])
            : x.reshape([len, n * h, hd]).transpose(0, 1));
          const scores = inPlace ? headScores(q, k, h, alpha, batchFirst) : matmul(split(q, l), split(k, s).transpose(1, 2)).mul(alpha);
          const p = softmax(scores, -1);
          const out = inPlace
            ? headOutput(p, v, h, batchFirst)
            : batchFirst
              ? matmul(p, split(v, s)).reshape([n, h, l, hd]).permute([0, 2, 1, 3]).reshape([n * l, e])
              : matmul(p, split(v, s)).transpose(0, 1).reshape([l * n, e]);
          out.mul(weightsLike(out, 4)).sum().add(scores.mul(weightsLike(scores, 5)).sum()).backward();
          return { scores, out, gq: q.grad!, gk: k.grad!, gv: v.grad! };
        };
        const got = run(true);
        const want = run(false);
        expect(got.scores.shape).toEqual([n * h, l, s]);
        expect(got.out.shape).toEqual(want.out.shape);
        expectClose(values(got.scores), values(want.scores.contiguous()), 1e-5, 1e-6, 'scores');
        expectClose(values(got.out), values(want.out.contiguous()), 1e-5, 1e-6, 'output');
        for (const g of ['gq', 'gk', 'gv'] as const) {
          expect(got[g].shape).toEqual(want[g].shape);
          expectClose(values(got[g]), values(want[g].contiguous()), 1e-4, 1e-5, g);
        }
      });
    }
  }
});
