import { describe, expect, it } from 'vitest';
import { select } from '../../src/ops/select.js';
import { randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('select', () => {
  itMatchesPyTorch('select', ([x], a) => select(x, a.dim, a.index));

  it('gradcheck', () => {
    const x = randn([2, 3, 4], { generator: new Generator(19), requiresGrad: true });
    gradcheck((v) => select(v, 1, 2), [x]);
    gradcheck((v) => select(v, -1, -4), [x]);
  });

  it('method form removes the dim', () => {
    const r = tensor([[1, 2], [3, 4]], { dtype: 'float32' }).select(1, -1);
    expect(r.shape).toEqual([2]);
    expect(r.toArray()).toEqual([2, 4]);
  });

  it('errors name the op and the argument', () => {
    const x = randn([3, 4]);
    expect(() => select(x, 0, 3)).toThrow(RangeError);
    expect(() => select(x, 0, 3)).toThrow(/select: index 3 out of range for tensor of size \(3, 4\) at dimension 0/);
    expect(() => select(x, 1, -5)).toThrow(/select: index -5 out of range/);
    expect(() => select(x, 2, 0)).toThrow(/select: dim out of range/);
    expect(() => select(x, 0, 1.5)).toThrow(/select: expected index to be an integer/);
    expect(() => select(tensor(2, { dtype: 'float32' }), 0, 0)).toThrow(/select: cannot be applied to a 0-dim tensor/);
  });
});
