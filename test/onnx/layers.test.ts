/**
 * onnx.exportModel for the image, sequence, normalisation, embedding and attention layers: each layer and
 * each option that changes the exported graph, run in onnxruntime-node against nodetorch's eval forward
 * (rtol 1e-4), at odd sizes, with a dynamic batch where the ops allow one.
 */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import { randn, rand, tensor, zeros } from '../../src/creation.js';
import { rnnLayer } from '../../src/ops/rnn-layer.js';
import * as nn from '../../src/nn/index.js';
import * as F from '../../src/nn/functional.js';
import { manualSeed } from '../../src/util/generator.js';
import { add } from '../../src/ops/add.js';
import { mul } from '../../src/ops/mul.js';
import { exportModelToBytes } from '../../src/onnx/export.js';
import { expectOrtMatches } from './helpers.js';

const BATCH = { input: { 0: 'batch' }, output: { 0: 'batch' } };

/** A BatchNorm2d with running statistics away from 0 / 1 and a non-trivial affine. */
function trainedBatchNorm2d(c: number): nn.BatchNorm2d {
  const bn = new nn.BatchNorm2d(c, { momentum: 0.5 });
  bn.train();
  bn.forward(add(mul(randn([4, c, 5, 3]), 3), 1));
  bn.weight!.data.set(Float32Array.from({ length: c }, (_, i) => 0.5 + i / c));
  bn.bias!.data.set(Float32Array.from({ length: c }, (_, i) => i / c - 0.3));
  return bn;
}

/** Affine parameters away from their ones / zeros init, so a dropped weight or bias shows. */
function perturbed<M extends nn.Module<any, any>>(m: M): M {
  for (const p of m.parameters()) p.data.set(Float32Array.from(p.data, (v, i) => v + 0.3 * Math.sin(i + 1)));
  return m;
}

type Case = [string, () => nn.Module<any, any>, () => Tensor, boolean?];

