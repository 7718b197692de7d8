/**
 * Graph-internal activations (src/autograd/graph-internal.ts, src/nn/graph-internal.ts): the storage of a
 * layer output that only the graph holds is recycled after backward; a tensor the user can reach is never
 * overwritten. Each "kept" check snapshots a tensor, runs more train steps of the same shapes (whose
 * recycled storage would land in it), and compares.
 */
import { describe, expect, it } from 'vitest';
import '../../src/ops/methods.js';
import { randn } from '../../src/creation.js';
import { Tensor } from '../../src/tensor.js';
import { Sequential, Conv1d, BatchNorm1d, ReLU, MaxPool1d, Flatten, Module, Conv2d, BatchNorm2d, MaxPool2d, Linear } from '../../src/nn/index.js';
import { Inception1d } from '../../src/models/inception1d.js';
import { activationBuffer, clearGradPool, poolFreshArrays } from '../../src/util/grad-pool.js';
import { CrossEntropyLoss } from '../../src/nn/index.js';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { SGD } from '../../src/optim/index.js';
import { randint } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';

const g = new Generator(7);
/** Long enough that every layer output is above the pool's minimum length. */
const input = () => randn([2, 3, 400], { generator: g });

/** Snapshot of t's values, and a check that they are still there. */
function keep(t: Tensor): () => void {
  const data = t.data;
  const copy = Float32Array.from(data as Float32Array);
  return () => {
    expect(t.data).toBe(data);
    expect(Array.from(data as Float32Array)).toEqual(Array.from(copy));
  };
}

/** A few forward + backward passes of `model` on fresh inputs of one shape. */
function churn(model: Module<[Tensor], Tensor>, steps = 3): void {
  for (let i = 0; i < steps; i++) model.forward(input()).sum().backward();
}

/** Images large enough that every 2-D layer output is above the pool's minimum length. */
const image = () => randn([2, 3, 24, 24], { generator: g });

/** The CNN example's layer pattern (examples/models.ts DigitCnn) at small sizes, without the head. */
const convStack = () => new Sequential(
  new Conv2d(3, 8, 3, { padding: 1 }), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
  new Conv2d(8, 8, 3, { padding: 1 }), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
);

/** After two warm-up calls, two more calls of `step` make the pool create no large array. */
function expectNoFreshArrays(step: () => void): void {
  step();
  step();
  const before = poolFreshArrays();
  step();
  step();
  expect(poolFreshArrays() - before).toBe(0);
}

/** churn() for image models. */
function churn2d(model: Module<[Tensor], Tensor>, steps = 3): void {
  for (let i = 0; i < steps; i++) model.forward(image()).sum().backward();
}

