/**
 * MultiheadAttention's per-head products read from the projection rows (src/ops/attention-rows.ts, the
 * bmmHeads kernel) against the chain they replace (split the heads with reshape / permute, bmm, merge them
 * back): values and the gradients of q, k and v rows, batch first and sequence first, at sizes of 1, odd,
 * and the example's heads of 32, on the backend under test; and the same for self-attention's packed
 * (.., 3E) rows (packedHeadScores, packedHeadOutput), whose gradients share one buffer.
 */
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import { Tensor } from '../../src/tensor.js';
import { headScores, headOutput, packedHeadScores, packedHeadOutput } from '../../src/ops/attention-rows.js';
import { matmul } from '../../src/ops/matmul.js';
import { softmax } from '../../src/ops/softmax.js';
import { linear } from '../../src/ops/linear.js';
import { gradBuffer, releaseGrad } from '../../src/util/grad-pool.js';
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

describe('packedHeadScores and packedHeadOutput (Q, K, V columns of packed rows) equal the narrow / split / bmm / merge chain', () => {
  // [N, L, H, hd]
  const sizes = [[1, 1, 1, 1], [2, 3, 2, 5], [3, 7, 4, 32], [2, 5, 3, 17], [2, 1, 3, 4]];
  // What else reads the rows or which product the loss leaves out: each backward then finds the packed
  // gradient pending (added into, beta 1: a linear of the rows runs its backward first and leaves a pooled
  // gradient) or makes it (the other columns zeroed: the pool holds a NaN-filled buffer of its size).
  const uses = ['both', 'rows too', 'scores only'] as const;
  for (const [n, l, h, hd] of sizes as [number, number, number, number][]) {
    for (const batchFirst of [true, false]) {
      for (const use of uses) {
        it(`N ${n} L ${l} H ${h} hd ${hd} batchFirst ${batchFirst}, ${use}: values and the packed gradient`, () => {
          const e = h * hd;
          const alpha = 1 / Math.sqrt(hd);
          const run = (inPlace: boolean) => {
            const qkv = leaf(batchFirst ? [n, l, 3 * e] : [l, n, 3 * e], 1);
            const dirty = gradBuffer(qkv.numel()).fill(NaN);
            releaseGrad(dirty);
            const split = (x: Tensor) => (batchFirst
              ? x.reshape([n, l, h, hd]).permute([0, 2, 1, 3]).reshape([n * h, l, hd])
              : x.reshape([l, n * h, hd]).transpose(0, 1));
            const [q, k, v] = [0, 1, 2].map((i) => split(qkv.narrow(2, i * e, e).contiguous()));
            const scores = inPlace ? packedHeadScores(qkv, h, alpha, batchFirst) : matmul(q!, k!.transpose(1, 2)).mul(alpha);
            const p = softmax(scores, -1);
            const out = inPlace
              ? packedHeadOutput(p, qkv, h, batchFirst)
              : batchFirst
                ? matmul(p, v!).reshape([n, h, l, hd]).permute([0, 2, 1, 3]).reshape([n * l, e])
                : matmul(p, v!).transpose(0, 1).reshape([l * n, e]);
            let loss = scores.mul(weightsLike(scores, 5)).sum();
            if (use !== 'scores only') loss = loss.add(out.mul(weightsLike(out, 4)).sum());
            if (use === 'rows too') loss = loss.add(linear(qkv, new Tensor(randomArray(2 * 3 * e, 6), [2, 3 * e])).sum());
            loss.backward();
            return { scores, out, g: qkv.grad! };
          };
          const got = run(true);
          const want = run(false);
          expect(got.scores.shape).toEqual([n * h, l, l]);
          expect(got.out.shape).toEqual(want.out.shape);
          expectClose(values(got.scores), values(want.scores.contiguous()), 1e-5, 1e-6, 'scores');
          expectClose(values(got.out), values(want.out.contiguous()), 1e-5, 1e-6, 'output');
          expect(got.g.shape).toEqual(want.g.shape);
          expectClose(values(got.g), values(want.g), 1e-4, 1e-5, 'packed gradient');
        });
      }
    }
  }
});