describe('onnx.exportModel: image layers in onnxruntime', () => {
  manualSeed(21);
  const img = () => randn([2, 3, 7, 9]);
  const cases: Case[] = [
    ['Conv2d', () => new nn.Conv2d(3, 4, 3), img, true],
    ['Conv2d stride 2, padding [1, 2]', () => new nn.Conv2d(3, 4, [3, 2], { stride: 2, padding: [1, 2] }), img, true],
    ['Conv2d stride [1, 2], dilation [2, 1]', () => new nn.Conv2d(3, 4, 3, { stride: [1, 2], dilation: [2, 1] }), img],
    ["Conv2d padding 'same', even kernel (asymmetric Pad)", () => new nn.Conv2d(3, 5, [4, 2], { padding: 'same' }), img, true],
    ["Conv2d padding 'same', dilation 2", () => new nn.Conv2d(3, 5, 3, { padding: 'same', dilation: 2 }), img],
    ["Conv2d padding 'valid'", () => new nn.Conv2d(3, 4, 5, { padding: 'valid' }), img],
    ['Conv2d groups 3 without bias', () => new nn.Conv2d(3, 6, 3, { groups: 3, bias: false }), img],
    ['Conv2d on unbatched input', () => new nn.Conv2d(3, 4, 3, { padding: 1 }), () => randn([3, 7, 9])],
    ['ConvTranspose1d stride 2, padding 1, outputPadding 1', () => new nn.ConvTranspose1d(4, 3, 3, { stride: 2, padding: 1, outputPadding: 1 }), () => randn([2, 4, 11]), true],
    ['ConvTranspose1d groups 2, dilation 2, no bias', () => new nn.ConvTranspose1d(4, 6, 3, { groups: 2, dilation: 2, bias: false }), () => randn([2, 4, 11])],
    ['ConvTranspose2d stride [2, 3], padding 1, outputPadding [1, 2]', () => new nn.ConvTranspose2d(3, 4, 3, { stride: [2, 3], padding: 1, outputPadding: [1, 2] }), img, true],
    ['ConvTranspose2d groups 3, dilation 2', () => new nn.ConvTranspose2d(3, 6, [2, 3], { groups: 3, dilation: 2 }), img],
    ['ConvTranspose2d on unbatched input', () => new nn.ConvTranspose2d(3, 2, 3, { stride: 2 }), () => randn([3, 5, 4])],
    ['MaxPool2d', () => new nn.MaxPool2d(2), img, true],
    ['MaxPool2d kernel [3, 2], stride [2, 1], padding 1', () => new nn.MaxPool2d([3, 2], { stride: [2, 1], padding: 1 }), img],
    ['MaxPool2d dilation 2', () => new nn.MaxPool2d(3, { stride: 1, dilation: 2 }), img],
    ['MaxPool2d ceilMode (both dims gain a window)', () => new nn.MaxPool2d(2, { ceilMode: true }), img],
    ['MaxPool2d ceilMode where only one dim gains a window', () => new nn.MaxPool2d(2, { ceilMode: true }), () => randn([2, 3, 6, 9])],
    ['MaxPool2d ceilMode with padding, last window dropped', () => new nn.MaxPool2d(2, { stride: 2, padding: 1, ceilMode: true }), () => randn([2, 3, 9, 8])],
    ['MaxPool2d on unbatched input', () => new nn.MaxPool2d(3, { stride: 2, padding: 1 }), () => randn([3, 7, 9])],
    ['AvgPool2d', () => new nn.AvgPool2d(2), img, true],
    ['AvgPool2d padding 1, countIncludePad', () => new nn.AvgPool2d(3, { stride: 2, padding: 1 }), img],
    ['AvgPool2d padding 1, countIncludePad false', () => new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }), img],
    ['AvgPool2d ceilMode with padding', () => new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }), () => randn([2, 3, 8, 10])],
    ['AvgPool2d ceilMode, countIncludePad false, one dim gains a window', () => new nn.AvgPool2d(2, { ceilMode: true, countIncludePad: false }), () => randn([2, 3, 6, 9])],
    ['AvgPool2d divisorOverride 5', () => new nn.AvgPool2d([3, 2], { stride: 2, padding: 1, divisorOverride: 5 }), img],
    ['AvgPool2d on unbatched input', () => new nn.AvgPool2d(2), () => randn([3, 7, 9])],
    ['AdaptiveAvgPool2d(1)', () => new nn.AdaptiveAvgPool2d(1), img, true],
    ['AdaptiveAvgPool2d([7, 3]) (windows tile: AveragePool)', () => new nn.AdaptiveAvgPool2d([7, 3]), img],
    ['AdaptiveAvgPool2d([3, 4]) on 7 x 9 (overlapping windows)', () => new nn.AdaptiveAvgPool2d([3, 4]), img],
    ['AdaptiveAvgPool2d([null, 2])', () => new nn.AdaptiveAvgPool2d([null, 2]), img],
    ['BatchNorm2d', () => trainedBatchNorm2d(3), img, true],
    ['Dropout2d (identity in eval)', () => new nn.Dropout2d(0.5), img, true],
    ["Upsample nearest, scaleFactor 2", () => new nn.Upsample({ scaleFactor: 2, mode: 'nearest' }), img, true],
    ["Upsample nearest, scaleFactor [3, 2]", () => new nn.Upsample({ scaleFactor: [3, 2] }), img],
    ["Upsample nearest, size [11, 4] (down in W)", () => new nn.Upsample({ size: [11, 4] }), img, true],
    ["Upsample bilinear, scaleFactor 2", () => new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }), img, true],
    ["Upsample bilinear, scaleFactor 1.5", () => new nn.Upsample({ scaleFactor: 1.5, mode: 'bilinear' }), img],
    ["Upsample bilinear, size [10, 5]", () => new nn.Upsample({ size: [10, 5], mode: 'bilinear' }), img],
    ["Upsample bilinear alignCorners, scaleFactor 2", () => new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: true }), img, true],
    ["Upsample bilinear alignCorners, size [4, 13]", () => new nn.Upsample({ size: [4, 13], mode: 'bilinear', alignCorners: true }), img],
    ['fused Conv2d + ReLU and BatchNorm2d + ReLU in a Sequential', () => new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.ReLU(), trainedBatchNorm2d(4), new nn.ReLU()), img, true],
  ];
  it.each(cases)('%s', async (_name, make, input, dynamicBatch) => {
    const model = make();
    await expectOrtMatches(model, input());
    if (dynamicBatch) await expectOrtMatches(model, input(), { dynamicAxes: BATCH }, [randn([3, ...input().shape.slice(1)])]);
  });

  it('the fused Conv2d + ReLU exports as Conv then Relu on the conv (not on its input)', () => {
    const r = exportModelToBytes(new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.ReLU()), img());
    expect(r.graph.nodes.map((n) => n.opType)).toEqual(['Conv', 'Relu']);
    expect(r.graph.nodes[1].inputs).toEqual(r.graph.nodes[0].outputs);
  });
});

