import { describe, expect, it } from 'vitest';
import { klDiv } from '../../src/ops/kl-div.js';
import { tensor } from '../../src/creation.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchSeq } from '../nn/nn-fixtures.js';

describe('klDiv', () => {
  itMatchesPyTorchSeq('klDiv', ([x, t], a) => klDiv(x, t, { reduction: a.reduction, logTarget: a.logTarget }));

  it('gradcheck, probability and log targets', () => {
    const x = () => tensor([[-1.2, -0.4, -2.0], [-0.3, -1.5, -0.9]], { requiresGrad: true });
    gradcheck((a, b) => klDiv(a, b, { reduction: 'batchmean' }), [x(), tensor([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]], { requiresGrad: true })]);
    gradcheck((a, b) => klDiv(a, b, { logTarget: true }), [x(), x()]);
  });

  it('errors name the op and the argument', () => {
    expect(() => klDiv(tensor([1], { dtype: 'float32' }), tensor([1], { dtype: 'float32' }), { reduction: 'batch' as never })).toThrow(/^klDiv: expected reduction to be 'none', 'batchmean', 'mean' or 'sum', got 'batch'$/);
    expect(() => klDiv(tensor([1], { dtype: 'float32' }), tensor([1], { dtype: 'float32' }), { logTarget: 1 as never })).toThrow(/^klDiv: expected logTarget to be a boolean, got 1$/);
  });
});
