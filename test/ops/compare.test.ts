import { describe, expect, it } from 'vitest';
import { eq, ne, lt, le, gt, ge } from '../../src/ops/compare.js';
import { tensor } from '../../src/creation.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

const OPS = { eq, ne, lt, le, gt, ge };

describe('comparisons', () => {
  for (const [name, fn] of Object.entries(OPS)) {
    describe(name, () => {
      itMatchesPyTorch(name, ([a, b], args) => fn(a, args.other ?? b));

      it('bool result, no gradient, method form', () => {
        const x = tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
        const r = (x as any)[name](2);
        expect(r.dtype).toBe('bool');
        expect(r.requiresGrad).toBe(false);
        expect(r.gradFn).toBeNull();
      });

      it('errors name the op and the argument', () => {
        expect(() => fn(tensor([1, 2], { dtype: 'float32' }), tensor([1, 2, 3], { dtype: 'float32' }))).toThrow(RangeError);
        expect(() => fn(tensor([1, 2], { dtype: 'float32' }), tensor([1, 2, 3], { dtype: 'float32' }))).toThrow(new RegExp(`${name}: the size of tensor a \\(2\\) must match`));
        expect(() => fn(tensor([1], { dtype: 'float32' }), 'a' as never)).toThrow(TypeError);
        expect(() => fn(tensor([1], { dtype: 'float32' }), 'a' as never)).toThrow(new RegExp(`${name}: expected other to be a Tensor or a number, got string`));
        expect(() => fn(1 as never, tensor([1], { dtype: 'float32' }))).toThrow(new RegExp(`${name}: expected input to be a Tensor, got 1$`));
      });
    });
  }

  it('values on a small table', () => {
    const a = tensor([1, 2, 3], { dtype: 'float32' });
    expect(a.eq(2).toArray()).toEqual([false, true, false]);
    expect(a.ne(2).toArray()).toEqual([true, false, true]);
    expect(a.lt(2).toArray()).toEqual([true, false, false]);
    expect(a.le(2).toArray()).toEqual([true, true, false]);
    expect(a.gt(2).toArray()).toEqual([false, false, true]);
    expect(a.ge(2).toArray()).toEqual([false, true, true]);
    expect(tensor([true, false]).eq(0).toArray()).toEqual([false, true]);
  });
});
