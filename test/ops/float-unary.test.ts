import { describe, expect, it } from 'vitest';
import { floatUnaryOp } from '../../src/ops/float-unary.js';
import { tensor } from '../../src/creation.js';
import { sum } from '../../src/ops/sum.js';

describe('floatUnaryOp', () => {
  it('maps elementwise to float32 and records the backward it is given', () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float32', requiresGrad: true });
    const y = floatUnaryOp('cube', 'CubeBackward0', x, (v) => v * v * v, (g, v) => 3 * g * v * v);
    expect(y.dtype).toBe('float32');
    expect([...y.shape]).toEqual([2, 2]);
    expect(y.toArray()).toEqual([[1, 8], [27, 64]]);
    expect(y.gradFn?.name).toBe('CubeBackward0');
    y.backward(tensor([[1, 1], [2, 0.5]]));
    expect(x.grad!.toArray()).toEqual([[3, 12], [54, 24]]);
  });

  it('the backward sees the saved output', () => {
    const x = tensor([0, 1], { dtype: 'float32', requiresGrad: true });
    sum(floatUnaryOp('exp', 'ExpBackward0', x, Math.exp, (g, _v, y) => g * y)).backward();
    expect(Array.from(x.grad!.data)).toEqual([1, Math.fround(Math.E)]);
  });

  it('integer input gives float32; a non-tensor input names the op', () => {
    const y = floatUnaryOp('half', 'HalfBackward0', tensor([3, -1], { dtype: 'int64' }), (v) => v / 2, (g) => g / 2);
    expect(y.dtype).toBe('float32');
    expect(Array.from(y.data)).toEqual([1.5, -0.5]);
    expect(() => floatUnaryOp('half', 'HalfBackward0', [1] as never, (v) => v, (g) => g)).toThrow(/half: expected input to be a Tensor/);
  });
});
