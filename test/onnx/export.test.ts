/**
 * onnx.exportModel against onnxruntime-node: every nn layer alone and in a small Sequential, the
 * reference model with a dynamic batch, the functional ops the mappings cover, and the errors.
 * Values must match nodetorch's eval forward (rtol 1e-4, atol 1e-5), on each backend CI selects.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from '../../src/tensor.js';
import { randn, rand, tensor } from '../../src/creation.js';
import * as nn from '../../src/nn/index.js';
import * as F from '../../src/nn/functional.js';
import { Inception1d } from '../../src/models/inception1d.js';
import { Generator, manualSeed } from '../../src/util/generator.js';
import { setTracer } from '../../src/autograd/record.js';
import { add, sub } from '../../src/ops/add.js';
import { mul } from '../../src/ops/mul.js';
import { div } from '../../src/ops/div.js';
import { pow } from '../../src/ops/pow.js';
import { exp } from '../../src/ops/exp.js';
import { log } from '../../src/ops/log.js';
import { sqrt } from '../../src/ops/sqrt.js';
import { abs } from '../../src/ops/abs.js';
import { neg } from '../../src/ops/neg.js';
import { clamp } from '../../src/ops/clamp.js';
import { transpose } from '../../src/ops/transpose.js';
import { permute } from '../../src/ops/permute.js';
import { sum, mean } from '../../src/ops/sum.js';
import { max } from '../../src/ops/max.js';
import { min } from '../../src/ops/min.js';
import { narrow } from '../../src/ops/narrow.js';
import { select } from '../../src/ops/select.js';
import { chunk } from '../../src/ops/chunk.js';
import { stack } from '../../src/ops/stack.js';
import { cat } from '../../src/ops/cat.js';
import { expand } from '../../src/ops/expand.js';
import { matmul } from '../../src/ops/matmul.js';
import { clone } from '../../src/ops/clone.js';
import { std } from '../../src/ops/std.js';
import { unsqueeze } from '../../src/ops/reshape.js';
import { exportModel, exportModelToBytes } from '../../src/onnx/export.js';
import * as onnx from '../../src/onnx/index.js';
import * as api from '../../src/index.js';
import { expectOrtMatches, runOrt } from './helpers.js';

/** A module whose forward is the given function (for functional ops). */
class Fn extends nn.Module {
  constructor(private readonly fn: (x: Tensor) => Tensor | Tensor[]) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return this.fn(x) as Tensor;
  }
}

/** A BatchNorm1d whose running statistics are not the initial 0 / 1 (one training forward). */
function trainedBatchNorm(c: number, shape: number[], opts: nn.BatchNorm1dOptions = {}): nn.BatchNorm1d {
  const bn = new nn.BatchNorm1d(c, { momentum: 0.5, ...opts });
  bn.train();
  bn.forward(add(mul(randn(shape), 3), 1));
  if (bn.weight) bn.weight.data.set(Float32Array.from({ length: c }, (_, i) => 0.5 + i / c));
  if (bn.bias) bn.bias.data.set(Float32Array.from({ length: c }, (_, i) => i / c - 0.3));
  return bn;
}

