import { describe, expect, it } from 'vitest';
import { floatBinary, type FloatBinaryOp } from '../../src/ops/float-binary.js';
import { binaryMap } from '../../src/ops/elementwise.js';
import { Tensor } from '../../src/tensor.js';
import { randomArray } from '../helpers/random.js';

const F: Record<FloatBinaryOp, (x: number, y: number) => number> = { add: (x, y) => x + y, sub: (x, y) => x - y, mul: (x, y) => x * y };

/** A float32 tensor of `shape` with random values and some NaN, inf and signed zeros. */
function make(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = randomArray(n, seed, -3, 3);
  const specials = [Number.NaN, Infinity, -Infinity, 0, -0];
  for (let i = seed % 3; i < n; i += 7) d[i] = specials[i % specials.length]!;
  return new Tensor(d, shape);
}

describe('floatBinary (the float32 fast path of add, sub, mul)', () => {
  // [a shape, b shape]: equal, a scalar either side, a suffix repeated either side (with leading 1s), empty.
  const served: [number[], number[]][] = [
    [[5], [5]], [[2, 3, 4], [2, 3, 4]], [[3, 4], []], [[], [3, 4]], [[1], [2, 7]], [[2, 3, 4], [4]], [[4], [2, 3, 4]],
    [[2, 3, 4], [3, 4]], [[1, 1, 3, 4], [2, 1, 3, 4]], [[16, 9, 17], [1, 9, 17]], [[0, 4], [4]], [[2, 3, 1], [3, 1]], [[1], [1]],
    // blocks of 1024 and more (the backend's add kernel): equal shapes, a repeated block either side, odd sizes
    [[1024], [1024]], [[3, 1031], [3, 1031]], [[3, 1031], [1031]], [[1, 1031], [2, 1031]], [[2, 4, 257], [4, 257]],
  ];
  for (const op of ['add', 'sub', 'mul'] as const) {
    for (const [sa, sb] of served) {
      it(`${op} ${JSON.stringify(sa)} with ${JSON.stringify(sb)}: binaryMap's shape and bits`, () => {
        const a = make(sa, 3 + sa.length);
        const b = make(sb, 11 + sb.length);
        const got = floatBinary(op, a, b);
        const want = binaryMap(op, a, b, F[op], 'float32');
        expect(got).not.toBeNull();
        expect(got!.shape).toEqual(want.shape);
        expect(got!.dtype).toBe('float32');
        expect(new Uint32Array((got!.data as Float32Array).slice().buffer)).toEqual(new Uint32Array((want.data as Float32Array).slice().buffer));
      });
    }
  }

  it('leaves other broadcasts and dtypes to binaryMap (null)', () => {
    expect(floatBinary('add', make([3, 1], 1), make([1, 4], 2))).toBeNull(); // both sides broadcast
    expect(floatBinary('add', make([2, 3, 4], 1), make([3, 1], 2))).toBeNull(); // not a trailing block
    expect(floatBinary('mul', make([2, 3, 4], 1), make([2, 1, 4], 2))).toBeNull(); // a middle dim broadcast
    expect(floatBinary('add', make([3], 1), new Tensor(new Float64Array([1, 2, 3]), [3], 'int64'))).toBeNull();
  });

  it('refuses shapes that do not broadcast with the op name, as binaryMap does', () => {
    expect(() => floatBinary('sub', make([2, 3], 1), make([4], 2))).toThrow(/^sub: the size of tensor a \(3\) must match the size of tensor b \(4\)/);
  });
});
