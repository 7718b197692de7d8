import { describe, expect, it } from 'vitest';
import { hardtanh } from '../../src/ops/hardtanh.js';
import { tensor } from '../../src/creation.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchSeq } from '../nn/nn-fixtures.js';

describe('hardtanh', () => {
  itMatchesPyTorchSeq('hardtanh', ([x], a) => hardtanh(x, a.minVal, a.maxVal));

  it('gradcheck (values away from the bounds)', () => {
    gradcheck((t) => hardtanh(t, -2, 0.5), [tensor([[-4, -1.5, -0.2], [0.3, 1.2, 6]], { requiresGrad: true })]);
  });

  it('errors name the op and the argument', () => {
    expect(() => hardtanh(tensor([1], { dtype: 'int64' }))).toThrow(/^hardtanh: expected a float32 tensor, got int64$/);
    expect(() => hardtanh(tensor([1], { dtype: 'float32' }), 2, 1)).toThrow(/^hardtanh: minVal cannot be greater than maxVal, got minVal=2, maxVal=1$/);
    expect(() => hardtanh(tensor([1], { dtype: 'float32' }), 'a' as never)).toThrow(/^hardtanh: expected minVal to be a number, got 'a'$/);
  });
});
