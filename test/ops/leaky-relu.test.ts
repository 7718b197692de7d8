import { describe, expect, it } from 'vitest';
import { leakyRelu } from '../../src/ops/leaky-relu.js';
import { tensor } from '../../src/creation.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn, itMatchesPyTorchSeq } from '../nn/nn-fixtures.js';

describe('leakyRelu', () => {
  itMatchesPyTorchNn('leakyRelu', ([x], a) => leakyRelu(x, a.negativeSlope));
  itMatchesPyTorchSeq('leakyRelu', ([x], a) => leakyRelu(x, a.negativeSlope));

  it('gradcheck (slope 0.2, values away from 0)', () => {
    const x = tensor([-1.5, -0.3, 0.4, 2.0, -0.8, 1.1], { requiresGrad: true });
    gradcheck((t) => leakyRelu(t, 0.2), [x]);
    gradcheck((t) => leakyRelu(t), [tensor([[-2, 0.5], [1.5, -0.25]], { requiresGrad: true })]);
  });

  it('default slope is 0.01', () => {
    expect(leakyRelu(tensor([-100, 5], { dtype: 'float32' })).toArray()).toEqual([-1, 5]);
  });

  it('errors name the op and the argument', () => {
    expect(() => leakyRelu(tensor([1], { dtype: 'int64' }))).toThrow(/leakyRelu: expected a float32 tensor, got int64/);
    expect(() => leakyRelu(tensor([1], { dtype: 'float32' }), 'x' as never)).toThrow(/leakyRelu: expected negativeSlope to be a number, got 'x'$/);
  });
});
