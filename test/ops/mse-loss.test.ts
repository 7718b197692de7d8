import { describe, expect, it } from 'vitest';
import { mseLoss } from '../../src/ops/mse-loss.js';
import { randn, zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';

describe('mseLoss', () => {
  itMatchesPyTorchNn('mseLoss', ([a, b], args) => mseLoss(a, b, { reduction: args.reduction }));

  it('gradcheck, both inputs, with broadcasting', () => {
    const g = new Generator(20);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck((a, b) => mseLoss(a, b, { reduction }), [randn([3, 4], { generator: g }).requiresGrad_(), randn([3, 1], { generator: g }).requiresGrad_()]);
    }
  });

  it('errors name the op, the argument, expected and actual', () => {
    expect(() => mseLoss(zeros([3, 4]), zeros([2, 4]))).toThrow(/mseLoss: the size of tensor a \(3\) must match the size of tensor b \(2\)/);
    expect(() => mseLoss(zeros([3]), zeros([3], { dtype: 'int64' }))).toThrow(/mseLoss: expected target to be float32, got int64/);
    expect(() => mseLoss(zeros([3]), zeros([3]), { reduction: 'max' as never })).toThrow(/mseLoss: expected reduction to be 'none', 'mean' or 'sum', got 'max'/);
  });
});
