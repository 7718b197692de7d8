import { describe, expect, it } from 'vitest';
import { toDtype } from '../../src/ops/to-dtype.js';
import { tensor } from '../../src/creation.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('toDtype', () => {
  itMatchesPyTorch('toDtype', ([x], a) => toDtype(x, a.dtype));

  it('same dtype returns the tensor itself; conversions never require grad', () => {
    const x = tensor([1.5, -2.5], { requiresGrad: true });
    expect(x.float()).toBe(x);
    expect(x.to('float32')).toBe(x);
    const l = x.long();
    expect(l.dtype).toBe('int64');
    expect(l.toArray()).toEqual([1, -2]);
    expect(l.requiresGrad).toBe(false);
    expect(x.bool().toArray()).toEqual([true, true]);
    expect(tensor([1, 0], { dtype: 'int64' }).float().dtype).toBe('float32');
  });

  it('NaN and out-of-range floats become -2^63 like PyTorch', () => {
    expect(tensor([Number.NaN, Infinity, 1e30]).long().toArray()).toEqual([-(2 ** 63), -(2 ** 63), -(2 ** 63)]);
  });

  it('errors name the op and the argument', () => {
    expect(() => toDtype(tensor([1], { dtype: 'float32' }), 'float64' as never)).toThrow(TypeError);
    expect(() => toDtype(tensor([1], { dtype: 'float32' }), 'float64' as never)).toThrow(/toDtype: expected dtype to be one of 'float32', 'int64', 'bool', got 'float64'$/);
    expect(() => toDtype(1 as never, 'int64')).toThrow(/toDtype: expected input to be a Tensor, got 1$/);
  });
});
