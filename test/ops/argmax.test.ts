import { describe, expect, it } from 'vitest';
import { argmax } from '../../src/ops/argmax.js';
import { tensor } from '../../src/creation.js';
import { Tensor } from '../../src/tensor.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('argmax', () => {
  itMatchesPyTorch('argmax', ([x], args) => argmax(x, args.dim, args.keepdim ?? false));

  it('is int64, flat index without dim, never differentiable', () => {
    const x = tensor([[1, 9], [9, 2]], { dtype: 'float32', requiresGrad: true });
    const r = x.argmax();
    expect(r.dtype).toBe('int64');
    expect(r.item()).toBe(1);
    expect(r.requiresGrad).toBe(false);
    expect(x.argmax(0).toArray()).toEqual([1, 0]);
    expect(argmax(tensor([1, Number.NaN, 5])).item()).toBe(1);
  });

  it('errors name the op and the argument', () => {
    expect(() => argmax(tensor([1, 2], { dtype: 'float32' }), 2)).toThrow(/argmax: dim out of range/);
    expect(() => argmax(tensor([1, 2], { dtype: 'float32' }), 1.5)).toThrow(TypeError);
    expect(() => argmax(tensor([1, 2], { dtype: 'float32' }), 0, 'yes' as never)).toThrow(/argmax: expected keepdim to be a boolean/);
    expect(() => argmax(new Tensor(new Float32Array(0), [0]))).toThrow(/argmax: expected reduction dim to be specified/);
    expect(() => argmax({} as never)).toThrow(/argmax: expected input to be a Tensor, got an object$/);
  });
});
