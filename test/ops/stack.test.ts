import { describe, expect, it } from 'vitest';
import { stack } from '../../src/ops/stack.js';
import { tensor, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('stack', () => {
  itMatchesPyTorch('stack', (inputs, a) => stack(inputs, a.dim));

  it('gradcheck', () => {
    const g = new Generator(15);
    const a = randn([2, 3], { generator: g, requiresGrad: true });
    const b = randn([2, 3], { generator: g, requiresGrad: true });
    const c = randn([2, 3], { generator: g });
    gradcheck((x, y, z) => stack([x, y, z], 1), [a, b, c]);
    gradcheck((x, y) => stack([x, y, x], -1), [a, b]);
  });

  it('a constant input gets no gradient', () => {
    const a = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const b = tensor([3, 4], { dtype: 'float32' });
    stack([a, b]).sum().backward();
    expect(b.grad).toBeNull();
    expect(Array.from(a.grad!.data)).toEqual([1, 1]);
  });

  it('errors name the op and the argument', () => {
    expect(() => stack([])).toThrow(/stack: expected a non-empty array of tensors/);
    expect(() => stack(tensor([1], { dtype: 'float32' }) as never)).toThrow(TypeError);
    expect(() => stack([tensor([1], { dtype: 'float32' }), 2 as never])).toThrow(/stack: expected tensors\[1\] to be a Tensor, got 2$/);
    expect(() => stack([tensor([1, 2], { dtype: 'float32' }), tensor([1, 2, 3], { dtype: 'float32' })])).toThrow(RangeError);
    expect(() => stack([tensor([1, 2], { dtype: 'float32' }), tensor([1, 2, 3], { dtype: 'float32' })])).toThrow(/stack: expects each tensor to be equal size, but got \(2,\) at entry 0 and \(3,\) at entry 1/);
    expect(() => stack([tensor([1, 2], { dtype: 'float32' })], 2)).toThrow(/stack: dim out of range \(expected to be in range of \[-2, 1\], but got 2\)/);
  });
});
