import { describe, expect, it } from 'vitest';
import { chunk } from '../../src/ops/chunk.js';
import { arange, randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { Tensor } from '../../src/tensor.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('chunk', () => {
  itMatchesPyTorch('chunk', ([x], a) => chunk(x, a.chunks, a.dim));

  it('gradcheck', () => {
    const x = randn([2, 7], { generator: new Generator(17), requiresGrad: true });
    gradcheck((v) => chunk(v, 3, 1), [x]);
  });

  it('method form; sizes follow PyTorch (ceil, possibly fewer pieces)', () => {
    expect(arange(6).chunk(4).map((p) => p.shape[0])).toEqual([2, 2, 2]);
    expect(arange(5).chunk(3).map((p) => p.shape[0])).toEqual([2, 2, 1]);
    expect(chunk(new Tensor(new Float32Array(0), [0]), 3).map((p) => p.shape[0])).toEqual([0, 0, 0]);
  });

  it('errors name the op and the argument', () => {
    expect(() => chunk(arange(4), 0)).toThrow(RangeError);
    expect(() => chunk(arange(4), 0)).toThrow(/chunk: expected chunks to be greater than 0, got 0/);
    expect(() => chunk(arange(4), 1.5)).toThrow(/chunk: expected chunks to be an integer, got 1.5/);
    expect(() => chunk(arange(4), 2, -2)).toThrow(/chunk: dim out of range/);
    expect(() => chunk(tensor(3, { dtype: 'float32' }), 1)).toThrow(/chunk: expected a tensor with at least 1 dimension/);
  });
});
