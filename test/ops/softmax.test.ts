import { describe, expect, it } from 'vitest';
import { softmax } from '../../src/ops/softmax.js';
import { tensor, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';
import '../../src/ops/methods.js';

describe('softmax', () => {
  itMatchesPyTorchNn('softmax', ([x], a) => softmax(x, a.dim));

  it('gradcheck along each dim', () => {
    for (const dim of [0, 1, 2, -1]) {
      gradcheck((x) => softmax(x, dim), [randn([2, 3, 4], { generator: new Generator(6 + dim) }).requiresGrad_()]);
    }
  });

  it('method form; rows sum to 1; all -inf gives NaN; 0-d gives 1', () => {
    const y = randn([3, 5], { generator: new Generator(1) }).softmax(1);
    for (let r = 0; r < 3; r++) expect(Array.from(y.data.slice(r * 5, r * 5 + 5)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(Number.isNaN(softmax(tensor([-Infinity, -Infinity]), 0).data[0])).toBe(true);
    expect(softmax(tensor(3, { dtype: 'float32' }), 0).item()).toBe(1);
  });

  it('errors name the op and the argument', () => {
    expect(() => softmax(tensor([[1, 2]], { dtype: 'float32' }), 2)).toThrow(RangeError);
    expect(() => softmax(tensor([[1, 2]], { dtype: 'float32' }), 2)).toThrow(/softmax: dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)/);
    expect(() => softmax(tensor([1, 2], { dtype: 'float32' }), undefined as never)).toThrow(/softmax: expected dim to be an integer, got undefined/);
    expect(() => softmax(tensor([1], { dtype: 'int64' }), 0)).toThrow(/softmax: expected a float32 tensor, got int64/);
  });
});