describe('onnx.exportModel: normalisation, embedding and activations in onnxruntime', () => {
  manualSeed(22);
  const seq = () => randn([2, 5, 6]);
  const cases: Case[] = [
    ['LayerNorm(6)', () => perturbed(new nn.LayerNorm(6)), seq, true],
    ['LayerNorm([5, 6]) over 2 trailing dims', () => perturbed(new nn.LayerNorm([5, 6], { eps: 1e-3 })), seq, true],
    ['LayerNorm elementwiseAffine false', () => new nn.LayerNorm(6, { elementwiseAffine: false }), seq],
    ['GroupNorm(3, 6) on (N, 6, L)', () => perturbed(new nn.GroupNorm(3, 6)), () => randn([2, 6, 5]), true],
    ['GroupNorm(2, 6) on (N, 6, H, W)', () => perturbed(new nn.GroupNorm(2, 6, { eps: 1e-3 })), () => randn([2, 6, 3, 5]), true],
    ['GroupNorm affine false', () => new nn.GroupNorm(6, 6, { affine: false }), () => randn([2, 6, 5])],
    ['SiLU', () => new nn.SiLU(), seq],
    ['Mish (past the softplus threshold too)', () => new nn.Mish(), () => mul(randn([2, 5, 6]), 12)],
    ['Softplus', () => new nn.Softplus(), () => mul(randn([2, 5, 6]), 12)],
    ['Softplus beta 2, threshold 1', () => new nn.Softplus({ beta: 2, threshold: 1 }), seq],
    ['ELU alpha 0.7', () => new nn.ELU({ alpha: 0.7 }), seq],
    ['Hardtanh(-0.5, 0.8)', () => new nn.Hardtanh(-0.5, 0.8), seq],
    ['LeakyReLU(0.1)', () => new nn.LeakyReLU(0.1), seq],
  ];
  it.each(cases)('%s', async (_name, make, input, dynamicBatch) => {
    const model = make();
    await expectOrtMatches(model, input());
    if (dynamicBatch) await expectOrtMatches(model, input(), { dynamicAxes: BATCH }, [randn([3, ...input().shape.slice(1)])]);
  });

  /** Embedding followed by a float op: the traced model needs a float32 sample input too. */
  class Embed extends nn.Module<[Tensor, Tensor], Tensor> {
    constructor(readonly emb: nn.Embedding) {
      super();
    }

    override forward(tokens: Tensor, x: Tensor): Tensor {
      return add(this.emb.forward(tokens), x);
    }
  }

  it('Embedding with paddingIdx, tokens as an int64 graph input with a dynamic batch', async () => {
    const m = new Embed(new nn.Embedding(7, 3, { paddingIdx: 0 }));
    const tokens = tensor([[0, 3, 6, 2, 0], [1, 1, 5, 4, 0]], { dtype: 'int64' });
    const dynamicAxes = { tokens: { 0: 'batch' }, x: { 0: 'batch' }, output: { 0: 'batch' } };
    const opts = { inputNames: ['tokens', 'x'], dynamicAxes };
    const r = await expectOrtMatches(m, [tokens, randn([2, 5, 3])], opts);
    expect(r.graph.nodes[0].opType).toBe('Gather');
    expect(r.graph.inputs[0]).toEqual({ name: 'tokens', dtype: 'int64', dims: ['batch', 5] });
    await expectOrtMatches(m, [tokens, randn([2, 5, 3])], opts, [tensor([[6, 5, 4, 3, 2], [1, 0, 1, 0, 1], [2, 2, 2, 2, 2]], { dtype: 'int64' }), randn([3, 5, 3])]);
  });

  it('Embedding with maxNorm (the looked-up rows scaled as the in-place renorm leaves them)', async () => {
    const emb = new nn.Embedding(6, 4, { maxNorm: 1.5, normType: 3 });
    emb.weight.data.set(Float32Array.from(emb.weight.data, (v) => 2 * v));
    const tokens = tensor([[0, 1, 2], [3, 4, 5]], { dtype: 'int64' });
    await expectOrtMatches(new Embed(emb), [tokens, randn([2, 3, 4])]);
  });
});