describe('onnx.exportModel: each nn layer alone in onnxruntime', () => {
  manualSeed(7);
  const x3 = () => randn([2, 4, 11]);
  const cases: [string, () => nn.Module<any, any>, () => Tensor][] = [
    ['Linear', () => new nn.Linear(5, 3), () => randn([2, 5])],
    ['Linear without bias', () => new nn.Linear(5, 3, { bias: false }), () => randn([2, 5])],
    ['Linear on 3-D input (MatMul path)', () => new nn.Linear(5, 3), () => randn([2, 4, 5])],
    ['Linear on 1-D input', () => new nn.Linear(5, 3), () => randn([5])],
    ['Identity', () => new nn.Identity(), x3],
    ['Conv1d', () => new nn.Conv1d(4, 6, 3), x3],
    ['Conv1d stride 2, padding 2, dilation 2', () => new nn.Conv1d(4, 6, 3, { stride: 2, padding: 2, dilation: 2 }), x3],
    ['Conv1d groups 2 without bias', () => new nn.Conv1d(4, 6, 3, { groups: 2, bias: false }), x3],
    ["Conv1d padding 'same', even kernel (Pad)", () => new nn.Conv1d(4, 6, 4, { padding: 'same' }), x3],
    ["Conv1d padding 'valid'", () => new nn.Conv1d(4, 6, 5, { padding: 'valid' }), x3],
    ['Conv1d on unbatched input', () => new nn.Conv1d(4, 6, 3, { padding: 1 }), () => randn([4, 11])],
    ['BatchNorm1d (N, C, L)', () => trainedBatchNorm(4, [8, 4, 11]), x3],
    ['BatchNorm1d (N, C)', () => trainedBatchNorm(4, [8, 4]), () => randn([3, 4])],
    ['BatchNorm1d affine false', () => trainedBatchNorm(4, [8, 4, 11], { affine: false }), x3],
    ['ReLU', () => new nn.ReLU(), x3],
    ['LeakyReLU', () => new nn.LeakyReLU(0.2), x3],
    ['GELU', () => new nn.GELU(), x3],
    ["GELU approximate 'tanh'", () => new nn.GELU({ approximate: 'tanh' }), x3],
    ['Sigmoid', () => new nn.Sigmoid(), x3],
    ['Tanh', () => new nn.Tanh(), x3],
    ['Softmax(1)', () => new nn.Softmax(1), x3],
    ['Softmax(-1)', () => new nn.Softmax(-1), x3],
    ['LogSoftmax(1)', () => new nn.LogSoftmax(1), x3],
    ['MaxPool1d', () => new nn.MaxPool1d(3, { stride: 2, padding: 1 }), x3],
    ['MaxPool1d dilation 2', () => new nn.MaxPool1d(3, { stride: 1, dilation: 2 }), x3],
    ['MaxPool1d ceilMode', () => new nn.MaxPool1d(2, { stride: 2, ceilMode: true }), x3],
    ['MaxPool1d on unbatched input', () => new nn.MaxPool1d(3, { stride: 2, padding: 1 }), () => randn([4, 11])],
    ['AvgPool1d', () => new nn.AvgPool1d(3, { stride: 2 }), x3],
    ['AvgPool1d padding, countIncludePad', () => new nn.AvgPool1d(3, { stride: 2, padding: 1 }), x3],
    ['AvgPool1d padding, countIncludePad false', () => new nn.AvgPool1d(3, { stride: 2, padding: 1, countIncludePad: false }), x3],
    ['AvgPool1d ceilMode', () => new nn.AvgPool1d(2, { stride: 2, ceilMode: true }), x3],
    ['AvgPool1d ceilMode with padding (window past the right pad)', () => new nn.AvgPool1d(3, { stride: 2, padding: 1, ceilMode: true }), () => randn([2, 4, 10])],
    ['AvgPool1d ceilMode with padding, countIncludePad false', () => new nn.AvgPool1d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), () => randn([2, 4, 10])],
    ['MaxPool1d ceilMode with padding', () => new nn.MaxPool1d(3, { stride: 2, padding: 1, ceilMode: true }), () => randn([2, 4, 10])],
    // ceil would start a last window inside the right padding: PyTorch drops it (5 outputs, not 6).
    ['MaxPool1d ceilMode, last window dropped', () => new nn.MaxPool1d(2, { stride: 2, padding: 1, ceilMode: true }), () => randn([2, 4, 9])],
    ['AvgPool1d ceilMode, last window dropped', () => new nn.AvgPool1d(2, { stride: 2, padding: 1, ceilMode: true }), () => randn([2, 4, 9])],
    ['AdaptiveAvgPool1d(1)', () => new nn.AdaptiveAvgPool1d(1), x3],
    ['AdaptiveAvgPool1d(4) on L = 12', () => new nn.AdaptiveAvgPool1d(4), () => randn([2, 4, 12])],
    ['AdaptiveMaxPool1d(1)', () => new nn.AdaptiveMaxPool1d(1), x3],
    ['AdaptiveMaxPool1d(3) on L = 12', () => new nn.AdaptiveMaxPool1d(3), () => randn([2, 4, 12])],
    ['AdaptiveAvgPool1d(4) on L = 10 (overlapping windows: Slice + ReduceMean)', () => new nn.AdaptiveAvgPool1d(4), () => randn([2, 4, 10])],
    ['AdaptiveMaxPool1d(3) on L = 11 (Slice + ReduceMax)', () => new nn.AdaptiveMaxPool1d(3), () => randn([2, 4, 11])],
    ['Dropout (identity in eval)', () => new nn.Dropout(0.5), x3],
    ['Flatten', () => new nn.Flatten(), x3],
    ['Flatten(0)', () => new nn.Flatten(0), x3],
    ['Flatten(1, 1) (no-op reshape)', () => new nn.Flatten(1, 1), x3],
  ];
  it.each(cases)('%s', async (_name, make, input) => {
    await expectOrtMatches(make(), input());
  });

  it('ceil_mode is set only where it changes the length (ONNX keeps a window PyTorch drops)', () => {
    const ceilAttr = (k: number, p: number, l: number): number | undefined => {
      const r = exportModelToBytes(new nn.MaxPool1d(k, { stride: 2, padding: p, ceilMode: true }), randn([1, 1, l]));
      const a = r.graph.nodes.find((n) => n.opType === 'MaxPool')!.attrs.ceil_mode;
      return a.type === 'int' ? a.value : undefined;
    };
    expect(ceilAttr(2, 0, 9)).toBe(1); // 5 windows instead of 4
    expect(ceilAttr(2, 1, 9)).toBe(0); // ceil's 6th window would start in the right padding: 5 either way
    expect(ceilAttr(2, 0, 8)).toBe(0); // exact
  });
});

