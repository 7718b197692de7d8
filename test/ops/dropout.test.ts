import { describe, expect, it } from 'vitest';
import { dropout } from '../../src/ops/dropout.js';
import { ones, randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import '../../src/ops/methods.js';

describe('dropout', () => {
  it('keeps about 1 - p of the elements, scaled by 1 / (1 - p); the gradient uses the same mask', () => {
    const x = ones([100000], { requiresGrad: true });
    const y = dropout(x, 0.2, true, new Generator(1));
    let kept = 0;
    let other = 0;
    for (const v of y.data) {
      if (v === 1.25) kept++;
      else if (v !== 0) other++;
    }
    expect(other).toBe(0);
    expect(kept / 100000).toBeGreaterThan(0.795);
    expect(kept / 100000).toBeLessThan(0.805);
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual(Array.from(y.data));
  });

  it('is reproducible with a seeded generator', () => {
    const x = randn([50], { generator: new Generator(3) });
    expect(Array.from(dropout(x, 0.5, true, new Generator(7)).data)).toEqual(Array.from(dropout(x, 0.5, true, new Generator(7)).data));
  });

  it('eval mode and p = 0 return the input itself; p = 1 gives zeros (NaN stays NaN)', () => {
    const x = tensor([1, 2, Number.NaN]);
    expect(dropout(x, 0.5, false)).toBe(x);
    expect(dropout(x, 0)).toBe(x);
    const y = dropout(tensor([1, -2], { dtype: 'float32' }), 1);
    expect(Array.from(y.data)).toEqual([0, -0]);
    expect(Number.isNaN(dropout(x, 1).data[2])).toBe(true);
  });

  it('gradcheck with a fixed mask (same generator seed on every call)', () => {
    const x = randn([4, 5], { generator: new Generator(5) }).requiresGrad_();
    gradcheck((t) => dropout(t, 0.3, true, new Generator(9)), [x]);
  });

  it('errors name the op and the argument', () => {
    expect(() => dropout(ones([2]), 1.5)).toThrow(RangeError);
    expect(() => dropout(ones([2]), 1.5)).toThrow(/dropout: dropout probability has to be between 0 and 1, but got 1.5/);
    expect(() => dropout(ones([2]), -0.1)).toThrow(/but got -0.1/);
    expect(() => dropout('x' as never)).toThrow(/dropout: expected input to be a Tensor, got 'x'$/);
  });
});
