import { describe, expect, it } from 'vitest';
import { silu } from '../../src/ops/silu.js';
import { tensor } from '../../src/creation.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchSeq } from '../nn/nn-fixtures.js';

describe('silu', () => {
  itMatchesPyTorchSeq('silu', ([x]) => silu(x));

  it('gradcheck', () => {
    gradcheck((t) => silu(t), [tensor([[-4, -1.5, -0.2], [0.3, 1.2, 6]], { requiresGrad: true })]);
  });

  it('errors name the op', () => {
    expect(() => silu(tensor([1], { dtype: 'int64' }))).toThrow(/^silu: expected a float32 tensor, got int64$/);
    expect(() => silu([1] as never)).toThrow(/^silu: expected input to be a Tensor, got/);
  });
});
