/**
 * The reference model against PyTorch (test/fixtures/model.json): with PyTorch's state dict loaded,
 * logits in eval and train mode, the CrossEntropyLoss with one-hot targets, every parameter's gradient
 * and the BN running statistics after one train-mode forward must match, on every backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Tensor, type DType } from '../../src/tensor.js';
import { Inception1d, InceptionBlock } from '../../src/models/inception1d.js';
import * as nn from '../../src/nn/index.js';
import { crossEntropy } from '../../src/ops/cross-entropy.js';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { setBackend, getBackend } from '../../src/backend/select.js';
import { zeros, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { expectClose } from '../helpers/allclose.js';
import { loadFixture } from '../helpers/fixtures.js';
import { testBackends } from '../helpers/backends.js';

type Entry = [string, number[], DType, number[]];

interface ModelFixture {
  repr: string;
  numParameters: number;
  stateDict: Entry[];
  x: number[];
  xShape: number[];
  labels: number[];
  target: number[];
  logitsEval: number[];
  logitsTrain: number[];
  loss: number;
  lossIndex: number;
  grads: [string, number[]][];
  buffersAfterTrain: Entry[];
  loadError: string;
}

const fx = loadFixture<ModelFixture>('model.json');
const RTOL = 1e-4;
const ATOL = 1e-5;

function entryTensor([, shape, dtype, data]: Entry): Tensor {
  return new Tensor(dtype === 'int64' ? Float64Array.from(data) : Float32Array.from(data), shape, dtype);
}

function pytorchStateDict(): Map<string, Tensor> {
  return new Map(fx.stateDict.map((e) => [e[0], entryTensor(e)]));
}

const x = () => new Tensor(Float32Array.from(fx.x), fx.xShape);
const oneHot = () => new Tensor(Float32Array.from(fx.target), [fx.labels.length, 2]);
const labels = () => new Tensor(Float64Array.from(fx.labels), [fx.labels.length], 'int64');

describe('Inception1d structure', () => {
  it('prints like PyTorch', () => {
    expect(String(new Inception1d())).toBe(fx.repr);
  });

  it('has 8,882 parameters and PyTorch state dict keys, order and shapes', () => {
    const m = new Inception1d();
    expect(m.parameters().reduce((a, p) => a + p.numel(), 0)).toBe(fx.numParameters);
    expect(fx.numParameters).toBe(8882);
    const sd = m.stateDict();
    expect([...sd.keys()]).toEqual(fx.stateDict.map((e) => e[0]));
    for (const [k, shape, dtype] of fx.stateDict) {
      expect([...sd.get(k)!.shape], k).toEqual(shape);
      expect(sd.get(k)!.dtype, k).toBe(dtype);
    }
    expect(m.namedParameters().map(([k]) => k)).toEqual(fx.grads.map(([k]) => k));
  });

  it('initialises like PyTorch: conv/linear weights within kaiming-uniform(a=sqrt(5)) bounds 1/sqrt(fan_in)', () => {
    const m = new Inception1d(2, { generator: new Generator(3) });
    for (const [name, p] of m.namedParameters()) {
      if (name.startsWith('stem.1')) continue; // batch norm: ones / zeros
      const w = name.endsWith('bias') ? m.getParameter(name.replace(/bias$/, 'weight')) : p;
      const fanIn = w.shape.slice(1).reduce((a, b) => a * b, 1);
      const bound = 1 / Math.sqrt(fanIn);
      let maxAbs = 0;
      for (const v of p.data) maxAbs = Math.max(maxAbs, Math.abs(v));
      expect(maxAbs, name).toBeLessThanOrEqual(bound);
      if (p.numel() >= 64) expect(maxAbs, name).toBeGreaterThan(0.8 * bound);
    }
    expect(Array.from(m.getParameter('stem.1.weight').data).every((v) => v === 1)).toBe(true);
  });

  it('the same generator seed gives the same model', () => {
    const a = new Inception1d(2, { generator: new Generator(5) });
    const b = new Inception1d(2, { generator: new Generator(5) });
    expect(Array.from(a.getParameter('block2.b3.2.weight').data)).toEqual(Array.from(b.getParameter('block2.b3.2.weight').data));
  });

  it('InceptionBlock maps (N, cin, L) to (N, 64, L)', () => {
    const blk = new InceptionBlock(5);
    expect(blk.call(randn([2, 5, 9])).shape).toEqual([2, 64, 9]);
    expect(blk.namedChildren().map(([k]) => k)).toEqual(['b1', 'b2', 'b3', 'b4']);
  });

  it("loadStateDict (strict) lists missing, unexpected and mis-shaped keys like PyTorch's message", () => {
    const sd = pytorchStateDict();
    sd.delete('block1.b2.2.bias');
    sd.set('head.4.weight', zeros([2, 64]));
    sd.set('stem.0.weight', zeros([32, 1, 5]));
    const m = new Inception1d();
    const before = Array.from(m.getParameter('head.3.weight').data);
    // PyTorch's text with its torch.Size([a, b]) shapes written as nodetorch prints shapes, (a, b).
    const expected = fx.loadError.replace(/torch\.Size\(\[([^\]]*)\]\)/g, (_, inner: string) => {
      const dims = inner.split(', ').filter((s) => s !== '');
      return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
    });
    let message = '';
    try {
      m.loadStateDict(sd);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(expected);
    // Nothing was copied.
    expect(Array.from(m.getParameter('head.3.weight').data)).toEqual(before);
    // Non-strict: only the size mismatch is an error.
    expect(() => m.loadStateDict(sd, { strict: false })).toThrow(/^Error\(s\) in loading state_dict for Inception1d:\n\tsize mismatch for stem.0.weight/);
    sd.set('stem.0.weight', zeros([32, 1, 7]));
    expect(m.loadStateDict(sd, { strict: false })).toEqual({ missingKeys: ['block1.b2.2.bias'], unexpectedKeys: ['head.4.weight'] });
  });
});

describe.each(testBackends())('Inception1d vs PyTorch on $name', (backend) => {
  beforeAll(() => setBackend(backend.name));

  it('runs on the selected backend', () => {
    expect(getBackend().name).toBe(backend.name);
  });

  it('eval-mode logits match', () => {
    const m = new Inception1d();
    expect(m.loadStateDict(pytorchStateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    m.eval();
    const logits = noGrad(() => m.call(x()));
    expect([...logits.shape]).toEqual([8, 2]);
    expectClose(logits.data, fx.logitsEval, RTOL, ATOL, 'eval logits');
    // eval does not touch the running statistics
    expect(m.getBuffer('stem.1.num_batches_tracked').item()).toBe(3);
  });

  it('train-mode logits, loss, every parameter gradient and BN running stats match', () => {
    const m = new Inception1d();
    m.loadStateDict(pytorchStateDict());
    m.train();
    (m.getSubmodule('head.2') as nn.Dropout).p = 0; // as the fixture did: deterministic train mode
    const logits = m.call(x());
    expectClose(logits.data, fx.logitsTrain, RTOL, ATOL, 'train logits');
    const loss = new nn.CrossEntropyLoss().call(logits, oneHot());
    expect(loss.item()).toBeCloseTo(fx.loss, 5);
    expectClose([loss.item()], [fx.loss], RTOL, ATOL, 'loss');
    expectClose([crossEntropy(logits.detach(), labels()).item()], [fx.lossIndex], RTOL, ATOL, 'loss with class indices');
    loss.backward();
    const params = new Map(m.namedParameters());
    expect(params.size).toBe(fx.grads.length);
    for (const [name, g] of fx.grads) {
      const p = params.get(name)!;
      expect(p.grad, name).not.toBeNull();
      expectClose(p.grad!.data, g, RTOL, ATOL, `grad of ${name}`);
    }
    const bufs = new Map(m.namedBuffers());
    for (const e of fx.buffersAfterTrain) {
      const b = bufs.get(e[0])!;
      expect(b.dtype, e[0]).toBe(e[2]);
      expectClose(b.data, e[3], RTOL, ATOL, e[0]);
    }
    expect(m.getBuffer('stem.1.num_batches_tracked').item()).toBe(4);
  });

  it('zeroGrad then a second backward gives the same gradients', () => {
    const m = new Inception1d();
    m.loadStateDict(pytorchStateDict());
    (m.getSubmodule('head.2') as nn.Dropout).p = 0;
    const step = () => {
      m.zeroGrad();
      const loss = new nn.CrossEntropyLoss().call(m.call(x()), oneHot());
      loss.backward();
      return Array.from(m.getParameter('stem.0.weight').grad!.data);
    };
    const first = step();
    m.loadStateDict(pytorchStateDict()); // restore the running stats moved by the first pass
    expect(step()).toEqual(first);
  });
});
