import { describe, expect, it } from 'vitest';
import { pow } from '../../src/ops/pow.js';
import { tensor, rand, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('pow', () => {
  itMatchesPyTorch('pow', ([a, b], args) => {
    if (args.input !== undefined) return pow(args.input, a);
    return pow(a, args.exponent ?? b);
  }, { rtol: 2e-5, atol: 1e-5 });

  it('gradcheck: tensor ^ scalar', () => {
    const g = new Generator(2);
    const x = randn([2, 3], { generator: g, requiresGrad: true });
    gradcheck((t) => pow(t, 3), [x]);
    gradcheck((t) => pow(t, 2), [x]);
    const p = rand([4], { generator: g }).add(0.5).detach().requiresGrad_();
    gradcheck((t) => pow(t, -1.5), [p]);
    gradcheck((t) => pow(t, 0.5), [p]);
  });

  it('gradcheck: tensor ^ tensor with broadcasting, scalar ^ tensor', () => {
    const g = new Generator(3);
    const a = rand([2, 3], { generator: g }).add(0.5).detach().requiresGrad_();
    const b = randn([3], { generator: g, requiresGrad: true });
    gradcheck((x, y) => pow(x, y), [a, b]);
    gradcheck((y) => pow(2.5, y), [b]);
  });

  it('dtypes follow PyTorch', () => {
    const i = tensor([2, 3], { dtype: 'int64' });
    expect(pow(i, 2).dtype).toBe('int64');
    expect(pow(i, 2).toArray()).toEqual([4, 9]);
    expect(pow(i, 0.5).dtype).toBe('float32');
    expect(pow(2, i).dtype).toBe('int64');
    expect(tensor([1, 2], { dtype: 'float32' }).pow(2).toArray()).toEqual([1, 4]);
  });

  it('errors name the op and the argument', () => {
    expect(() => pow(2 as never, 3 as never)).toThrow(TypeError);
    expect(() => pow(2 as never, 3 as never)).toThrow(/pow: expected input or exponent to be a Tensor/);
    expect(() => pow(tensor([1], { dtype: 'int64' }), -1)).toThrow(RangeError);
    expect(() => pow(tensor([1], { dtype: 'int64' }), -1)).toThrow(/pow: integers to negative integer powers.*exponent/);
    expect(() => pow(tensor([1, 2], { dtype: 'float32' }), tensor([1, 2, 3], { dtype: 'float32' }))).toThrow(/pow: the size of tensor a/);
    expect(() => pow(tensor([1], { dtype: 'float32' }), null as never)).toThrow(/pow: expected exponent to be a Tensor or a number, got null/);
  });
});
