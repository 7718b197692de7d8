import { describe, expect, it } from 'vitest';
import { layerNorm } from '../../src/ops/layer-norm.js';
import { tensor, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchSeq } from '../nn/nn-fixtures.js';

describe('layerNorm', () => {
  itMatchesPyTorchSeq('layerNorm', ([x, w, b], a) => layerNorm(x, a.normalizedShape, { weight: w, bias: b, eps: a.eps }), { rtol: 1e-5, atol: 1e-5 });

  it('gradcheck over two trailing dims, with weight and bias', () => {
    const g = new Generator(3);
    const x = randn([2, 3, 4], { generator: g }).requiresGrad_();
    const w = randn([3, 4], { generator: g }).requiresGrad_();
    const b = randn([3, 4], { generator: g }).requiresGrad_();
    gradcheck((a, ww, bb) => layerNorm(a, [3, 4], { weight: ww, bias: bb }), [x, w, b], { eps: 1e-3 });
  });

  it('errors name the op and say what was expected', () => {
    expect(() => layerNorm(tensor([[1, 2, 3]], { dtype: 'float32' }), [4])).toThrow(/^layerNorm: Given normalized_shape=\[4\], expected input with shape \[\*, 4\], but got input of size\[1, 3\]$/);
    expect(() => layerNorm(tensor([[1, 2]], { dtype: 'float32' }), [2], { weight: tensor([1, 2, 3], { dtype: 'float32' }) })).toThrow(/^layerNorm: expected weight of shape \(2,\), got \(3,\)$/);
    expect(() => layerNorm(tensor([[1, 2]], { dtype: 'float32' }), 'x' as never)).toThrow(/^layerNorm: expected normalizedShape to be an integer or an array of integers, got 'x'$/);
    expect(() => layerNorm(tensor([[1, 2]], { dtype: 'float32' }), [2], { eps: -1 })).toThrow(/^layerNorm: expected eps to be a number >= 0, got -1$/);
    expect(() => layerNorm(tensor([1], { dtype: 'int64' }), [1])).toThrow(/^layerNorm: expected a float32 input, got int64$/);
  });
});
