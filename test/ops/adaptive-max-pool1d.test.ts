import { describe, expect, it } from 'vitest';
import { adaptiveMaxPool1d } from '../../src/ops/adaptive-max-pool1d.js';
import { randperm, zeros, tensor } from '../../src/creation.js';
import { Tensor } from '../../src/tensor.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';

describe('adaptiveMaxPool1d', () => {
  itMatchesPyTorchNn('adaptiveMaxPool1d', ([x], a) => adaptiveMaxPool1d(x, a.outputSize, { returnIndices: true }));

  it('gradcheck (distinct values)', () => {
    const p = randperm(24, { generator: new Generator(15) });
    const x = new Tensor(Float32Array.from(p.data, (v) => v * 0.1), [2, 2, 6]).requiresGrad_();
    gradcheck((t) => adaptiveMaxPool1d(t, 4), [x]);
  });

  it('without returnIndices gives one tensor', () => {
    const y = adaptiveMaxPool1d(tensor([[1, 4, 2, 3]], { dtype: 'float32' }), 2);
    expect(y).toBeInstanceOf(Tensor);
    expect(y.toArray()).toEqual([[4, 3]]);
  });

  it('errors name the op and the argument', () => {
    expect(() => adaptiveMaxPool1d(zeros([3]), 1)).toThrow(/adaptiveMaxPool1d: expected 2D \(C, L\) or 3D \(N, C, L\) input, got input of shape \(3,\)/);
    expect(() => adaptiveMaxPool1d(zeros([1, 3]), 1.5)).toThrow(/adaptiveMaxPool1d: expected outputSize to be an integer/);
  });
});
