import { describe, expect, it } from 'vitest';
import { narrow } from '../../src/ops/narrow.js';
import { randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('narrow', () => {
  itMatchesPyTorch('narrow', ([x], a) => narrow(x, a.dim, a.start, a.length));

  it('gradcheck', () => {
    const x = randn([3, 5], { generator: new Generator(18), requiresGrad: true });
    gradcheck((v) => narrow(v, 1, 1, 3), [x]);
    gradcheck((v) => narrow(v, 0, -2, 2), [x]);
  });

  it('method form', () => {
    expect(tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' }).narrow(1, 1, 2).toArray()).toEqual([[2, 3], [5, 6]]);
  });

  it('errors name the op and the argument', () => {
    const x = randn([3, 4]);
    expect(() => narrow(x, 2, 0, 1)).toThrow(/narrow: dim out of range/);
    expect(() => narrow(x, 0, 4, 0)).toThrow(RangeError);
    expect(() => narrow(x, 0, 4, 0)).toThrow(/narrow: start out of range \(expected to be in range of \[-3, 3\], but got 4\)/);
    expect(() => narrow(x, 0, 1, 3)).toThrow(/narrow: start \(1\) \+ length \(3\) exceeds dimension size \(3\)/);
    expect(() => narrow(x, 0, 0, -1)).toThrow(/narrow: length must be non-negative/);
    expect(() => narrow(x, 0, 0.5, 1)).toThrow(TypeError);
    expect(() => narrow(x, 0, 0.5, 1)).toThrow(/narrow: expected start to be an integer/);
    expect(() => narrow(x, 0, 0, '1' as never)).toThrow(/narrow: expected length to be an integer/);
    expect(() => narrow(tensor(1, { dtype: 'float32' }), 0, 0, 1)).toThrow(/narrow: cannot be applied to a 0-dim tensor/);
  });
});
