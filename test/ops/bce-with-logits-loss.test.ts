import { describe, expect, it } from 'vitest';
import { bceWithLogitsLoss } from '../../src/ops/bce-with-logits-loss.js';
import { bceLoss } from '../../src/ops/bce-loss.js';
import { sigmoid } from '../../src/ops/sigmoid.js';
import { randn, rand, tensor, zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';

describe('bceWithLogitsLoss', () => {
  itMatchesPyTorchNn('bceWithLogitsLoss', (ins, a) => {
    let k = 2;
    const weight = a.weight ? ins[k++] : null;
    const posWeight = a.posWeight ? ins[k++] : null;
    return bceWithLogitsLoss(ins[0], ins[1], { weight, posWeight, reduction: a.reduction });
  });

  it('gradcheck (input and target, weight and posWeight)', () => {
    const g = new Generator(22);
    const x = randn([3, 4], { generator: g }).requiresGrad_();
    const t = rand([3, 4], { generator: g }).requiresGrad_();
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck((a, b) => bceWithLogitsLoss(a, b, { weight: tensor([[1], [0.5], [2]]), posWeight: tensor([1, 2, 0.5, 3]), reduction }), [x, t]);
    }
  });

  it('equals bceLoss(sigmoid(x)) for moderate logits', () => {
    const x = randn([10], { generator: new Generator(4) });
    const t = rand([10], { generator: new Generator(5) });
    expect(bceWithLogitsLoss(x, t).item()).toBeCloseTo(bceLoss(sigmoid(x), t).item(), 5);
  });

  it('errors name the op, the argument, expected and actual', () => {
    expect(() => bceWithLogitsLoss(zeros([3]), zeros([3, 1]))).toThrow(/bceWithLogitsLoss: expected target of the input's shape \(3,\), got \(3, 1\)/);
    expect(() => bceWithLogitsLoss(zeros([3, 4]), zeros([3, 4]), { posWeight: zeros([3]) })).toThrow(/bceWithLogitsLoss: /);
    expect(() => bceWithLogitsLoss(zeros([3]), zeros([3]), { posWeight: 2 as never })).toThrow(/bceWithLogitsLoss: expected posWeight to be a Tensor, got 2$/);
  });
});
