import { describe, expect, it } from 'vitest';
import { gelu, erf, normalCdf } from '../../src/ops/gelu.js';
import { tensor, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';
import '../../src/ops/methods.js';

describe('gelu', () => {
  itMatchesPyTorchNn('gelu', ([x], a) => gelu(x, { approximate: a.approximate }));

  it('gradcheck, exact and tanh forms', () => {
    const x = () => randn([3, 4], { generator: new Generator(5) }).mul(2).detach().requiresGrad_();
    gradcheck((t) => gelu(t), [x()]);
    gradcheck((t) => gelu(t, { approximate: 'tanh' }), [x()]);
  });

  it('erf and the normal CDF in double precision (values from Python math.erf / erfc)', () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf(-2.5)).toBeCloseTo(-0.999593047982555, 14);
    expect((1 - erf(3)) / 2.209049699858544e-05).toBeCloseTo(1, 10);
    expect(normalCdf(-10 * Math.SQRT2) / (0.5 * 2.088487583762545e-45)).toBeCloseTo(1, 10);
    expect(Number.isNaN(erf(Number.NaN))).toBe(true);
  });

  it('errors name the op and the argument', () => {
    expect(() => gelu(tensor([1], { dtype: 'float32' }), { approximate: 'fast' as never })).toThrow(/gelu: expected approximate to be 'none' or 'tanh', got 'fast'/);
    expect(() => gelu(tensor([1], { dtype: 'int64' }))).toThrow(/gelu: expected a float32 tensor, got int64/);
  });
});
