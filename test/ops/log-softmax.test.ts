import { describe, expect, it } from 'vitest';
import { logSoftmax } from '../../src/ops/log-softmax.js';
import { softmax } from '../../src/ops/softmax.js';
import { tensor, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';
import '../../src/ops/methods.js';

describe('logSoftmax', () => {
  itMatchesPyTorchNn('logSoftmax', ([x], a) => logSoftmax(x, a.dim));

  it('gradcheck along each dim', () => {
    for (const dim of [0, 1, -1]) {
      gradcheck((x) => logSoftmax(x, dim), [randn([3, 2, 4], { generator: new Generator(9 + dim) }).requiresGrad_()]);
    }
  });

  it('method form equals log(softmax) and stays finite for huge logits', () => {
    const x = randn([2, 6], { generator: new Generator(2) });
    const a = x.logSoftmax(1);
    const b = softmax(x, 1);
    for (let i = 0; i < 12; i++) expect(a.data[i]).toBeCloseTo(Math.log(b.data[i]), 5);
    const big = logSoftmax(tensor([1e30, 0]), 0);
    expect(Array.from(big.data)).toEqual([0, -1e30].map(Math.fround));
  });

  it('errors name the op and the argument', () => {
    expect(() => logSoftmax(tensor([1, 2], { dtype: 'float32' }), -2)).toThrow(/logSoftmax: dimension out of range/);
    expect(() => logSoftmax(tensor([1, 2], { dtype: 'float32' }), 0.5)).toThrow(/logSoftmax: dimension out of range/);
  });
});
