import { describe, expect, it } from 'vitest';
import { argmin } from '../../src/ops/argmin.js';
import { tensor } from '../../src/creation.js';
import { Tensor } from '../../src/tensor.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('argmin', () => {
  itMatchesPyTorch('argmin', ([x], args) => argmin(x, args.dim, args.keepdim ?? false));

  it('is int64, flat index without dim', () => {
    const x = tensor([[1, 0], [0, 2]], { dtype: 'float32' });
    expect(x.argmin().item()).toBe(1);
    expect(x.argmin(1, true).shape).toEqual([2, 1]);
    expect(x.argmin(1, true).toArray()).toEqual([[1], [0]]);
  });

  it('errors name the op and the argument', () => {
    expect(() => argmin(tensor([[1, 2]], { dtype: 'float32' }), -3)).toThrow(/argmin: dim out of range \(expected to be in range of \[-2, 1\], but got -3\)/);
    expect(() => argmin(new Tensor(new Float32Array(0), [3, 0]), 1)).toThrow(/argmin: expected reduction dim 1 to have non-zero size/);
    expect(() => argmin('x' as never)).toThrow(/argmin: expected input to be a Tensor, got 'x'$/);
  });
});
