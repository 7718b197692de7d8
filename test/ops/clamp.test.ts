import { describe, expect, it } from 'vitest';
import { clamp } from '../../src/ops/clamp.js';
import { tensor } from '../../src/creation.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('clamp', () => {
  itMatchesPyTorch('clamp', ([x], args) => clamp(x, args.min, args.max));

  it('gradcheck away from the bounds', () => {
    const x = tensor([-1.5, -0.4, 0.1, 0.45, 0.8, 2], { requiresGrad: true });
    gradcheck((t) => clamp(t, -0.5, 0.5), [x]);
    gradcheck((t) => clamp(t, null, 0.3), [x]);
    gradcheck((t) => clamp(t, 0), [x]);
  });

  it('gradient passes on the boundaries (min <= x <= max)', () => {
    const x = tensor([-1, 1, 1.5, -1.5], { requiresGrad: true });
    x.clamp(-1, 1).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 1, 0, 0]);
  });

  it('errors name the op and the argument', () => {
    expect(() => clamp(tensor([1], { dtype: 'float32' }))).toThrow(RangeError);
    expect(() => clamp(tensor([1], { dtype: 'float32' }))).toThrow(/clamp: at least one of 'min' or 'max'/);
    expect(() => clamp(tensor([1], { dtype: 'float32' }), '0' as never)).toThrow(/clamp: expected min to be a number, got '0'$/);
    expect(() => clamp(tensor([1], { dtype: 'float32' }), 0, '1' as never)).toThrow(/clamp: expected max to be a number, got '1'$/);
    expect(() => clamp(tensor([true]), 0, 1)).toThrow(/clamp: not implemented for input of dtype bool/);
    expect(() => clamp(5 as never, 0, 1)).toThrow(/clamp: expected input to be a Tensor/);
  });
});