/** A recurrent layer whose [output, state] becomes a flat list of tensors; the states are optional inputs. */
class Recurrent extends nn.Module<Tensor[], Tensor[]> {
  constructor(readonly rnn: nn.RNN | nn.LSTM | nn.GRU) {
    super();
  }

  override forward(x: Tensor, h0?: Tensor, c0?: Tensor): Tensor[] {
    if (this.rnn instanceof nn.LSTM) {
      const [y, [h, c]] = this.rnn.forward(x, h0 && c0 ? [h0, c0] : null);
      return [y as Tensor, h, c];
    }
    const [y, h] = this.rnn.forward(x, h0 ?? null);
    return [y as Tensor, h];
  }
}

describe('onnx.exportModel: recurrent layers as ONNX LSTM / GRU / RNN', () => {
  manualSeed(23);
  type RnnCase = [string, () => nn.RNN | nn.LSTM | nn.GRU, number];
  const cases: RnnCase[] = [
    ['LSTM', () => new nn.LSTM(5, 4), 1],
    ['LSTM numLayers 2, bidirectional, batchFirst', () => new nn.LSTM(5, 4, { numLayers: 2, bidirectional: true, batchFirst: true }), 4],
    ['LSTM without bias', () => new nn.LSTM(5, 3, { bias: false }), 1],
    ['GRU', () => new nn.GRU(5, 4), 1],
    ['GRU numLayers 2, bidirectional, batchFirst', () => new nn.GRU(5, 3, { numLayers: 2, bidirectional: true, batchFirst: true }), 4],
    ["RNN tanh", () => new nn.RNN(5, 4), 1],
    ["RNN relu, numLayers 2, bidirectional", () => new nn.RNN(5, 4, { nonlinearity: 'relu', numLayers: 2, bidirectional: true }), 4],
  ];
  const seqIn = (r: nn.RNNBase, batch: number): Tensor => randn(r.batchFirst ? [batch, 7, 5] : [7, batch, 5]);

  it.each(cases)('%s, zero initial state, dynamic batch', async (_name, make) => {
    const rnn = make();
    const m = new Recurrent(rnn);
    const lstm = rnn instanceof nn.LSTM;
    const batchAxis = rnn.batchFirst ? 0 : 1;
    const outputNames = lstm ? ['y', 'h', 'c'] : ['y', 'h'];
    const dynamicAxes: Record<string, Record<number, string>> = { input: { [batchAxis]: 'batch' }, y: { [batchAxis]: 'batch' }, h: { 1: 'batch' } };
    if (lstm) dynamicAxes.c = { 1: 'batch' };
    const r = await expectOrtMatches(m, seqIn(rnn, 3), { outputNames, dynamicAxes }, [seqIn(rnn, 2)]);
    const op = lstm ? 'LSTM' : rnn instanceof nn.GRU ? 'GRU' : 'RNN';
    expect(r.graph.nodes.filter((n) => n.opType === op)).toHaveLength(rnn.numLayers * (rnn.bidirectional ? 2 : 1));
  });

  it.each(cases)('%s with initial states as graph inputs', async (_name, make, layers) => {
    const rnn = make();
    const states = rnn instanceof nn.LSTM ? [randn([layers, 3, rnn.hiddenSize]), randn([layers, 3, rnn.hiddenSize])] : [randn([layers, 3, rnn.hiddenSize])];
    await expectOrtMatches(new Recurrent(rnn), [seqIn(rnn, 3), ...states]);
  });

  it('LSTM on unbatched input', async () => {
    await expectOrtMatches(new Recurrent(new nn.LSTM(5, 4, { numLayers: 2 })), randn([6, 5]));
  });
});

