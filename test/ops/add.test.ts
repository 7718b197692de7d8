import { describe, expect, it } from 'vitest';
import { add, sub } from '../../src/ops/add.js';
import { randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('add', () => {
  itMatchesPyTorch('add', ([a, b], args) => add(a, args.other ?? b, args.alpha));

  it('gradcheck with broadcasting and alpha', () => {
    const g = new Generator(30);
    const a = randn([2, 1, 3], { generator: g, requiresGrad: true });
    const b = randn([4, 1], { generator: g, requiresGrad: true });
    gradcheck((x, y) => add(x, y), [a, b]);
    gradcheck((x, y) => add(x, y, -2.5), [a, b]);
    gradcheck((x) => add(3, x), [b]);
  });

  it('method form', () => {
    expect(tensor([1, 2], { dtype: 'float32' }).add(tensor([10, 20], { dtype: 'float32' }), 2).toArray()).toEqual([21, 42]);
  });

  it('errors name the op and the argument', () => {
    expect(() => add(tensor([1, 2], { dtype: 'float32' }), tensor([1, 2, 3], { dtype: 'float32' }))).toThrow(RangeError);
    expect(() => add(tensor([1, 2], { dtype: 'float32' }), tensor([1, 2, 3], { dtype: 'float32' }))).toThrow(/add: the size of tensor a \(2\) must match the size of tensor b \(3\) at non-singleton dimension 0/);
    expect(() => add(tensor([1], { dtype: 'float32' }), 'x' as never)).toThrow(TypeError);
    expect(() => add(tensor([1], { dtype: 'float32' }), 'x' as never)).toThrow(/add: expected other to be a Tensor or a number, got string/);
  });
});

describe('sub', () => {
  itMatchesPyTorch('sub', ([a, b], args) => sub(a, args.other ?? b, args.alpha));

  it('gradcheck with broadcasting and alpha', () => {
    const g = new Generator(31);
    const a = randn([3, 1], { generator: g, requiresGrad: true });
    const b = randn([1, 4], { generator: g, requiresGrad: true });
    gradcheck((x, y) => sub(x, y), [a, b]);
    gradcheck((x, y) => sub(x, y, 0.5), [a, b]);
  });

  it('method form', () => {
    expect(tensor([5, 5], { dtype: 'float32' }).sub(tensor([1, 2], { dtype: 'float32' })).toArray()).toEqual([4, 3]);
  });

  it('errors name the op and the argument', () => {
    expect(() => sub(tensor([1, 2], { dtype: 'float32' }), tensor([[1], [2], [3]], { dtype: 'float32' }).reshape(1, 3))).toThrow(/sub: the size of tensor a \(2\) must match/);
    expect(() => sub(tensor([1], { dtype: 'float32' }), null as never)).toThrow(/sub: expected other to be a Tensor or a number, got null/);
  });
});
