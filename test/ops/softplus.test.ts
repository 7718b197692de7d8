import { describe, expect, it } from 'vitest';
import { softplus } from '../../src/ops/softplus.js';
import { tensor } from '../../src/creation.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchSeq } from '../nn/nn-fixtures.js';

describe('softplus', () => {
  itMatchesPyTorchSeq('softplus', ([x], a) => softplus(x, { beta: a.beta, threshold: a.threshold }));

  it('gradcheck, default and beta 2 (away from the threshold)', () => {
    const x = () => tensor([[-4, -1.5, -0.2], [0.3, 1.2, 6]], { requiresGrad: true });
    gradcheck((t) => softplus(t), [x()]);
    gradcheck((t) => softplus(t, { beta: 2, threshold: 5 }), [x()]);
  });

  it('errors name the op and the argument', () => {
    expect(() => softplus(tensor([1], { dtype: 'int64' }))).toThrow(/^softplus: expected a float32 tensor, got int64$/);
    expect(() => softplus(tensor([1], { dtype: 'float32' }), { beta: '2' as never })).toThrow(/^softplus: expected beta to be a number, got '2'$/);
  });
});
