import { describe, expect, it } from 'vitest';
import { scaledScores, scaledScoresApplies } from '../../src/ops/scaled-scores.js';
import { randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { expectClose } from '../helpers/allclose.js';
import { matmul } from '../../src/ops/matmul.js';
import { mul } from '../../src/ops/mul.js';
import { reshape } from '../../src/ops/reshape.js';
import { transpose } from '../../src/ops/transpose.js';
import type { Tensor } from '../../src/tensor.js';

// alpha * Q K^T as one bmm with K read transposed must equal the separate ops attention used before
// (scale Q, transpose K as a view, matmul): values and both gradients, at sizes around the SIMD widths and
// the kernel tiles, with a 1-element and an odd batch, and with K a transposed view as nn.MultiheadAttention
// makes it.
describe('scaledScores (attention scores on one bmm with transB)', () => {
  const g = new Generator(21);
  const r = (s: number[], requiresGrad = true) => randn(s, { generator: g, requiresGrad });
  const manual = (q: Tensor, k: Tensor, alpha: number) => matmul(mul(q, alpha), transpose(k, -2, -1));

  /** Leaves q, k (grads checked on them), passed through `view` (e.g. into heads) before the product. */
  function check(q: Tensor, k: Tensor, what: string, view = (x: Tensor) => x): void {
    const alpha = 1 / Math.sqrt(view(q).shape[q.ndim - 1]);
    const got = scaledScores(view(q), view(k), alpha);
    const gy = r([...got.shape], false);
    got.backward(gy);
    const [qc, kc] = [q, k].map((t) => t.detach().requiresGrad_(t.requiresGrad)) as [Tensor, Tensor];
    const want = manual(view(qc), view(kc), alpha);
    want.backward(gy);
    expect(got.shape).toEqual(want.shape);
    expectClose(got.data, want.data, 1e-5, 1e-6, `${what}: scores`);
    if (q.requiresGrad) expectClose(q.grad!.data, qc.grad!.data, 1e-5, 1e-6, `${what}: grad q`);
    else expect(q.grad).toBeNull();
    if (k.requiresGrad) expectClose(k.grad!.data, kc.grad!.data, 1e-5, 1e-6, `${what}: grad k`);
    else expect(k.grad).toBeNull();
  }

  it('equals matmul(mul(q, alpha), k^T) at edge sizes, values and gradients', () => {
    for (const [l, s, e] of [[1, 1, 1], [3, 5, 7], [4, 8, 16], [8, 16, 4], [17, 9, 33], [15, 17, 8]]) {
      for (const lead of [[], [1], [3], [2, 3]]) check(r([...lead, l, e]), r([...lead, s, e]), `lead ${JSON.stringify(lead)} l ${l} s ${s} e ${e}`);
    }
  });

  it('takes a transposed-view key and one-sided gradients', () => {
    const [n, h, s, hd] = [3, 2, 5, 4];
    const heads = (x: Tensor) => transpose(reshape(x, [s, n * h, hd]), 0, 1); // (N * H, S, hd), non-contiguous
    check(r([s, n, h * hd]), r([s, n, h * hd]), 'views', heads);
    check(r([2, 5, 3], false), r([2, 4, 3]), 'k only');
    check(r([2, 5, 3]), r([2, 4, 3], false), 'q only');
  });

  it('applies only to float32 operands with equal leading dims and inner size', () => {
    expect(scaledScoresApplies(r([2, 3, 4]), r([2, 5, 4]))).toBe(true);
    expect(scaledScoresApplies(r([2, 3, 4]), r([1, 5, 4]))).toBe(false);
    expect(scaledScoresApplies(r([2, 3, 4]), r([5, 4]))).toBe(false);
    expect(scaledScoresApplies(r([3, 4]), r([5, 3]))).toBe(false);
    expect(scaledScoresApplies(r([4]), r([4]))).toBe(false);
  });
});
