import { describe, expect, it } from 'vitest';
import { smoothL1Loss } from '../../src/ops/smooth-l1-loss.js';
import { tensor } from '../../src/creation.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchSeq } from '../nn/nn-fixtures.js';

describe('smoothL1Loss', () => {
  itMatchesPyTorchSeq('smoothL1Loss', ([x, t], a) => smoothL1Loss(x, t, { reduction: a.reduction, beta: a.beta }));

  it('gradcheck on both sides of beta', () => {
    const x = tensor([[-3, -0.6, -0.2], [0.3, 0.9, 4]], { requiresGrad: true });
    const t = tensor([0.1, -0.1, 0.2], { requiresGrad: true });
    gradcheck((a, b) => smoothL1Loss(a, b, { beta: 0.7 }), [x, t]);
  });

  it('errors name the op and the argument', () => {
    expect(() => smoothL1Loss(tensor([1], { dtype: 'float32' }), tensor([1], { dtype: 'float32' }), { beta: -1 })).toThrow(/^smoothL1Loss: smooth_l1_loss does not support negative values for beta, got -1$/);
    expect(() => smoothL1Loss(tensor([1], { dtype: 'float32' }), tensor([1], { dtype: 'float32' }), { beta: null as never })).toThrow(/^smoothL1Loss: expected beta to be a number, got null$/);
  });
});
