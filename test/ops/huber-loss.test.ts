import { describe, expect, it } from 'vitest';
import { huberLoss } from '../../src/ops/huber-loss.js';
import { tensor } from '../../src/creation.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchSeq } from '../nn/nn-fixtures.js';

describe('huberLoss', () => {
  itMatchesPyTorchSeq('huberLoss', ([x, t], a) => huberLoss(x, t, { reduction: a.reduction, delta: a.delta }));

  it('gradcheck on both sides of delta', () => {
    const x = tensor([[-3, -0.6, -0.2], [0.3, 0.9, 4]], { requiresGrad: true });
    const t = tensor([0.1, -0.1, 0.2], { requiresGrad: true });
    gradcheck((a, b) => huberLoss(a, b, { delta: 0.7, reduction: 'sum' }), [x, t]);
  });

  it('errors name the op and the argument', () => {
    expect(() => huberLoss(tensor([1], { dtype: 'float32' }), tensor([1], { dtype: 'float32' }), { delta: 0 })).toThrow(/^huberLoss: huber_loss does not support non-positive values for delta, got 0$/);
    expect(() => huberLoss(tensor([1], { dtype: 'float32' }), tensor([1], { dtype: 'float32' }), { delta: '1' as never })).toThrow(/^huberLoss: expected delta to be a number, got '1'$/);
    expect(() => huberLoss(tensor([1], { dtype: 'float32' }), tensor([1], { dtype: 'int64' }))).toThrow(/^huberLoss: expected target to be float32, got int64$/);
    expect(() => huberLoss(tensor([1, 2], { dtype: 'float32' }), tensor([1, 2, 3], { dtype: 'float32' }))).toThrow(/^huberLoss: /);
    expect(() => huberLoss(tensor([1], { dtype: 'float32' }), tensor([1], { dtype: 'float32' }), { reduction: 'avg' as never })).toThrow(/^huberLoss: expected reduction to be 'none', 'mean' or 'sum', got 'avg'$/);
  });
});
