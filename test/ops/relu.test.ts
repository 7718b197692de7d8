import { describe, expect, it } from 'vitest';
import { relu } from '../../src/ops/relu.js';
import { tensor, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';
import '../../src/ops/methods.js';

/** randn values pushed at least 0.1 away from 0 (relu's kink). */
function awayFromZero(shape: number[], seed: number) {
  const t = randn(shape, { generator: new Generator(seed) });
  const d = t.data;
  for (let i = 0; i < d.length; i++) if (Math.abs(d[i]) < 0.1) d[i] = d[i] < 0 ? d[i] - 0.1 : d[i] + 0.1;
  return t.requiresGrad_();
}

describe('relu', () => {
  itMatchesPyTorchNn('relu', ([x]) => relu(x));

  it('gradcheck', () => {
    gradcheck((x) => relu(x), [awayFromZero([4, 5], 1)]);
  });

  it('method form, -0 stays -0, int64 stays int64 without grad', () => {
    const y = tensor([-2, -0, 3], { dtype: 'float32' }).relu();
    expect(y.data[0]).toBe(0);
    expect(Object.is(y.data[1], -0)).toBe(true);
    expect(y.data[2]).toBe(3);
    const yi = relu(tensor([-3, 4], { dtype: 'int64' }));
    expect(yi.dtype).toBe('int64');
    expect(Array.from(yi.data)).toEqual([0, 4]);
  });

  it('errors name the op and the argument', () => {
    expect(() => relu([1, 2] as never)).toThrow(/relu: expected input to be a Tensor, got an array$/);
    expect(() => relu(tensor([true]))).toThrow(TypeError);
    expect(() => relu(tensor([true]))).toThrow(/relu: expected a float32 or int64 tensor, got bool/);
  });
});