describe('onnx.exportModel: modules together', () => {
  it('a small Sequential with the fused Conv1d + ReLU and BatchNorm1d + ReLU paths (two nodes each)', async () => {
    manualSeed(3);
    const bn = trainedBatchNorm(8, [4, 8, 16]);
    const model = new nn.Sequential(
      new nn.Conv1d(2, 8, 3, { padding: 1 }), new nn.ReLU(),
      bn, new nn.ReLU(),
      new nn.MaxPool1d(2), new nn.Flatten(), new nn.Dropout(0.3), new nn.Linear(64, 5), new nn.LogSoftmax(1),
    );
    const r = await expectOrtMatches(model, randn([3, 2, 16]));
    const ops = r.graph.nodes.map((n) => n.opType);
    expect(ops).toEqual(['Conv', 'Relu', 'BatchNormalization', 'Relu', 'MaxPool', 'Reshape', 'Gemm', 'LogSoftmax']);
  });

  it('Inception1d with a dynamic batch: exported at batch 2, run at batch 5 and 1', async () => {
    manualSeed(11);
    const model = new Inception1d(3, { generator: new Generator(5) });
    model.train();
    model.forward(mul(randn([4, 1, 96]), 2)); // running statistics away from 0 / 1
    const dynamicAxes = { input: { 0: 'batch' }, output: { 0: 'batch' } };
    const r = await expectOrtMatches(model, randn([2, 1, 96]), { dynamicAxes }, [randn([5, 1, 96])]);
    await expectOrtMatches(model, randn([2, 1, 96]), { dynamicAxes }, [randn([1, 1, 96])]);
    expect(r.graph.inputs[0].dims).toEqual(['batch', 1, 96]);
    expect(r.graph.outputs[0].dims).toEqual(['batch', 3]);
    // Parameters and buffers are initializers named by their state-dict keys.
    const keys = [...model.stateDict().keys()].filter((k) => !k.endsWith('num_batches_tracked'));
    expect(r.graph.initializers.map((t) => t.name)).toEqual(expect.arrayContaining(keys));
    // The Flatten's shape tensor copies the batch dim (0) instead of baking 2.
    const reshape = r.graph.nodes.find((n) => n.opType === 'Reshape')!;
    const shape = r.graph.initializers.find((t) => t.name === reshape.inputs[1])!;
    expect(Array.from(shape.data)).toEqual([0, 64]);
  });

  it('without dynamicAxes the batch is static and another batch size is refused by onnxruntime', async () => {
    const model = new nn.Sequential(new nn.Linear(3, 2), new nn.Flatten(0));
    const r = exportModelToBytes(model, randn([2, 3]));
    expect(r.graph.inputs[0].dims).toEqual([2, 3]);
    await expect(runOrt(r.bytes, [randn([5, 3])])).rejects.toThrow();
  });

  it('a dynamic length axis flows through Conv, pools and GlobalAveragePool', async () => {
    const model = new nn.Sequential(new nn.Conv1d(1, 4, 3, { stride: 2, padding: 1 }), new nn.MaxPool1d(2), new nn.AdaptiveAvgPool1d(1), new nn.Flatten(), new nn.Linear(4, 2));
    const dynamicAxes = { input: { 0: 'batch', 2: 'length' }, output: { 0: 'batch' } };
    await expectOrtMatches(model, randn([2, 1, 40]), { dynamicAxes }, [randn([3, 1, 57])]);
  });

  it('multiple inputs and outputs with names, and an output that is an input', async () => {
    class Two extends nn.Module<[Tensor, Tensor], Tensor[]> {
      fc = new nn.Linear(4, 4);
      override forward(a: Tensor, b: Tensor): Tensor[] {
        const h = this.fc.forward(add(a, b));
        return [h, F.relu(h), b];
      }
    }
    const m = new Two();
    const r = await expectOrtMatches(m, [randn([2, 4]), randn([2, 4])], { inputNames: ['a', 'b'], outputNames: ['h', 'r', 'same'] });
    expect(r.graph.inputs.map((v) => v.name)).toEqual(['a', 'b']);
    expect(r.graph.outputs.map((v) => v.name)).toEqual(['h', 'r', 'same']);
  });
});

