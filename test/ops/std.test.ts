import { describe, expect, it } from 'vitest';
import { std } from '../../src/ops/std.js';
import { tensor, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('std', () => {
  itMatchesPyTorch('std', ([x], args) => std(x, args.dim, { correction: args.correction, unbiased: args.unbiased, keepdim: args.keepdim }));

  it('gradcheck', () => {
    const x = randn([3, 4], { generator: new Generator(9), requiresGrad: true });
    gradcheck((t) => std(t), [x]);
    gradcheck((t) => std(t, 0, { keepdim: true }), [x]);
    gradcheck((t) => std(t, [-1], { unbiased: false }), [x]);
  });

  it('gradient is 0 where std is 0', () => {
    const x = tensor([[2, 2], [1, 3]], { dtype: 'float32', requiresGrad: true });
    x.std(1).sum().backward();
    expect(Array.from(x.grad!.data).slice(0, 2)).toEqual([0, 0]);
  });

  it('errors name the op and the argument', () => {
    expect(() => std(tensor([true]))).toThrow(/std: only supports floating point input, got input of dtype bool/);
    expect(() => std(tensor([1, 2], { dtype: 'float32' }), 0, { unbiased: 1 as never })).toThrow(/std: expected unbiased to be a boolean/);
    expect(() => std(tensor([1, 2], { dtype: 'float32' }), 3)).toThrow(/std: dim out of range/);
    expect(() => std(7 as never)).toThrow(/std: expected input to be a Tensor/);
  });
});
