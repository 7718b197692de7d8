import { describe, expect, it } from 'vitest';
import { where } from '../../src/ops/where.js';
import { randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('where', () => {
  itMatchesPyTorch('where', ([c, a, b], args) => where(c, a, args.other ?? b));

  it('gradcheck with broadcasting', () => {
    const g = new Generator(23);
    const a = randn([3], { generator: g, requiresGrad: true });
    const b = randn([2, 1], { generator: g, requiresGrad: true });
    const c = tensor([[true, false, true], [false, false, true]]);
    gradcheck((x, y) => where(c, x, y), [a, b]);
    gradcheck((x) => where(c, x, 0), [a]);
    gradcheck((y) => where(c, 1.5, y), [b]);
  });

  it('method form x.where(cond, other) and dtypes', () => {
    const x = tensor([1, 2], { dtype: 'float32' });
    expect(x.where(tensor([true, false]), 0).toArray()).toEqual([1, 0]);
    const i = tensor([1, 2], { dtype: 'int64' });
    expect(where(tensor([true, false]), i, 5).dtype).toBe('int64');
    expect(where(tensor([true, false]), i, 2.5).dtype).toBe('float32');
  });

  it('errors name the op and the argument', () => {
    expect(() => where(tensor([1, 0], { dtype: 'float32' }), tensor([1, 2], { dtype: 'float32' }), 0)).toThrow(TypeError);
    expect(() => where(tensor([1, 0], { dtype: 'float32' }), tensor([1, 2], { dtype: 'float32' }), 0)).toThrow(/where: expected condition to be a bool tensor, got float32/);
    expect(() => where([true] as never, tensor([1], { dtype: 'float32' }), 0)).toThrow(/where: expected condition to be a Tensor, got an array/);
    expect(() => where(tensor([true, false, true]), tensor([1, 2], { dtype: 'float32' }), 0)).toThrow(/where: the size of tensor a \(3\) must match the size of tensor b \(2\)/);
    expect(() => where(tensor([true]), 'a' as never, 0)).toThrow(/where: expected input to be a Tensor or a number, got string/);
  });
});
