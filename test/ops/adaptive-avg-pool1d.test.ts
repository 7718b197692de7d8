import { describe, expect, it } from 'vitest';
import { adaptiveAvgPool1d } from '../../src/ops/adaptive-avg-pool1d.js';
import { randn, zeros, arange } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';
import '../../src/ops/methods.js';

describe('adaptiveAvgPool1d', () => {
  itMatchesPyTorchNn('adaptiveAvgPool1d', ([x], a) => adaptiveAvgPool1d(x, a.outputSize));

  it('gradcheck with overlapping windows', () => {
    gradcheck((x) => adaptiveAvgPool1d(x, 4), [randn([2, 2, 10], { generator: new Generator(13) }).requiresGrad_()]);
    gradcheck((x) => adaptiveAvgPool1d(x, 7), [randn([1, 2, 5], { generator: new Generator(14) }).requiresGrad_()]);
  });

  it('output size 1 is the global mean; [n] is accepted', () => {
    const x = arange(6, undefined, 1, { dtype: 'float32' }).reshape(1, 1, 6);
    expect(adaptiveAvgPool1d(x, [1]).toArray()).toEqual([[[2.5]]]);
  });

  it('errors name the op, the argument, expected and actual', () => {
    expect(() => adaptiveAvgPool1d(zeros([2, 3, 0]), 1)).toThrow(/adaptiveAvgPool1d: expected input with non-zero size for non-batch dimensions, got \(2, 3, 0\)/);
    expect(() => adaptiveAvgPool1d(zeros([2, 3, 4]), -1)).toThrow(/adaptiveAvgPool1d: expected outputSize to be >= 0, got -1/);
    expect(() => adaptiveAvgPool1d(zeros([2, 3, 4]), 'a' as never)).toThrow(TypeError);
  });
});