/** MultiheadAttention with the masks as graph inputs; outputs [output, weights] (weights left out when null). */
class Attend extends nn.Module<Tensor[], Tensor[]> {
  constructor(readonly mha: nn.MultiheadAttention, readonly opts: { needWeights?: boolean; averageAttnWeights?: boolean; masks: ('attn' | 'kpm')[] }) {
    super();
  }

  override forward(q: Tensor, kv: Tensor, ...masks: Tensor[]): Tensor[] {
    const named: Record<string, Tensor> = {};
    this.opts.masks.forEach((m, i) => (named[m] = masks[i]));
    const [out, w] = this.mha.forward(q, kv, kv, {
      attnMask: named.attn, keyPaddingMask: named.kpm, needWeights: this.opts.needWeights, averageAttnWeights: this.opts.averageAttnWeights,
    });
    return w ? [out, w] : [out];
  }
}

describe('onnx.exportModel: attention and transformer layers', () => {
  manualSeed(24);
  const L = 5;
  const S = 6;
  const N = 3;
  const kpm = () => tensor([[false, false, false, false, true, true], [false, false, false, false, false, false], [false, true, false, false, false, true]]);
  const causal = () => tensor(Array.from({ length: L }, (_, i) => Array.from({ length: S }, (_, j) => j > i + 1)));

  it('MultiheadAttention: weights averaged over heads, no masks', async () => {
    const mha = perturbed(new nn.MultiheadAttention(8, 2));
    await expectOrtMatches(new Attend(mha, { masks: [] }), [randn([L, N, 8]), randn([S, N, 8])]);
  });

  it('MultiheadAttention: bool attnMask and keyPaddingMask as graph inputs, per-head weights', async () => {
    const mha = perturbed(new nn.MultiheadAttention(8, 2));
    const m = new Attend(mha, { masks: ['attn', 'kpm'], averageAttnWeights: false });
    const r = await expectOrtMatches(m, [randn([L, N, 8]), randn([S, N, 8]), causal(), kpm()]);
    expect(r.graph.inputs.map((v) => v.dtype)).toEqual(['float32', 'float32', 'bool', 'bool']);
    // Another mask at run time gives the forward's values with that mask: the masks are not baked in.
    const other = tensor([[true, false, false, false, false, false], [false, false, true, true, false, false], [false, false, false, false, false, false]]);
    await expectOrtMatches(m, [randn([L, N, 8]), randn([S, N, 8]), causal(), kpm()], {}, [randn([L, N, 8]), randn([S, N, 8]), causal(), other]);
  });

  it('MultiheadAttention with a dynamic batch: exported at N = 3, run at N = 2 and 5 (the head reshapes keep it dynamic)', async () => {
    const mha = perturbed(new nn.MultiheadAttention(8, 2));
    const m = new Attend(mha, { masks: ['kpm'] });
    const opts = {
      inputNames: ['q', 'kv', 'kpm'], outputNames: ['out', 'weights'],
      dynamicAxes: { q: { 1: 'n' }, kv: { 1: 'n' }, kpm: { 0: 'n' }, out: { 1: 'n' }, weights: { 0: 'n' } },
    };
    const kpmOf = (n: number) => tensor(Array.from({ length: n }, (_, b) => Array.from({ length: S }, (_, j) => (j + b) % 4 === 3)));
    const r = await expectOrtMatches(m, [randn([L, N, 8]), randn([S, N, 8]), kpm()], opts, [randn([L, 2, 8]), randn([S, 2, 8]), kpmOf(2)]);
    await expectOrtMatches(m, [randn([L, N, 8]), randn([S, N, 8]), kpm()], opts, [randn([L, 5, 8]), randn([S, 5, 8]), kpmOf(5)]);
    expect(r.graph.outputs.map((v) => v.dims)).toEqual([[L, 'n', 8], ['n', L, S]]);
  });

  it('MultiheadAttention: float attnMask, needWeights false, batchFirst, kdim / vdim', async () => {
    const mha = perturbed(new nn.MultiheadAttention(8, 4, { batchFirst: true, kdim: 5, vdim: 3 }));
    class KV extends nn.Module<Tensor[], Tensor> {
      override forward(q: Tensor, k: Tensor, v: Tensor, mask: Tensor): Tensor {
        return mha.forward(q, k, v, { attnMask: mask, needWeights: false })[0];
      }
    }
    const m = new KV();
    m.registerModule('mha', mha);
    await expectOrtMatches(m, [randn([N, L, 8]), randn([N, S, 5]), randn([N, S, 3]), mul(rand([L, S]), -3)]);
  });

  it('scaledDotProductAttention with isCausal (the mask a constant of the traced sizes), L != S', async () => {
    class Causal extends nn.Module<Tensor[], Tensor> {
      override forward(q: Tensor, kv: Tensor): Tensor {
        return F.scaledDotProductAttention(q, kv, kv, { isCausal: true });
      }
    }
    await expectOrtMatches(new Causal(), [randn([2, L, 4]), randn([2, S, 4])], { dynamicAxes: { input_0: { 0: 'b' }, input_1: { 0: 'b' } } }, [randn([3, L, 4]), randn([3, S, 4])]);
  });

  it('scaledDotProductAttention with a bool mask input', async () => {
    class Sdpa extends nn.Module<Tensor[], Tensor> {
      override forward(q: Tensor, k: Tensor, v: Tensor, mask: Tensor): Tensor {
        return F.scaledDotProductAttention(q, k, v, { attnMask: mask });
      }
    }
    await expectOrtMatches(new Sdpa(), [randn([2, L, 4]), randn([2, S, 4]), randn([2, S, 3]), causal()]);
  });

  type EncCase = [string, nn.TransformerEncoderLayerOptions];
  const encCases: EncCase[] = [
    ['normFirst false, relu', { normFirst: false, activation: 'relu' }],
    ['normFirst true, gelu, batchFirst', { normFirst: true, activation: 'gelu', batchFirst: true }],
  ];
  it.each(encCases)('TransformerEncoderLayer %s, with a key padding mask input', async (_name, opts) => {
    const layer = perturbed(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 12, ...opts }));
    class Enc extends nn.Module<Tensor[], Tensor> {
      override forward(src: Tensor, pad: Tensor): Tensor {
        return layer.forward(src, { srcKeyPaddingMask: pad });
      }
    }
    const m = new Enc();
    m.registerModule('layer', layer);
    const src = (n: number) => (opts.batchFirst ? randn([n, S, 8]) : randn([S, n, 8]));
    await expectOrtMatches(m, [src(N), kpm()]);
    const b = opts.batchFirst ? 0 : 1;
    const dynamicAxes = { input_0: { [b]: 'n' }, input_1: { 0: 'n' }, output: { [b]: 'n' } };
    const pad4 = tensor([[false, false, true, true, true, true], [false, false, false, false, false, false], [false, true, false, true, false, true], [true, false, false, false, false, false]]);
    await expectOrtMatches(m, [src(N), kpm()], { dynamicAxes }, [src(4), pad4]);
  });

  it('TransformerEncoder of 2 layers with a final LayerNorm and a causal srcMask', async () => {
    const enc = perturbed(new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 4, { dimFeedforward: 10, activation: 'gelu' }), 2, { norm: new nn.LayerNorm(8) }));
    class Enc extends nn.Module<Tensor[], Tensor> {
      override forward(src: Tensor, mask: Tensor): Tensor {
        return enc.forward(src, { srcMask: mask });
      }
    }
    const m = new Enc();
    m.registerModule('enc', enc);
    const mask = tensor(Array.from({ length: S }, (_, i) => Array.from({ length: S }, (_, j) => j > i)));
    await expectOrtMatches(m, [randn([S, N, 8]), mask]);
  });
});

