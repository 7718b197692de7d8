import { describe, expect, it } from 'vitest';
import { nllLoss } from '../../src/ops/nll-loss.js';
import { randn, tensor, zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';

describe('nllLoss', () => {
  itMatchesPyTorchNn('nllLoss', (ins, a) =>
    nllLoss(ins[0], ins[1], { weight: a.weight ? ins[2] : null, reduction: a.reduction, ignoreIndex: a.ignoreIndex }));

  it('gradcheck', () => {
    const x = randn([4, 3], { generator: new Generator(19) }).requiresGrad_();
    const y = tensor([0, 2, -100, 1], { dtype: 'int64' });
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck((t) => nllLoss(t, y, { weight: tensor([0.5, 1, 2]), reduction }), [x]);
    }
  });

  it('errors name the op, the argument, expected and actual', () => {
    expect(() => nllLoss(zeros([2, 3]), tensor([0, 1], { dtype: 'float32' }))).toThrow(/nllLoss: expected target of dtype int64 \(class indices\), got float32/);
    expect(() => nllLoss(zeros([2, 3]), tensor([0, -1], { dtype: 'int64' }))).toThrow(/nllLoss: target -1 is out of bounds/);
    expect(() => nllLoss(zeros([2, 3]), tensor([0, 1], { dtype: 'int64' }), { ignoreIndex: 0.5 })).toThrow(/nllLoss: expected ignoreIndex to be an integer, got 0.5/);
    expect(() => nllLoss(zeros([2, 3, 4]), tensor([0, 1], { dtype: 'int64' }))).toThrow(/nllLoss: expected target of shape \(2, 4\) for input of shape \(2, 3, 4\), got \(2,\)/);
  });
});
