/** The gradcheck helper itself: it must pass correct gradients and catch wrong ones. */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import { record } from '../../src/autograd/record.js';
import { randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { mul } from '../../src/ops/mul.js';
import { gradcheck } from './gradcheck.js';

/** x^2 elementwise with a deliberately wrong backward (x instead of 2x). */
function badSquare(x: Tensor): Tensor {
  const out = new Tensor(Float32Array.from(x.data, (v) => v * v), x.shape);
  return record(out, 'BadBackward', [x], (g) => [new Tensor(Float32Array.from(g.data, (v, i) => v * x.data[i]), x.shape)]);
}

describe('gradcheck helper', () => {
  it('accepts a correct gradient and returns it', () => {
    const x = randn([3], { generator: new Generator(40), requiresGrad: true });
    const [gx] = gradcheck((v) => mul(v, v), [x]);
    expect(gx).not.toBeNull();
    expect(x.grad).toBeNull();
  });

  it('rejects a wrong gradient, naming the input and element', () => {
    const x = randn([3], { generator: new Generator(41), requiresGrad: true });
    expect(() => gradcheck((v) => badSquare(v), [x])).toThrow(/gradcheck: input 0 element 0: autograd .*, finite difference/);
  });

  it('needs an input that requires grad', () => {
    expect(() => gradcheck((v) => mul(v, 2), [randn([2])])).toThrow(/gradcheck: no input requires grad/);
  });
});
