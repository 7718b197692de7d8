/** The sequence, normalisation, activation and loss layers of issue 12 against PyTorch (test/fixtures/seq.json), on every backend. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { setBackend, getBackend } from '../../src/backend/select.js';
import { testBackends } from '../helpers/backends.js';
import { itMatchesPyTorchModule, seqFixture } from './nn-fixtures.js';

type Ctor = new (...args: any[]) => nn.AnyModule;

const KINDS: Record<string, Ctor> = {
  SiLU: nn.SiLU,
  Mish: nn.Mish,
  Softplus: nn.Softplus,
  ELU: nn.ELU,
  Hardtanh: nn.Hardtanh,
  LeakyReLU: nn.LeakyReLU,
  CrossEntropyLoss: nn.CrossEntropyLoss,
  HuberLoss: nn.HuberLoss,
  SmoothL1Loss: nn.SmoothL1Loss,
  KLDivLoss: nn.KLDivLoss,
  LayerNorm: nn.LayerNorm,
  GroupNorm: nn.GroupNorm,
  Embedding: nn.Embedding,
};

describe.each(testBackends())('issue-12 layers vs PyTorch on $name', (backend) => {
  beforeAll(() => setBackend(backend.name));
  it('runs on the selected backend', () => {
    expect(getBackend().name).toBe(backend.name);
  });
  for (const [kind, Ctor] of Object.entries(KINDS)) {
    describe(kind, () => {
      itMatchesPyTorchModule(kind, (args) => new Ctor(...args), { rtol: 1e-5, atol: 1e-5, fixture: seqFixture() });
    });
  }
});

describe('activation layer arguments', () => {
  it('errors name the layer and the argument', () => {
    expect(() => new nn.SiLU({ inplace: 1 as never })).toThrow(/^SiLU: expected inplace to be a boolean, got 1$/);
    expect(() => new nn.Softplus({ beta: 'x' as never })).toThrow(/^Softplus: expected beta to be a number, got 'x'$/);
    expect(() => new nn.ELU({ alpha: null as never })).toThrow(/^ELU: expected alpha to be a number, got null$/);
    expect(() => new nn.Hardtanh(1, -1)).toThrow(/^Hardtanh: minVal cannot be greater than maxVal, got minVal=1, maxVal=-1$/);
    expect(() => new nn.LeakyReLU(0.1, { inplace: 'yes' as never })).toThrow(/^LeakyReLU: expected inplace to be a boolean, got 'yes'$/);
  });

  it('normalisation layers check their arguments and start as the identity affine map', () => {
    expect(() => new nn.GroupNorm(4, 6)).toThrow(/^GroupNorm: num_channels must be divisible by num_groups, got numChannels=6, numGroups=4$/);
    expect(() => new nn.LayerNorm([2, -1])).toThrow(/^LayerNorm: expected normalizedShape to be an integer or an array of integers, got/);
    expect(() => new nn.LayerNorm(4, { elementwiseAffine: 'no' as never })).toThrow(/^LayerNorm: expected elementwiseAffine to be a boolean, got 'no'$/);
    const ln = new nn.LayerNorm([2, 3]);
    expect([...ln.stateDict().keys()]).toEqual(['weight', 'bias']);
    expect(ln.weight!.toArray()).toEqual([[1, 1, 1], [1, 1, 1]]);
    expect(ln.bias!.toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  it('Embedding: N(0, 1) init with a zero padding row, fromPretrained copies and freezes', () => {
    const e = new nn.Embedding(50, 8, { paddingIdx: -2, generator: new Generator(3) });
    expect(e.paddingIdx).toBe(48);
    const w = e.weight.data;
    expect(Array.from(w.subarray(48 * 8, 49 * 8))).toEqual(new Array(8).fill(0));
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < 48 * 8; i++) {
      s += w[i];
      s2 += w[i] * w[i];
    }
    expect(Math.abs(s / 384)).toBeLessThan(0.2);
    expect(Math.abs(s2 / 384 - 1)).toBeLessThan(0.25);
    const pre = tensor([[1, 2], [3, 4]], { dtype: 'float32' });
    const f = nn.Embedding.fromPretrained(pre);
    expect(f.weight.requiresGrad).toBe(false);
    expect(f.weight.data).not.toBe(pre.data);
    expect(f.forward(tensor([1], { dtype: 'int64' })).toArray()).toEqual([[3, 4]]);
    expect(nn.Embedding.fromPretrained(pre, { freeze: false }).weight.requiresGrad).toBe(true);
    expect(String(nn.Embedding.fromPretrained(pre, { paddingIdx: 0, maxNorm: 1 }))).toBe('Embedding(2, 2, padding_idx=0, max_norm=1.0)');
    expect(() => nn.Embedding.fromPretrained(tensor([1, 2], { dtype: 'float32' }))).toThrow(/^Embedding.fromPretrained: Embeddings parameter is expected to be 2-dimensional, got shape \(2,\)$/);
    expect(() => new nn.Embedding(4, 2, { paddingIdx: 4 })).toThrow(/^Embedding: Padding_idx must be within num_embeddings/);
    expect(() => new nn.Embedding(4, 2, { sparse: true })).toThrow(/^Embedding: sparse gradients are not supported/);
  });

  it('loss options are checked by the constructor, naming the layer', () => {
    expect(() => new nn.HuberLoss({ delta: -1 })).toThrow(/^HuberLoss: huber_loss does not support non-positive values for delta, got -1$/);
    expect(() => new nn.SmoothL1Loss({ beta: -0.5 })).toThrow(/^SmoothL1Loss: smooth_l1_loss does not support negative values for beta, got -0.5$/);
    expect(() => new nn.KLDivLoss({ reduction: 'avg' as never })).toThrow(/^KLDivLoss: expected reduction to be 'none', 'batchmean', 'mean' or 'sum', got 'avg'$/);
    expect(() => new nn.HuberLoss({ reduction: 'avg' as never })).toThrow(/^HuberLoss: expected reduction/);
  });

  it('inplace computes a new tensor with the same values', () => {
    const x = tensor([-1, 2], { dtype: 'float32' });
    const y = new nn.ELU({ inplace: true }).forward(x);
    expect(y).not.toBe(x);
    expect(Array.from(x.data)).toEqual([-1, 2]);
    expect(y.data[0]).toBeCloseTo(Math.expm1(-1), 6);
  });
});