describe('graph-internal activations', () => {
  it('a warmed-up Inception1d train step creates no new large arrays (activations, gradients, max-pool bytes)', () => {
    const model = new Inception1d(2, { generator: g });
    const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const lossFn = new CrossEntropyLoss();
    const x = randn([4, 1, 1200], { generator: g });
    const y = randint(0, 2, [4], { generator: g });
    const step = () => {
      opt.zeroGrad();
      lossFn.forward(model.forward(x), y).backward();
      opt.step();
    };
    expectNoFreshArrays(step);
  });

  it('a warmed-up 2-D conv stack (Conv2d, BatchNorm2d + ReLU, MaxPool2d) creates no new large arrays', () => {
    const model = convStack();
    const x = image();
    const step = () => model.forward(x).sum().backward();
    expectNoFreshArrays(step);
  });

  it('recycle the storage of a Conv2d output that only a BatchNorm2d reads, after backward', () => {
    clearGradPool();
    const seq = new Sequential(new Conv2d(3, 8, 3, { padding: 1 }), new BatchNorm2d(8), new MaxPool2d(2));
    const out = seq.forward(image());
    const normed = out.gradFn!.inputs[0]!; // the batch norm's output, seen only by the max pool
    const conv = normed.gradFn!.inputs[0]!; // the conv's output, seen only by the batch norm
    const storages = [normed.data, conv.data];
    out.sum().backward();
    const next = Array.from({ length: 8 }, () => activationBuffer(conv.data.length));
    for (const s of storages) expect(next).toContain(s);
  });

  it('2-D layers: the same gradients with recycling as with a retained graph, and the result is kept', () => {
    // An even kernel with padding 'same' pads the conv2d input into a private copy first.
    const model = new Sequential(
      new Conv2d(3, 8, 4, { padding: 'same' }), new BatchNorm2d(8), new MaxPool2d(2), new Conv2d(8, 8, 3), new ReLU(), new MaxPool2d(2),
    );
    model.eval(); // the same forward every time
    const x = image();
    const grads = (retainGraph: boolean) => {
      model.zeroGrad();
      const out = model.forward(x);
      out.sum().backward(undefined, { retainGraph });
      return { out, grads: model.parameters().map((p) => Array.from(p.grad!.data as Float32Array)) };
    };
    const kept = grads(true).grads; // a retained graph recycles nothing
    const { out, grads: recycled } = grads(false);
    expect(recycled).toEqual(kept);
    const check = keep(out);
    for (let i = 0; i < 2; i++) expect(grads(false).grads).toEqual(kept);
    check();
  });

  it('an image classifier head (MaxPool2d, Flatten, Linear) creates no new large arrays once warmed up', () => {
    // The pool output (4 x 8 x 12 x 12: 18 KiB) under the Flatten is recycled; the weights stay under 16 KiB.
    const model = new Sequential(new Conv2d(3, 8, 3, { padding: 1 }), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(8 * 12 * 12, 2));
    const x = randn([4, 3, 24, 24], { generator: g });
    const step = () => model.forward(x).sum().backward();
    expectNoFreshArrays(step);
    // the spent graph no longer refers to the Flatten view nor to the pool output under it
    const out = model.forward(x);
    const linearNode = out.gradFn!;
    const view = linearNode.inputs.find((t) => t !== null && t.ndim === 2 && t.shape[1] === 8 * 12 * 12)!;
    const viewNode = view.gradFn!;
    out.sum().backward();
    expect(linearNode.inputs).not.toContain(view);
    expect(viewNode.inputs[0]).toBeNull();
  });

  it('Flatten between library layers: the same logits with gradients off (recycled once the consumer ran) and on', () => {
    // The consumer's output has the pool output's length (40 x 32): recycling the pool output before the
    // consumer read it would hand its storage to the consumer's output.
    const model = new Sequential(new Conv2d(3, 2, 3, { padding: 1 }), new MaxPool2d(2), new Flatten(), new Linear(32, 32), new ReLU());
    model.eval();
    const x = randn([40, 3, 8, 8], { generator: g });
    const expected = Array.from(model.forward(x).data as Float32Array);
    for (let i = 0; i < 3; i++) expect(Array.from(noGrad(() => model.forward(x)).data as Float32Array)).toEqual(expected);
    model.forward(x).sum().backward();
    for (let i = 0; i < 2; i++) expect(Array.from(model.forward(x).data as Float32Array)).toEqual(expected);
  });

  it('2-D layers: never recycle the storage of a view the user holds (Flatten before Linear)', () => {
    const model = new Sequential(new Conv2d(3, 8, 3), new BatchNorm2d(8), new Flatten());
    const out = model.forward(image()); // a view of the batch norm's output
    out.sum().backward();
    const check = keep(out);
    churn2d(new Sequential(new Conv2d(3, 8, 3), new BatchNorm2d(8), new ReLU(), new Flatten(), new Linear(8 * 22 * 22, 2)));
    churn2d(convStack());
    check();
  });

  it('with gradients off, recycle each activation once consumed: same logits, no new large arrays', () => {
    const model = new Inception1d(2, { generator: g });
    model.eval();
    const x = randn([4, 1, 1200], { generator: g });
    const expected = Array.from(model.forward(x).data as Float32Array); // with gradients on: nothing recycled
    const run = () => noGrad(() => model.forward(x));
    run();
    const before = poolFreshArrays();
    const outs = [run(), run()];
    expect(poolFreshArrays() - before).toBe(0);
    for (const out of outs) expect(Array.from(out.data as Float32Array)).toEqual(expected);
  });

  it('recycle the storage between two library layers of a Sequential after backward', () => {
    clearGradPool();
    const seq = new Sequential(new Conv1d(3, 8, 3, { padding: 1 }), new BatchNorm1d(8), new MaxPool1d(2));
    const out = seq.forward(input());
    const pooled = out.gradFn!.inputs[0]!; // the batch norm's output, seen only by the max pool
    const storage = pooled.data;
    out.sum().backward();
    expect(out.gradFn!.inputs[0]).toBeNull(); // the spent graph no longer refers to it
    // the free list of that length holds it (beside other dead buffers of the same length)
    const next = Array.from({ length: 8 }, () => activationBuffer(storage.length));
    expect(next).toContain(storage);
  });

  it('never recycle a retained graph, so a second backward gives the same gradients', () => {
    const seq = new Sequential(new Conv1d(3, 8, 3, { padding: 1 }), new ReLU(), new Conv1d(8, 8, 3), new BatchNorm1d(8));
    const x = input();
    const out = seq.forward(x);
    out.sum().backward(undefined, { retainGraph: true });
    const first = Float32Array.from(seq.parameters()[0].grad!.data as Float32Array);
    churn(new Sequential(new Conv1d(3, 8, 3, { padding: 1 }), new ReLU(), new Conv1d(8, 8, 3), new BatchNorm1d(8)));
    for (const p of seq.parameters()) p.grad = null;
    out.sum().backward();
    expect(Array.from(seq.parameters()[0].grad!.data as Float32Array)).toEqual(Array.from(first));
  });

  it('a model used twice in one graph gets the same gradients with recycling (no retainGraph) as without', () => {
    const model = new Inception1d(2, { generator: g });
    model.eval(); // the same forward every time (no dropout draws, fixed batch-norm statistics)
    const x1 = randn([2, 1, 1200], { generator: g });
    const x2 = randn([2, 1, 1200], { generator: g });
    const grads = (retainGraph: boolean) => {
      model.zeroGrad();
      const loss = model.forward(x1).sum().add(model.forward(x2).mul(2).sum());
      loss.backward(undefined, { retainGraph });
      return model.parameters().map((p) => Array.from(p.grad!.data as Float32Array));
    };
    const kept = grads(true); // a retained graph recycles nothing
    for (let i = 0; i < 2; i++) expect(grads(false)).toEqual(kept);
  });

  it('a second backward through a spent graph still throws', () => {
    const seq = new Sequential(new Conv1d(3, 8, 3), new BatchNorm1d(8), new ReLU());
    const out = seq.forward(input());
    out.sum().backward();
    expect(() => out.sum().backward()).toThrow(/second time/);
  });

  it("never touch the container's result, nor the model's logits", () => {
    const seq = new Sequential(new Conv1d(3, 8, 3), new BatchNorm1d(8), new ReLU(), new MaxPool1d(2));
    const out = seq.forward(input());
    out.sum().backward();
    const check = keep(out);
    churn(seq);
    check();

    const model = new Inception1d(2, { generator: g });
    const x = randn([2, 1, 1200], { generator: g });
    const logits = model.forward(x);
    logits.sum().backward();
    const checkLogits = keep(logits);
    const checkX = keep(x);
    for (let i = 0; i < 3; i++) model.forward(randn([2, 1, 1200], { generator: g })).sum().backward();
    checkLogits();
    checkX();
  });

  it('never recycle what a subclass producer keeps', () => {
    class KeepOutput extends Conv1d {
      last: Tensor | null = null;
      override forward(x: Tensor): Tensor {
        this.last = super.forward(x);
        return this.last;
      }
    }
    const producer = new KeepOutput(3, 8, 3, { padding: 1 });
    const seq = new Sequential(producer, new BatchNorm1d(8), new Conv1d(8, 8, 1));
    seq.forward(input()).sum().backward();
    const check = keep(producer.last!);
    churn(seq);
    churn(new Sequential(new Conv1d(3, 8, 3, { padding: 1 }), new BatchNorm1d(8), new Conv1d(8, 8, 1)));
    check();
  });

  it('never recycle what a subclass consumer or a patched forward keeps', () => {
    class KeepInput extends BatchNorm1d {
      seen: Tensor | null = null;
      override forward(x: Tensor): Tensor {
        this.seen = x;
        return super.forward(x);
      }
    }
    const consumer = new KeepInput(8);
    const seq = new Sequential(new Conv1d(3, 8, 3, { padding: 1 }), consumer, new Conv1d(8, 8, 1));
    seq.forward(input()).sum().backward();
    const check = keep(consumer.seen!);

    const patched = new BatchNorm1d(8);
    let seen: Tensor | null = null;
    const original = patched.forward.bind(patched);
    patched.forward = (x: Tensor) => {
      seen = x;
      return original(x);
    };
    const seq2 = new Sequential(new Conv1d(3, 8, 3, { padding: 1 }), patched, new Conv1d(8, 8, 1));
    seq2.forward(input()).sum().backward();
    const check2 = keep(seen!);
    const twin = () => new Sequential(new Conv1d(3, 8, 3, { padding: 1 }), new BatchNorm1d(8), new Conv1d(8, 8, 1));
    churn(twin());
    churn(seq);
    churn(twin());
    check();
    check2();
  });

  it('never recycle storage that a view returned to the user shares', () => {
    const seq = new Sequential(new Conv1d(3, 8, 3), new Flatten());
    const out = seq.forward(input()); // a view of the conv's output
    out.sum().backward();
    const check = keep(out);
    churn(new Sequential(new Conv1d(3, 8, 3), new BatchNorm1d(8), new ReLU()));
    check();
  });
});