describe('onnx.exportModel: functional ops', () => {
  manualSeed(5);
  const pos = () => add(rand([2, 3, 4]), 0.5);
  // Constants made outside forward (inside, only number scalars may be made: see the errors below).
  const row = tensor([1, 2, 3, 4], { dtype: 'float32' });
  const col = tensor([[2], [4], [8]], { dtype: 'float32' });
  const mat = tensor([[1, 0], [0.5, 2], [0, -1], [3, 1]]);
  const cases: [string, (x: Tensor) => Tensor | Tensor[], () => Tensor][] = [
    ['add / sub with alpha and a scalar', (x) => sub(add(x, mul(x, x), 2), 1.5, 3), () => randn([2, 3, 4])],
    ['mul / div broadcasting a constant', (x) => div(mul(x, row), col), () => randn([2, 3, 4])],
    ['pow', (x) => pow(x, 3), () => randn([2, 3, 4])],
    ['exp, log, sqrt, abs, neg', (x) => neg(abs(sub(sqrt(x), log(exp(x))))), pos],
    ['clamp', (x) => add(clamp(x, -0.5, 0.5), clamp(x, null, 0.2)), () => randn([2, 3, 4])],
    ['transpose and permute', (x) => add(transpose(x, 0, 2), permute(x, [2, 1, 0])), () => randn([2, 3, 4])],
    ['sum and mean over dims', (x) => add(sum(x, [1, 2], true), mean(x, 1, true)), () => randn([2, 3, 4])],
    ['sum and max of everything', (x) => add(sum(x), max(x)), () => randn([2, 3, 4])],
    ['max / min along a dim', (x) => sub(max(x, 2).values, min(x, 2, false).values), () => randn([2, 3, 4])],
    ['narrow and select', (x) => add(narrow(x, 2, 1, 2), unsqueeze(select(x, 2, -1), 2)), () => randn([2, 3, 4])],
    ['chunk, stack and cat', (x) => cat([stack(chunk(x, 2, 2), 0).reshape([4, 3, 2]), x.reshape([4, 3, 2])], 1), () => randn([2, 3, 4])],
    ['expand', (x) => expand(narrow(x, 1, 0, 1), [2, 5, 4]), () => randn([2, 3, 4])],
    ['matmul with a constant', (x) => matmul(x, mat), () => randn([2, 3, 4])],
    ['clone', (x) => clone(x), () => randn([2, 3, 4])],
    ['softmax / logSoftmax / gelu / leakyRelu / sigmoid / tanh', (x) => add(F.softmax(F.gelu(x), 0), F.logSoftmax(F.leakyRelu(F.tanh(F.sigmoid(x)), 0.3), 2)), () => randn([2, 3, 4])],
  ];
  it.each(cases)('%s', async (_name, fn, input) => {
    await expectOrtMatches(new Fn(fn), input());
  });
});