describe('onnx.exportModel: the regression losses', () => {
  manualSeed(25);
  const pair = () => [mul(randn([4, 3]), 2), randn([4, 3])];
  const cases: [string, () => nn.Module<any, any>, () => Tensor[]][] = [
    ['HuberLoss delta 0.7', () => new nn.HuberLoss({ delta: 0.7 }), pair],
    ["HuberLoss reduction 'none'", () => new nn.HuberLoss({ reduction: 'none' }), pair],
    ['SmoothL1Loss beta 0.5', () => new nn.SmoothL1Loss({ beta: 0.5 }), pair],
    ["SmoothL1Loss beta 0, reduction 'sum'", () => new nn.SmoothL1Loss({ beta: 0, reduction: 'sum' }), pair],
    ["KLDivLoss reduction 'batchmean'", () => new nn.KLDivLoss({ reduction: 'batchmean' }), () => [F.logSoftmax(randn([4, 3]), 1), F.softmax(randn([4, 3]), 1)]],
    ['KLDivLoss with a zero target', () => new nn.KLDivLoss(), () => [F.logSoftmax(randn([2, 3]), 1), tensor([[0, 0.5, 0.5], [1, 0, 0]])]],
    ['KLDivLoss logTarget', () => new nn.KLDivLoss({ logTarget: true, reduction: 'sum' }), () => [F.logSoftmax(randn([4, 3]), 1), F.logSoftmax(randn([4, 3]), 1)]],
  ];
  it.each(cases)('%s', async (_name, make, inputs) => {
    await expectOrtMatches(make(), inputs());
  });
});

