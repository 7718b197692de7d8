import { describe, expect, it } from 'vitest';
import { mul } from '../../src/ops/mul.js';
import { randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('mul', () => {
  itMatchesPyTorch('mul', ([a, b], args) => (args.self ? mul(a, a) : mul(a, args.other ?? b)));

  it('gradcheck with broadcasting, scalars and a shared input', () => {
    const g = new Generator(32);
    const a = randn([2, 3, 1], { generator: g, requiresGrad: true });
    const b = randn([3, 4], { generator: g, requiresGrad: true });
    gradcheck((x, y) => mul(x, y), [a, b]);
    gradcheck((x) => mul(x, x), [b]);
    gradcheck((x) => mul(-1.5, x), [a]);
  });

  it('method form; int64 stays int64', () => {
    expect(tensor([1, 2], { dtype: 'float32' }).mul(3).toArray()).toEqual([3, 6]);
    expect(tensor([2], { dtype: 'int64' }).mul(3).dtype).toBe('int64');
    // integer results never hold -0 (Float64Array storage would keep it)
    expect(Object.is(tensor([-3], { dtype: 'int64' }).mul(0).data[0], 0)).toBe(true);
  });

  it('errors name the op and the argument', () => {
    expect(() => mul(tensor([1, 2], { dtype: 'float32' }), tensor([1, 2, 3], { dtype: 'float32' }))).toThrow(/mul: the size of tensor a \(2\) must match/);
    expect(() => mul(tensor([1], { dtype: 'float32' }), [2] as never)).toThrow(/mul: expected other to be a Tensor or a number, got an array/);
  });
});