describe('onnx.exportModel: losses (input and target as graph inputs)', () => {
  manualSeed(9);
  const logits = () => randn([4, 3]);
  const labels = () => tensor([0, 2, 1, 2], { dtype: 'int64' });
  const probs = () => F.softmax(randn([4, 3]), 1);
  const unit = () => F.sigmoid(randn([4, 3]));
  const cw = tensor([0.2, 1, 3]);
  const cases: [string, () => nn.Module<any, any>, () => Tensor[]][] = [
    ['MSELoss', () => new nn.MSELoss(), () => [randn([4, 3]), randn([4, 3])]],
    ["MSELoss reduction 'sum'", () => new nn.MSELoss({ reduction: 'sum' }), () => [randn([4, 3]), randn([4, 3])]],
    ["L1Loss reduction 'none'", () => new nn.L1Loss({ reduction: 'none' }), () => [randn([4, 3]), randn([4, 3])]],
    ['BCELoss with weight', () => new nn.BCELoss({ weight: cw }), () => [unit(), rand([4, 3])]],
    ['BCEWithLogitsLoss with posWeight', () => new nn.BCEWithLogitsLoss({ posWeight: cw }), () => [randn([4, 3]), rand([4, 3])]],
    ["BCEWithLogitsLoss reduction 'none'", () => new nn.BCEWithLogitsLoss({ reduction: 'none' }), () => [randn([4, 3]), rand([4, 3])]],
    ['NLLLoss', () => new nn.NLLLoss(), () => [F.logSoftmax(logits(), 1), labels()]],
    ['NLLLoss weight, ignoreIndex', () => new nn.NLLLoss({ weight: cw, ignoreIndex: 1 }), () => [F.logSoftmax(logits(), 1), labels()]],
    ['CrossEntropyLoss', () => new nn.CrossEntropyLoss(), () => [logits(), labels()]],
    ["CrossEntropyLoss weight, reduction 'sum'", () => new nn.CrossEntropyLoss({ weight: cw, reduction: 'sum' }), () => [logits(), labels()]],
    ['CrossEntropyLoss on (N, C, L)', () => new nn.CrossEntropyLoss(), () => [randn([2, 3, 5]), tensor([[0, 1, 2, 1, 0], [2, 2, 1, 0, 1]], { dtype: 'int64' })]],
    ['CrossEntropyLoss with class probabilities', () => new nn.CrossEntropyLoss(), () => [logits(), probs()]],
    ['CrossEntropyLoss with class probabilities, weight, labelSmoothing', () => new nn.CrossEntropyLoss({ weight: cw, labelSmoothing: 0.2 }), () => [randn([2, 3, 5]), F.softmax(randn([2, 3, 5]), 1)]],
    ['CrossEntropyLoss labelSmoothing', () => new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }), () => [logits(), labels()]],
    ["CrossEntropyLoss labelSmoothing, weight, ignoreIndex, reduction 'none' on (N, C, L)", () => new nn.CrossEntropyLoss({ weight: cw, ignoreIndex: 2, labelSmoothing: 0.3, reduction: 'none' }), () => [randn([2, 3, 5]), tensor([[0, 1, 2, 1, 0], [2, 2, 1, 0, 1]], { dtype: 'int64' })]],
    ['CrossEntropyLoss labelSmoothing, weight, ignoreIndex (mean)', () => new nn.CrossEntropyLoss({ weight: cw, ignoreIndex: 2, labelSmoothing: 0.3 }), () => [randn([2, 3, 5]), tensor([[0, 1, 2, 1, 0], [2, 2, 1, 0, 1]], { dtype: 'int64' })]],
    ["CrossEntropyLoss labelSmoothing reduction 'sum'", () => new nn.CrossEntropyLoss({ labelSmoothing: 0.25, reduction: 'sum' }), () => [logits(), labels()]],
  ];
  it.each(cases)('%s', async (_name, make, inputs) => {
    await expectOrtMatches(make(), inputs());
  });

  it('an unbatched class loss is refused by name', () => {
    expect(() => exportModelToBytes(new nn.CrossEntropyLoss(), [randn([3]), tensor(1, { dtype: 'int64' })])).toThrow(
      /cannot export 'CrossEntropyLossBackward0': unbatched input \(C,\) has no ONNX class-loss form: add a batch dim \(from nn\.CrossEntropyLoss\)/,
    );
  });
});