describe('onnx.exportModel: what these layers refuse, by name', () => {
  it('packed sequences (variable lengths): the recurrent layer op run with batch sizes per step', () => {
    const lstm = new nn.LSTM(3, 2);
    const params = new Map(lstm.namedParameters());
    const p = (k: string): Tensor => params.get(k)!;
    class Packed extends nn.Module<[Tensor], Tensor> {
      override forward(x: Tensor): Tensor {
        const zero = zeros([2, 2]);
        return rnnLayer('LSTM', x, zero, zero, p('weight_ih_l0'), p('weight_hh_l0'), p('bias_ih_l0'), p('bias_hh_l0'), { reverse: false, batchSizes: [2, 2, 1] });
      }
    }
    const m = new Packed();
    m.registerModule('lstm', lstm);
    expect(() => exportModelToBytes(m, randn([3, 2, 3]))).toThrow(/cannot export 'LstmLayerBackward0': packed sequences \(variable lengths\) are not exported; pad the batch and pass a Tensor \(from Packed\)/);
    // Through nn.utils.rnn, packing itself is refused first, by name.
    class Through extends nn.Module<[Tensor], Tensor> {
      override forward(x: Tensor): Tensor {
        const [y] = lstm.forward(nn.utils.rnn.packPaddedSequence(x, [3, 2]));
        return nn.utils.rnn.padPackedSequence(y as InstanceType<typeof nn.utils.rnn.PackedSequence>)[0];
      }
    }
    expect(() => exportModelToBytes(new Through(), randn([3, 2, 3]))).toThrow(/no ONNX mapping for 'IndexSelectBackward0'/);
  });

  it('divisorOverride where a ceil-mode window runs past the input', () => {
    expect(() => exportModelToBytes(new nn.AvgPool2d(2, { ceilMode: true, divisorOverride: 3 }), randn([1, 1, 5, 5]))).toThrow(
      /cannot export 'AvgPool2DBackward0': divisorOverride with ceil-mode windows past the input has no exact AveragePool form \(from nn\.AvgPool2d\)/,
    );
  });
});

describe('onnx.exportModel: opset 13 (before LayerNormalization)', () => {
  manualSeed(26);
  it('LayerNorm over 2 dims, with and without affine, decomposed', async () => {
    const r = await expectOrtMatches(perturbed(new nn.LayerNorm([5, 6])), randn([2, 5, 6]), { opsetVersion: 13 });
    expect(r.graph.nodes.map((n) => n.opType)).not.toContain('LayerNormalization');
    await expectOrtMatches(new nn.LayerNorm(6, { elementwiseAffine: false }), randn([2, 5, 6]), { opsetVersion: 13 });
  });

  it('a TransformerEncoderLayer, LSTM and GroupNorm', async () => {
    await expectOrtMatches(perturbed(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 12, normFirst: true })), randn([5, 3, 8]), { opsetVersion: 13 });
    await expectOrtMatches(new Recurrent(new nn.LSTM(5, 4, { bidirectional: true })), randn([7, 2, 5]), { opsetVersion: 13 });
    await expectOrtMatches(perturbed(new nn.GroupNorm(2, 6)), randn([2, 6, 5]), { opsetVersion: 13 });
  });
});
