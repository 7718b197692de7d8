import { describe, expect, it } from 'vitest';
import { sqrt } from '../../src/ops/sqrt.js';
import { tensor, rand } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('sqrt', () => {
  itMatchesPyTorch('sqrt', ([x]) => sqrt(x));

  it('gradcheck', () => {
    const x = rand([3, 2], { generator: new Generator(6) }).add(0.5).detach().requiresGrad_();
    gradcheck((t) => sqrt(t), [x]);
  });

  it('method form', () => {
    expect(tensor([4, 9], { dtype: 'float32' }).sqrt().toArray()).toEqual([2, 3]);
  });

  it('errors name the op and the argument', () => {
    expect(() => sqrt(4 as never)).toThrow(/sqrt: expected input to be a Tensor, got 4$/);
  });
});