describe('onnx.exportModel: errors', () => {
  it('an op without a mapping names the op and the module that ran it', () => {
    class Stats extends nn.Module {
      override forward(x: Tensor): Tensor {
        return std(x, 1, { keepdim: true });
      }
    }
    const model = new nn.Sequential(new nn.Linear(3, 3), new Stats());
    expect(() => exportModelToBytes(model, randn([2, 3]))).toThrow(
      "onnx.exportModel: no ONNX mapping for 'StdBackward0' (from Stats at '1')",
    );
  });

  it('a tensor made during the forward without history (a comparison, argmax) is refused, not frozen', () => {
    const mask = new Fn((x) => mul(x, x.gt(0)));
    expect(() => exportModelToBytes(mask, randn([2, 3]))).toThrow(
      /a bool tensor of shape \(2, 3\) made during the forward without autograd history feeds 'MulBackward0'.*register constants as buffers.*\(from Fn\)/,
    );
    const arg = new Fn((x) => add(x, x.argmax()));
    expect(() => exportModelToBytes(arg, randn([2, 3]))).toThrow(/an int64 tensor of shape \(\) made during the forward/);
    const literal = new Fn((x) => mul(x, tensor([1, 2, 3], { dtype: 'float32' })));
    expect(() => exportModelToBytes(literal, randn([2, 3]))).toThrow(/a float32 tensor of shape \(3\) made during the forward/);
    // A registered buffer is the way to keep such a constant.
    class Scaled extends nn.Module {
      constructor() {
        super();
        this.registerBuffer('scale', tensor([1, 2, 3], { dtype: 'float32' }));
      }

      override forward(x: Tensor): Tensor {
        return mul(x, this.getBuffer('scale'));
      }
    }
    expect(exportModelToBytes(new Scaled(), randn([2, 3])).graph.initializers.map((t) => t.name)).toEqual(['scale']);
  });

  it('adaptive pooling of a dynamic length to more than 1 (its windows depend on the length)', () => {
    expect(() => exportModelToBytes(new nn.AdaptiveAvgPool1d(2), randn([1, 2, 10]), { dynamicAxes: { input: [2] } })).toThrow(
      /cannot export 'AdaptiveAvgPool2DBackward0': adaptive pooling of a dynamic length to 2 has no exact ONNX form \(use an output size of 1\) \(from nn\.AdaptiveAvgPool1d\)/,
    );
  });

  it('training-mode batch norm and dropout called functionally', () => {
    const bn = new Fn((x) => F.batchNorm(x, null, null, { training: true }));
    expect(() => exportModelToBytes(bn, randn([4, 2, 3]))).toThrow(/batch norm in training mode/);
    const drop = new Fn((x) => F.dropout(x, 0.5, true));
    expect(() => exportModelToBytes(drop, randn([4, 2, 3]))).toThrow(/dropout in training mode/);
  });

  it('a tensor with history from outside the traced forward', () => {
    const w = new nn.Parameter(randn([3]));
    const outside = mul(w, 2); // recorded before the trace
    expect(() => exportModelToBytes(new Fn((x) => add(x, outside)), randn([2, 3]))).toThrow(
      /the tensor from 'MulBackward0' was computed outside the traced forward/,
    );
  });

  it('a reshape that would bake a dynamic axis', () => {
    const m = new Fn((x) => x.reshape([2, 3, -1]));
    expect(() => exportModelToBytes(m, randn([6, 4]), { dynamicAxes: { input: { 0: 'batch' } } })).toThrow(/cannot export 'ViewBackward0': cannot reshape \(6, 4\) to \(2, 3, 4\)/);
  });

  it('bad arguments', () => {
    const m = new nn.Linear(2, 2);
    const x = randn([1, 2]);
    expect(() => exportModelToBytes({} as never, x)).toThrow(new TypeError('onnx.exportModel: expected model to be an nn.Module, got an object'));
    expect(() => exportModelToBytes(m, [1, 2] as never)).toThrow(/expected sampleInput to be a Tensor or a non-empty array of Tensors/);
    expect(() => exportModelToBytes(m, tensor([[1, 2]], { dtype: 'int64' }))).toThrow(/expected at least one float32 sample input \(the ops to trace start there\), got int64/);
    expect(() => exportModelToBytes(m, x, { opsetVersion: 18 })).toThrow(new RangeError('onnx.exportModel: expected opsetVersion to be an integer from 13 to 17, got 18'));
    expect(() => exportModelToBytes(m, x, { inputNames: ['a', 'b'] })).toThrow(/expected 1 inputNames \(one per input\), got 2/);
    expect(() => exportModelToBytes(m, x, { dynamicAxes: { nope: { 0: 'b' } } })).toThrow(/dynamicAxes names 'nope', which is not an input or output name \(input, output\)/);
    expect(() => exportModelToBytes(m, x, { dynamicAxes: { input: { 2: 'b' } } })).toThrow(/dynamicAxes\['input'\] has axis 2, expected 0 to 1/);
    expect(() => exportModel(m, x, '')).toThrow(TypeError);
    expect(() => exportModelToBytes(m, x, { inputNames: ['x'], outputNames: ['x'] })).toThrow("onnx.exportModel: 'x' names both an input and an output");
    expect(() => exportModelToBytes(m, x, { inputNames: ['weight'] })).toThrow("onnx.exportModel: the name 'weight' is used twice in the graph");
  });
});

