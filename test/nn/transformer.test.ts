/** MultiheadAttention, TransformerEncoderLayer and TransformerEncoder against PyTorch (test/fixtures/seq.json) on every backend. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import type { Tensor } from '../../src/tensor.js';
import { randn, tensor, zeros } from '../../src/creation.js';
import { setBackend } from '../../src/backend/select.js';
import { testBackends } from '../helpers/backends.js';
import { itMatchesPyTorchModule, seqFixture } from './nn-fixtures.js';

/** The module with the generator's forward: the inputs after the first `first` are the masks named in `masks`. */
function withMasks<M extends nn.AnyModule>(m: M, first: number, masks: string[], fixed: Record<string, unknown> = {}): M {
  const run = (m as any).forward.bind(m);
  (m as any).forward = (...t: Tensor[]) => run(...t.slice(0, first), { ...fixed, ...Object.fromEntries(masks.map((k, i) => [k, t[first + i]])) });
  return m;
}

const MAKE: Record<string, (args: any[]) => nn.AnyModule> = {
  MultiheadAttention: ([e, h, opts, f]) => withMasks(new nn.MultiheadAttention(e, h, opts), 3, f.masks, { needWeights: true, averageAttnWeights: f.averageAttnWeights }),
  TransformerEncoderLayer: ([d, h, opts, masks]) => withMasks(new nn.TransformerEncoderLayer(d, h, opts), 1, masks),
  TransformerEncoder: ([d, h, opts, n]) => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(d, h, opts), n, { norm: new nn.LayerNorm(d) }),
};

describe.each(testBackends())('attention layers vs PyTorch on $name', (backend) => {
  beforeAll(() => setBackend(backend.name));
  for (const [kind, make] of Object.entries(MAKE)) {
    describe(kind, () => {
      itMatchesPyTorchModule(kind, make, { rtol: 1e-4, atol: 1e-5, fixture: seqFixture() });
    });
  }
});

describe.each(testBackends())('MultiheadAttention bool masks (converted once per (L, S)) on $name', (backend) => {
  beforeAll(() => setBackend(backend.name));

  /** The bool mask's additive scores built by hand: -Infinity where true, 0 elsewhere. */
  const floatOf = (m: Tensor): Tensor => tensor(Array.from(m.data, (b) => (b ? -Infinity : 0)), { dtype: 'float32' }).reshape(m.shape as number[]);
  const causal = (l: number, s: number): Tensor => tensor(Array.from({ length: l * s }, (_, k) => k % s > Math.floor(k / s)), { dtype: 'bool' }).reshape([l, s]);

  it('gives the float mask\'s output bit for bit, for a fresh mask of the same elements and after the mask is written', () => {
    const [L, S] = [5, 7];
    const m = new nn.MultiheadAttention(8, 2);
    const q = randn([L, 3, 8]);
    const kv = randn([S, 3, 8]);
    const run = (mask: Tensor): number[] => Array.from(m.forward(q, kv, kv, { attnMask: mask })[0].data);
    const a = causal(L, S);
    expect(run(a)).toEqual(run(floatOf(a)));
    expect(run(causal(L, S))).toEqual(run(floatOf(a))); // another tensor, same elements
    // Written through .data (no version bump): the new elements count, not the earlier conversion.
    a.data[1] = 0;
    expect(run(a)).toEqual(run(floatOf(a)));
    expect(run(a)).not.toEqual(run(floatOf(causal(L, S))));
    const b = causal(S, L); // another (L, S) beside the first
    expect(Array.from(m.forward(kv, q, q, { attnMask: b })[0].data)).toEqual(Array.from(m.forward(kv, q, q, { attnMask: floatOf(b) })[0].data));
  });
});

describe('attention layers', () => {
  beforeAll(() => setBackend('ref'));

  it('MultiheadAttention: PyTorch keys, separate projections when kdim/vdim differ, no weights on request', () => {
    expect([...new nn.MultiheadAttention(8, 2).stateDict().keys()]).toEqual(['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    const m = new nn.MultiheadAttention(6, 3, { kdim: 5, vdim: 3, bias: false });
    expect([...m.stateDict().keys()]).toEqual(['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'out_proj.weight']);
    const [out, w] = m.forward(randn([4, 2, 6]), randn([7, 2, 5]), randn([7, 2, 3]), { needWeights: false });
    expect(out.shape).toEqual([4, 2, 6]);
    expect(w).toBeNull();
  });

  it('TransformerEncoder copies the layer: same start, separate parameters', () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const enc = new nn.TransformerEncoder(layer, 2);
    const sd = enc.stateDict();
    expect(sd.has('layers.1.self_attn.out_proj.weight')).toBe(true);
    const a = sd.get('layers.0.linear1.weight')!;
    const b = sd.get('layers.1.linear1.weight')!;
    expect(Array.from(a.data)).toEqual(Array.from(layer.linear1.weight.data));
    expect(a.data).not.toBe(b.data);
    b.data[0] += 1;
    expect(a.data[0]).not.toBe(b.data[0]);
  });

  it('errors name the layer and say what was expected', () => {
    expect(() => new nn.MultiheadAttention(10, 3)).toThrow(/^MultiheadAttention: embed_dim must be divisible by num_heads, got embedDim=10, numHeads=3$/);
    const m = new nn.MultiheadAttention(8, 2);
    expect(() => m.forward(zeros([5, 2, 6]), zeros([5, 2, 6]), zeros([5, 2, 6]))).toThrow(/^MultiheadAttention: was expecting embedding dimension of 8, but got 6$/);
    expect(() => m.forward(zeros([5, 2, 8]), zeros([5, 2, 8]), zeros([5, 2, 8]), { attnMask: zeros([5, 4]) })).toThrow(/^MultiheadAttention: expected attnMask of shape \(5, 5\) or \(4, 5, 5\), got \(5, 4\)$/);
    expect(() => new nn.TransformerEncoderLayer(8, 2, { activation: 'tanh' as never })).toThrow(/^TransformerEncoderLayer: activation should be relu\/gelu, not tanh$/);
  });
});
