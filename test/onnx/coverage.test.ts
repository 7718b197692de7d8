/**
 * Every Module class the `nn` namespace exports (and those of nn.parallel) either exports to ONNX and runs
 * in onnxruntime with the eval forward's values (a minimal case here; the option-by-option cases are in
 * layers.test.ts and export.test.ts), or is listed below with the reason it has no case of its own. A new
 * layer without either fails this test.
 */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import { randn, rand, tensor } from '../../src/creation.js';
import * as nn from '../../src/nn/index.js';
import * as F from '../../src/nn/functional.js';
import { Module } from '../../src/nn/module.js';
import { manualSeed } from '../../src/util/generator.js';
import { expectOrtMatches } from './helpers.js';

/** Classes without a round-trip case of their own, and why. */
const EXEMPT: Readonly<Record<string, string>> = {
  Module: 'the base class: every case below is one',
  RNNBase: 'abstract base of RNN, LSTM and GRU (covered through them)',
  Loss: 'abstract base of the losses (covered through them)',
  WeightedLoss: 'abstract base of the weighted losses (covered through them)',
  ModuleList: 'a container without a forward: covered through the modules it holds',
  ModuleDict: 'a container without a forward: covered through the modules it holds',
  DistributedDataParallel: 'a training wrapper needing a process group; export its .module',
};

/** [make the module, its sample inputs] per class; the forward must return a Tensor or a list of Tensors. */
type Make = () => [nn.Module<any, any>, Tensor[]];

/** Wraps a module whose forward returns a tuple (RNNs, attention) so the outputs are a flat Tensor list. */
class Flat extends nn.Module<Tensor[], Tensor[]> {
  constructor(readonly inner: nn.Module<any, any>) {
    super();
  }

  override forward(...xs: Tensor[]): Tensor[] {
    const flat = (v: unknown): Tensor[] => (v instanceof Tensor ? [v] : Array.isArray(v) ? v.flatMap(flat) : []);
    return flat(this.inner.forward(...xs));
  }
}

const seq = (): Tensor[] => [randn([4, 3, 6])];
const img = (): Tensor[] => [randn([2, 3, 5, 7])];
const pair = (): Tensor[] => [randn([4, 3]), randn([4, 3])];
const labels = (): Tensor => tensor([0, 2, 1, 2], { dtype: 'int64' });

