import { describe, expect, it } from 'vitest';
import { scaledDotProductAttention, causalMask } from '../../src/ops/scaled-dot-product-attention.js';
import { randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchSeq } from '../nn/nn-fixtures.js';

describe('scaledDotProductAttention', () => {
  itMatchesPyTorchSeq('scaledDotProductAttention', ([q, k, v, m], a) => scaledDotProductAttention(q, k, v, { attnMask: m ?? null, isCausal: a.isCausal }),
    { rtol: 1e-5, atol: 1e-5 });

  it('gradcheck with a causal mask', () => {
    const g = new Generator(8);
    const r = (...s: number[]) => randn(s, { generator: g, requiresGrad: true });
    gradcheck((q, k, v) => scaledDotProductAttention(q, k, v, { isCausal: true }), [r(2, 3, 4), r(2, 3, 4), r(2, 3, 2)]);
  });

  it('the causal mask is lower triangular', () => {
    expect(causalMask(2, 3).toArray()).toEqual([[0, -Infinity, -Infinity], [0, 0, -Infinity]]);
  });

  it('errors name the op and say what was expected', () => {
    const q = randn([2, 3, 4]);
    expect(() => scaledDotProductAttention(q, randn([2, 3, 5]), q)).toThrow(/^scaledDotProductAttention: expected key's last dim to equal query's \(4\), got \(2, 3, 5\)$/);
    expect(() => scaledDotProductAttention(q, q, randn([2, 4, 4]))).toThrow(/^scaledDotProductAttention: expected value with 3 positions like key, got \(2, 4, 4\)$/);
    expect(() => scaledDotProductAttention(q, q, q, { attnMask: tensor([[true]], { dtype: 'bool' }), isCausal: true })).toThrow(/^scaledDotProductAttention: pass either attnMask or isCausal, not both$/);
    expect(() => scaledDotProductAttention(q, q, q, { dropoutP: 2 })).toThrow(/^scaledDotProductAttention: expected dropoutP in \[0, 1\], got 2$/);
    expect(() => scaledDotProductAttention(randn([3]), q, q)).toThrow(/^scaledDotProductAttention: expected query with at least 2 dims/);
  });
});
