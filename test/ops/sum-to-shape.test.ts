import { describe, expect, it } from 'vitest';
import { sumToShape } from '../../src/ops/broadcast.js';
import { Tensor } from '../../src/tensor.js';
import { add, sub } from '../../src/index.js';
import { randomArray } from '../helpers/random.js';

/** The spec of sumToShape: each target element the float64 sum, in row-major order of g, of the elements broadcast from it. */
function naive(g: Float32Array, gShape: number[], shape: number[]): Float32Array {
  const nd = gShape.length;
  const off = nd - shape.length;
  const acc = new Float64Array(shape.reduce((a, b) => a * b, 1));
  const idx = new Array<number>(nd).fill(0);
  for (let f = 0; f < g.length; f++) {
    let t = 0;
    for (let d = off; d < nd; d++) t = t * shape[d - off]! + (shape[d - off] === 1 ? 0 : idx[d]!);
    acc[t] += g[f]!;
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d]! < gShape[d]!) break;
      idx[d] = 0;
    }
  }
  return Float32Array.from(acc);
}

/** Values over a wide range (float32 accumulation or another order would change bits), some signed zeros. */
function gradient(n: number, seed: number): Float32Array {
  const d = randomArray(n, seed, -1, 1);
  for (let i = 0; i < n; i++) d[i] = d[i]! * 2 ** ((i * 7) % 25 - 12);
  for (let i = seed % 5; i < n; i += 11) d[i] = i % 2 ? 0 : -0;
  return d;
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.slice().buffer));

describe('sumToShape (the gradient of a broadcast)', () => {
  // [g shape, target shape]: repeated trailing blocks (the columnSum path) with 1, odd and SIMD-edge column
  // counts and rows, leading 1s, a scalar target; then broadcasts that are not a trailing block.
  const cases: [number[], number[]][] = [
    [[16, 64, 128], [64, 128]], [[3, 5, 7], [5, 7]], [[1, 9], [9]], [[9, 1], [1]], [[4, 3], []], [[2, 7, 17], [1, 7, 17]],
    [[33, 8], [8]], [[5, 15], [15]], [[5, 16], [16]], [[7, 31], [31]], [[3, 32], [32]], [[2, 65], [65]], [[0, 4], [4]],
    [[2, 3, 4], [3, 1]], [[2, 3, 4], [2, 1, 4]], [[3, 4], [3, 1]], [[2, 3, 4], [1, 3, 1]],
  ];
  for (const [gs, ts] of cases) {
    it(`${JSON.stringify(gs)} -> ${JSON.stringify(ts)}: the float64 row-order sum to the bit`, () => {
      const n = gs.reduce((a, b) => a * b, 1);
      const g = gradient(n, gs.length + n);
      const got = sumToShape(new Tensor(g, gs), ts);
      expect(got.shape).toEqual(ts);
      expect(bits(got.data as Float32Array)).toEqual(bits(naive(g, gs, ts)));
    });
  }

  it('returns g itself for the same shape', () => {
    const g = new Tensor(gradient(6, 1), [2, 3]);
    expect(sumToShape(g, [2, 3])).toBe(g);
  });

  it('serves the positional-table add and its sub: the broadcast side gets the column sums', () => {
    const a = new Tensor(gradient(3 * 5 * 7, 2), [3, 5, 7]).requiresGrad_();
    const b = new Tensor(gradient(5 * 7, 3), [5, 7]).requiresGrad_();
    const w = gradient(3 * 5 * 7, 4);
    add(a, b).mul(new Tensor(w, [3, 5, 7])).sum().backward();
    expect(bits(b.grad!.data as Float32Array)).toEqual(bits(naive(w, [3, 5, 7], [5, 7])));
    b.grad = null;
    sub(a, b).mul(new Tensor(w, [3, 5, 7])).sum().backward();
    expect(bits(b.grad!.data as Float32Array)).toEqual(bits(naive(w.map((x) => -x), [3, 5, 7], [5, 7])));
  });
});
