import { describe, expect, it } from 'vitest';
import { splitHeads, mergeHeads } from '../../src/ops/attention-heads.js';
import { Tensor } from '../../src/tensor.js';
import '../../src/index.js';
import { randomArray } from '../helpers/random.js';

const bits = (t: Tensor) => Array.from(new Uint32Array((t.data as Float32Array).slice().buffer));

/** Distinct values (each element's own index in its low bits), so a misplaced element changes the bits. */
function input(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = randomArray(n, seed, 1, 2);
  for (let i = 0; i < n; i++) d[i] = d[i]! + i;
  return new Tensor(d, shape).requiresGrad_();
}

/** value and input gradient of f(x) weighted by w (sum of f(x) * w), for a fresh leaf x. */
function run(f: (x: Tensor) => Tensor, shape: number[], seed: number): { y: Tensor; gx: Tensor } {
  const x = input(shape, seed);
  const y = f(x);
  y.mul(new Tensor(randomArray(y.numel(), seed + 1, -2, 2), y.shape)).sum().backward();
  return { y, gx: x.grad! };
}

describe('splitHeads and mergeHeads (the reshape / permute / contiguous chains of MultiheadAttention)', () => {
  // [N, len, H, hd]: ones, odd sizes, the transformer example's heads of 32
  const sizes = [[1, 1, 1, 1], [2, 3, 2, 5], [3, 7, 4, 32], [2, 5, 3, 17], [1, 4, 1, 8], [2, 0, 2, 3]];
  for (const [n, len, h, hd] of sizes as [number, number, number, number][]) {
    for (const batchFirst of [true, false]) {
      const e = h * hd;
      const rowsShape = batchFirst ? [n, len, e] : [len, n, e];
      it(`split N ${n} len ${len} H ${h} hd ${hd} batchFirst ${batchFirst}: the chain's values and gradient`, () => {
        const got = run((x) => splitHeads(x, h, batchFirst), rowsShape, 3);
        const want = run((x) => (batchFirst ? x.reshape([n, len, h, hd]).permute([0, 2, 1, 3]) : x.reshape([len, n, h, hd]).permute([1, 2, 0, 3])).contiguous().reshape([n * h, len, hd]), rowsShape, 3);
        expect(got.y.shape).toEqual(want.y.shape);
        expect(bits(got.y)).toEqual(bits(want.y));
        expect(bits(got.gx)).toEqual(bits(want.gx));
      });
      it(`merge N ${n} len ${len} H ${h} hd ${hd} batchFirst ${batchFirst}: the chain's values and gradient`, () => {
        const headsShape = [n * h, len, hd];
        const got = run((x) => mergeHeads(x, n, batchFirst), headsShape, 5);
        const want = run((x) => x.reshape([n, h, len, hd]).permute(batchFirst ? [0, 2, 1, 3] : [2, 0, 1, 3]).contiguous().reshape([n * len, e]), headsShape, 5);
        expect(got.y.shape).toEqual(want.y.shape);
        expect(bits(got.y)).toEqual(bits(want.y));
        expect(bits(got.gx)).toEqual(bits(want.gx));
      });
    }
  }
});
