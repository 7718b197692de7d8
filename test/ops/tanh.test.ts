import { describe, expect, it } from 'vitest';
import { tanh } from '../../src/ops/tanh.js';
import { tensor, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';
import '../../src/ops/methods.js';

describe('tanh', () => {
  itMatchesPyTorchNn('tanh', ([x]) => tanh(x));

  it('gradcheck', () => {
    gradcheck((x) => tanh(x), [randn([3, 4], { generator: new Generator(4) }).mul(2).detach().requiresGrad_()]);
  });

  it('method form', () => {
    expect(tensor([0, 100], { dtype: 'float32' }).tanh().toArray()).toEqual([0, 1]);
  });

  it('errors name the op', () => {
    expect(() => tanh(3 as never)).toThrow(/tanh: expected input to be a Tensor, got 3$/);
  });
});
