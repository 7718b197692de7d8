import { describe, expect, it } from 'vitest';
import { log } from '../../src/ops/log.js';
import { tensor, rand } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('log', () => {
  itMatchesPyTorch('log', ([x]) => log(x));

  it('gradcheck', () => {
    const x = rand([2, 4], { generator: new Generator(5) }).add(0.5).detach().requiresGrad_();
    gradcheck((t) => log(t), [x]);
  });

  it('method form', () => {
    expect(tensor([1, Math.E]).log().data[1]).toBeCloseTo(1, 6);
    expect(tensor([0], { dtype: 'float32' }).log().data[0]).toBe(-Infinity);
  });

  it('errors name the op and the argument', () => {
    expect(() => log(undefined as never)).toThrow(/log: expected input to be a Tensor, got undefined/);
  });
});
