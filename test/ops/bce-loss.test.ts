import { describe, expect, it } from 'vitest';
import { bceLoss } from '../../src/ops/bce-loss.js';
import { rand, tensor, zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';
import '../../src/ops/methods.js';

describe('bceLoss', () => {
  itMatchesPyTorchNn('bceLoss', (ins, a) => bceLoss(ins[0], ins[1], { weight: a.weight ? ins[2] : null, reduction: a.reduction }));

  it('gradcheck (input and target, weight broadcast)', () => {
    const g = new Generator(21);
    const x = rand([3, 4], { generator: g }).mul(0.8).add(0.1).detach().requiresGrad_();
    const t = rand([3, 4], { generator: g }).requiresGrad_();
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck((a, b) => bceLoss(a, b, { weight: tensor([0.5, 1, 2, 1]), reduction }), [x, t], { eps: 1e-3 });
    }
  });

  it('logs are clamped at -100', () => {
    expect(bceLoss(tensor([0], { dtype: 'float32' }), tensor([1], { dtype: 'float32' })).item()).toBe(100);
  });

  it('errors name the op, the argument, expected and actual', () => {
    expect(() => bceLoss(tensor([1.5]), tensor([1], { dtype: 'float32' }))).toThrow(/bceLoss: all elements of input should be between 0 and 1, got 1.5 at flat index 0/);
    expect(() => bceLoss(zeros([3]), zeros([3, 1]))).toThrow(/bceLoss: expected target of the input's shape \(3,\), got \(3, 1\)/);
    expect(() => bceLoss(zeros([3, 4]), zeros([3, 4]), { weight: zeros([3]) })).toThrow(/bceLoss: /);
    expect(() => bceLoss(zeros([3, 4]), zeros([3, 4]), { weight: zeros([2, 3, 4]) })).toThrow(
      /bceLoss: expected weight broadcastable to the input's shape \(3, 4\), got \(2, 3, 4\)/,
    );
  });
});