const CASES: Readonly<Record<string, Make>> = {
  Sequential: () => [new nn.Sequential(new nn.Linear(6, 4), new nn.ReLU()), seq()],
  Linear: () => [new nn.Linear(6, 5), seq()],
  NonDynamicallyQuantizableLinear: () => [new nn.NonDynamicallyQuantizableLinear(6, 5), seq()],
  Identity: () => [new nn.Identity(), seq()],
  Conv1d: () => [new nn.Conv1d(3, 4, 3), seq()],
  BatchNorm1d: () => [new nn.BatchNorm1d(3), seq()],
  SyncBatchNorm: () => [new nn.SyncBatchNorm(3), seq()],
  ReLU: () => [new nn.ReLU(), seq()],
  LeakyReLU: () => [new nn.LeakyReLU(0.2), seq()],
  GELU: () => [new nn.GELU(), seq()],
  Sigmoid: () => [new nn.Sigmoid(), seq()],
  Tanh: () => [new nn.Tanh(), seq()],
  Softmax: () => [new nn.Softmax(1), seq()],
  LogSoftmax: () => [new nn.LogSoftmax(-1), seq()],
  SiLU: () => [new nn.SiLU(), seq()],
  Mish: () => [new nn.Mish(), seq()],
  Softplus: () => [new nn.Softplus({ beta: 2 }), seq()],
  ELU: () => [new nn.ELU(), seq()],
  Hardtanh: () => [new nn.Hardtanh(), seq()],
  LayerNorm: () => [new nn.LayerNorm(6), seq()],
  GroupNorm: () => [new nn.GroupNorm(1, 3), seq()],
  Embedding: () => {
    class Embed extends nn.Module<[Tensor, Tensor], Tensor> {
      emb = new nn.Embedding(5, 3);
      override forward(tokens: Tensor, x: Tensor): Tensor {
        return this.emb.forward(tokens).add(x);
      }
    }
    return [new Embed(), [tensor([[4, 0, 2]], { dtype: 'int64' }), randn([1, 3, 3])]];
  },
  RNN: () => [new Flat(new nn.RNN(6, 4)), seq()],
  LSTM: () => [new Flat(new nn.LSTM(6, 4)), seq()],
  GRU: () => [new Flat(new nn.GRU(6, 4)), seq()],
  MultiheadAttention: () => {
    const mha = new nn.MultiheadAttention(6, 2);
    class SelfAttention extends nn.Module<[Tensor], Tensor[]> {
      override forward(x: Tensor): Tensor[] {
        const [out, w] = mha.forward(x, x, x);
        return [out, w!];
      }
    }
    const m = new SelfAttention();
    m.registerModule('mha', mha);
    return [m, seq()];
  },
  TransformerEncoderLayer: () => [new nn.TransformerEncoderLayer(6, 2, { dimFeedforward: 8 }), seq()],
  TransformerEncoder: () => [new nn.TransformerEncoder(new nn.TransformerEncoderLayer(6, 3, { dimFeedforward: 8 }), 2), seq()],
  MaxPool1d: () => [new nn.MaxPool1d(2), seq()],
  AvgPool1d: () => [new nn.AvgPool1d(2), seq()],
  AdaptiveAvgPool1d: () => [new nn.AdaptiveAvgPool1d(4), seq()],
  AdaptiveMaxPool1d: () => [new nn.AdaptiveMaxPool1d(4), seq()],
  Dropout: () => [new nn.Dropout(), seq()],
  Conv2d: () => [new nn.Conv2d(3, 4, 3), img()],
  ConvTranspose1d: () => [new nn.ConvTranspose1d(3, 4, 3, { stride: 2 }), seq()],
  ConvTranspose2d: () => [new nn.ConvTranspose2d(3, 4, 3, { stride: 2 }), img()],
  BatchNorm2d: () => [new nn.BatchNorm2d(3), img()],
  MaxPool2d: () => [new nn.MaxPool2d(2), img()],
  AvgPool2d: () => [new nn.AvgPool2d(2), img()],
  AdaptiveAvgPool2d: () => [new nn.AdaptiveAvgPool2d([2, 3]), img()],
  Upsample: () => [new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }), img()],
  Dropout2d: () => [new nn.Dropout2d(), img()],
  Flatten: () => [new nn.Flatten(), img()],
  CrossEntropyLoss: () => [new nn.CrossEntropyLoss(), [randn([4, 3]), labels()]],
  NLLLoss: () => [new nn.NLLLoss(), [F.logSoftmax(randn([4, 3]), 1), labels()]],
  MSELoss: () => [new nn.MSELoss(), pair()],
  L1Loss: () => [new nn.L1Loss(), pair()],
  BCELoss: () => [new nn.BCELoss(), [F.sigmoid(randn([4, 3])), rand([4, 3])]],
  BCEWithLogitsLoss: () => [new nn.BCEWithLogitsLoss(), [randn([4, 3]), rand([4, 3])]],
  HuberLoss: () => [new nn.HuberLoss(), pair()],
  SmoothL1Loss: () => [new nn.SmoothL1Loss(), pair()],
  KLDivLoss: () => [new nn.KLDivLoss({ reduction: 'batchmean' }), [F.logSoftmax(randn([4, 3]), 1), F.softmax(randn([4, 3]), 1)]],
};

/** Every class in the namespace (and nn.parallel) that is Module or extends it. */
function moduleClasses(): string[] {
  const found: string[] = [];
  for (const ns of [nn, nn.parallel] as Record<string, unknown>[]) {
    for (const [name, v] of Object.entries(ns)) {
      if (typeof v === 'function' && (v === Module || v.prototype instanceof Module)) found.push(name);
    }
  }
  return found.sort();
}

describe('onnx.exportModel: every nn Module class', () => {
  it('has a round-trip case or a reasoned exemption (and no stale entry)', () => {
    const classes = moduleClasses();
    expect(classes.length).toBeGreaterThan(50);
    expect(classes.filter((c) => !(c in CASES) && !(c in EXEMPT))).toEqual([]);
    expect([...Object.keys(CASES), ...Object.keys(EXEMPT)].filter((c) => !classes.includes(c))).toEqual([]);
  });

  manualSeed(31);
  it.each(Object.keys(CASES).sort())('%s runs in onnxruntime with the eval forward values', async (name) => {
    const [model, inputs] = CASES[name]();
    await expectOrtMatches(model, inputs);
  });
});
