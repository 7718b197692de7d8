import { describe, expect, it } from 'vitest';
import { l1Loss } from '../../src/ops/l1-loss.js';
import { tensor, zeros } from '../../src/creation.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';

describe('l1Loss', () => {
  itMatchesPyTorchNn('l1Loss', ([a, b], args) => l1Loss(a, b, { reduction: args.reduction }));

  it('gradcheck (differences away from 0)', () => {
    const a = tensor([[1, -2, 0.5], [3, 0.2, -1]], { requiresGrad: true });
    const b = tensor([0.3, 0.6, -0.4], { requiresGrad: true });
    for (const reduction of ['mean', 'sum', 'none'] as const) gradcheck((x, y) => l1Loss(x, y, { reduction }), [a, b]);
  });

  it('errors name the op and the argument', () => {
    expect(() => l1Loss(zeros([2]), 3 as never)).toThrow(/l1Loss: expected target to be a Tensor, got 3$/);
  });
});
