import { describe, expect, it } from 'vitest';
import { exp } from '../../src/ops/exp.js';
import { tensor, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('exp', () => {
  itMatchesPyTorch('exp', ([x]) => exp(x), { rtol: 2e-6, atol: 1e-6 });

  it('gradcheck', () => {
    gradcheck((x) => exp(x), [randn([3, 3], { generator: new Generator(4), requiresGrad: true })]);
  });

  it('method form; int64 gives float32', () => {
    const r = tensor([0, 1], { dtype: 'int64' }).exp();
    expect(r.dtype).toBe('float32');
    expect(r.data[1]).toBeCloseTo(Math.E, 6);
  });

  it('errors name the op and the argument', () => {
    expect(() => exp([1, 2] as never)).toThrow(TypeError);
    expect(() => exp([1, 2] as never)).toThrow(/exp: expected input to be a Tensor, got an array/);
  });
});
