import { describe, expect, it } from 'vitest';
import { mish } from '../../src/ops/mish.js';
import { tensor } from '../../src/creation.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchSeq } from '../nn/nn-fixtures.js';

describe('mish', () => {
  itMatchesPyTorchSeq('mish', ([x]) => mish(x));

  it('gradcheck', () => {
    gradcheck((t) => mish(t), [tensor([[-4, -1.5, -0.2], [0.3, 1.2, 6]], { requiresGrad: true })]);
  });

  it('errors name the op', () => {
    expect(() => mish(tensor([true], { dtype: 'bool' }))).toThrow(/^mish: expected a float32 tensor, got bool$/);
  });
});