describe('onnx.exportModel: the trace leaves no trace', () => {
  it('restores the training flag and the tracer, and does not touch the parameters', () => {
    const m = new nn.Sequential(new nn.Linear(2, 2), new nn.Dropout(0.5));
    const before = Float32Array.from((m.at(0) as nn.Linear).weight.data);
    m.train();
    exportModelToBytes(m, randn([3, 2]));
    expect(m.training).toBe(true);
    expect(m.at(1).training).toBe(true);
    expect((m.at(0) as nn.Linear).weight.grad).toBe(null);
    expect(Array.from((m.at(0) as nn.Linear).weight.data)).toEqual(Array.from(before));
    expect(setTracer(null)).toBe(null);
    m.eval();
    exportModelToBytes(m, randn([3, 2]));
    expect(m.training).toBe(false);
  });

  it('the module search after an unmapped op unwraps every forward again (fusion stays on)', () => {
    const model = new nn.Sequential(new nn.Conv1d(1, 2, 3), new nn.ReLU(), new Fn((x) => std(x)));
    expect(() => exportModelToBytes(model, randn([1, 1, 5]))).toThrow(/no ONNX mapping for 'StdBackward0' \(from Fn at '2'\)/);
    for (const m of model.modules()) expect(Object.prototype.hasOwnProperty.call(m, 'forward')).toBe(false);
  });

  it('restores them after a failed trace', () => {
    const m = new Fn(() => {
      throw new Error('boom');
    });
    m.train();
    expect(() => exportModelToBytes(m, randn([1]))).toThrow('boom');
    expect(m.training).toBe(true);
    expect(setTracer(null)).toBe(null);
  });
});

describe('onnx.exportModel: the file', () => {
  it('writes the returned bytes to path (atomically, no temp file left) and is exported from the package as onnx', async () => {
    expect(api.onnx.exportModel).toBe(onnx.exportModel);
    const dir = mkdtempSync(join(tmpdir(), 'nodetorch-onnx-'));
    try {
      const path = join(dir, 'm.onnx');
      const r = exportModel(new nn.Sequential(new nn.Linear(3, 2), new nn.Softmax(1)), randn([1, 3]), path);
      const file = readFileSync(path);
      expect(new Uint8Array(file)).toEqual(r.bytes);
      const { readdirSync } = await import('node:fs');
      expect(readdirSync(dir)).toEqual(['m.onnx']);
      const out = await runOrt(new Uint8Array(file), [tensor([[1, 2, 3]], { dtype: 'float32' })]);
      expect(out[0].dims).toEqual([1, 2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
