import { describe, expect, it } from 'vitest';
import { elu } from '../../src/ops/elu.js';
import { tensor } from '../../src/creation.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchSeq } from '../nn/nn-fixtures.js';

describe('elu', () => {
  itMatchesPyTorchSeq('elu', ([x], a) => elu(x, a.alpha));

  it('gradcheck (values away from 0)', () => {
    gradcheck((t) => elu(t, 0.7), [tensor([[-4, -1.5, -0.2], [0.3, 1.2, 6]], { requiresGrad: true })]);
  });

  it('errors name the op and the argument', () => {
    expect(() => elu(tensor([1], { dtype: 'int64' }))).toThrow(/^elu: expected a float32 tensor, got int64$/);
    expect(() => elu(tensor([1], { dtype: 'float32' }), null as never)).toThrow(/^elu: expected alpha to be a number, got null$/);
  });
});
