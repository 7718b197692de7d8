import { describe, expect, it } from 'vitest';
import { neg } from '../../src/ops/neg.js';
import { tensor, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('neg', () => {
  itMatchesPyTorch('neg', ([x]) => neg(x));

  it('gradcheck', () => {
    gradcheck((x) => neg(x), [randn([3, 2], { generator: new Generator(1), requiresGrad: true })]);
  });

  it('method form keeps dtype', () => {
    const r = tensor([1, -2], { dtype: 'int64' }).neg();
    expect(r.dtype).toBe('int64');
    expect(r.toArray()).toEqual([-1, 2]);
  });

  it('errors name the op and the argument', () => {
    expect(() => neg(tensor([true]))).toThrow(TypeError);
    expect(() => neg(tensor([true]))).toThrow(/neg: .*bool tensor \(input\)/);
    expect(() => neg(3 as never)).toThrow(/neg: expected input to be a Tensor, got 3$/);
  });
});
