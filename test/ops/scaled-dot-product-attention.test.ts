import { describe, expect, it } from 'vitest';
import { scaledDotProductAttention, causalMask } from '../../src/ops/scaled-dot-product-attention.js';
import { randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchSeq } from '../nn/nn-fixtures.js';
import { expectClose } from '../helpers/allclose.js';
import { matmul } from '../../src/ops/matmul.js';
import { softmax } from '../../src/ops/softmax.js';
import { add } from '../../src/ops/add.js';
import { mul } from '../../src/ops/mul.js';
import { transpose } from '../../src/ops/transpose.js';
import type { Tensor } from '../../src/tensor.js';

describe('scaledDotProductAttention', () => {
  itMatchesPyTorchSeq('scaledDotProductAttention', ([q, k, v, m], a) => scaledDotProductAttention(q, k, v, { attnMask: m ?? null, isCausal: a.isCausal }),
    { rtol: 1e-5, atol: 1e-5 });

  it('gradcheck with a causal mask', () => {
    const g = new Generator(8);
    const r = (...s: number[]) => randn(s, { generator: g, requiresGrad: true });
    gradcheck((q, k, v) => scaledDotProductAttention(q, k, v, { isCausal: true }), [r(2, 3, 4), r(2, 3, 4), r(2, 3, 2)]);
  });

  // A float mask that takes no gradient is added inside the softmax kernel (one call); the others take the
  // separate add. Both must give what softmax(QK^T / sqrt(E) + mask) V gives, values and gradients.
  it('a float mask, fused into the softmax or added separately, gives the unfused values and gradients', () => {
    const g = new Generator(12);
    const r = (s: number[], requiresGrad = false) => randn(s, { generator: g, requiresGrad });
    const [l, s, e] = [5, 7, 3];
    const manual = (q: Tensor, k: Tensor, v: Tensor, m: Tensor) =>
      matmul(softmax(add(matmul(mul(q, 1 / Math.sqrt(e)), transpose(k, -2, -1)), m), -1), v);
    for (const maskShape of [[l, s], [s], [1, 1, l, s], [1, s], [3, l, s], [3, 1, s], [2, 1, 1, s]]) {
      for (const maskGrad of [false, true]) {
        const [q, k, v] = [r([2, 3, l, e], true), r([2, 3, s, e], true), r([2, 3, s, 4], true)];
        const m = r(maskShape, maskGrad);
        const got = scaledDotProductAttention(q, k, v, { attnMask: m });
        const gy = r([...got.shape]);
        got.backward(gy);
        const [qc, kc, vc] = [q, k, v].map((t) => t.detach().requiresGrad_(true)) as [Tensor, Tensor, Tensor];
        const mc = m.detach().requiresGrad_(maskGrad);
        const want = manual(qc, kc, vc, mc);
        want.backward(gy);
        const what = `mask ${JSON.stringify(maskShape)}${maskGrad ? ' with grad' : ''}`;
        expectClose(got.data, want.data, 1e-5, 1e-6, `${what}: output`);
        for (const [a, b, n] of [[q, qc, 'q'], [k, kc, 'k'], [v, vc, 'v']] as const) expectClose(a.grad!.data, b.grad!.data, 1e-5, 1e-6, `${what}: grad ${n}`);
        if (maskGrad) expectClose(m.grad!.data, mc.grad!.data, 1e-5, 1e-6, `${what}: grad mask`);
        else expect(m.grad).toBeNull();
      }
    }
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
