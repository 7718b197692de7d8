/**
 * The library's own in-place writes bump the version counter as PyTorch 1.13's do (fixture:
 * test/fixtures/gen_version_writes.py): optimizer steps, nn.init, loadStateDict, zeroGrad with
 * setToNone false, num_batches_tracked. So a backward that needs a tensor written since throws
 * PyTorch's "modified by an inplace operation" error with PyTorch's version numbers, and a normal
 * training loop (or batch norm run twice in train mode) raises none.
 */
import { describe, expect, it } from 'vitest';
import { Tensor, randn, manualSeed, nn, optim, tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

interface Case {
  versions: Record<string, number>;
  error: string | null;
}
const { cases } = loadFixture<{ cases: Record<string, Case> }>('version_writes.json');

/** Our message: "backward: " + PyTorch's (without its hint) + our hint. */
function expectBackward(loss: Tensor, c: Case): void {
  if (c.error === null) {
    expect(() => loss.backward()).not.toThrow();
    return;
  }
  let message = '';
  try {
    loss.backward();
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message.split(' Hint:')[0]).toBe(`backward: ${c.error}`);
}

type OptimizerClass = new (params: Tensor[], options: { lr: number }) => optim.Optimizer;

/** w saved by y = w.mul(x) (x requires grad), `steps` steps, then y's backward. */
function optimizerCase(name: string, Opt: OptimizerClass, steps: number): void {
  it(`${name}: ${steps} step(s) bump the parameter's version, and a backward that saved it throws`, () => {
    const c = cases[`${name}${steps === 2 ? '-two-steps' : ''}`];
    const w = randn([3]).requiresGrad_();
    const x = randn([3]).requiresGrad_();
    w.mul(x).sum().backward();
    const opt = new Opt([w], { lr: 0.1 });
    const y = w.mul(x);
    for (let i = 0; i < steps; i++) opt.step();
    expect({ w: w._version }).toEqual(c.versions);
    expectBackward(y.sum(), c);
  });
}

describe('library in-place writes bump the version counter', () => {
  manualSeed(0);
  optimizerCase('sgd', optim.SGD, 1);
  optimizerCase('adam', optim.Adam, 1);
  optimizerCase('adamw', optim.AdamW, 1);
  optimizerCase('adamw', optim.AdamW, 2);
  optimizerCase('rmsprop', optim.RMSprop, 1);
  optimizerCase('adagrad', optim.Adagrad, 1);

  it('a step skips (and does not bump) a parameter without a gradient', () => {
    const w = randn([3]).requiresGrad_();
    new optim.SGD([w], { lr: 0.1 }).step();
    expect({ w: w._version }).toEqual(cases['step-without-grad'].versions);
  });

  const inits: [string, (w: Tensor) => void][] = [
    ['init-uniform', (w) => nn.init.uniform_(w)],
    ['init-constant', (w) => nn.init.constant_(w, 0.5)],
    ['init-kaiming-normal', (w) => nn.init.kaimingNormal_(w.view([1, 3]))],
  ];
  for (const [name, fill] of inits) {
    it(`${name} bumps the version (through a view too)`, () => {
      const c = cases[name];
      const w = randn([3]).requiresGrad_();
      const y = w.mul(randn([3]).requiresGrad_());
      fill(w);
      expect({ w: w._version }).toEqual(c.versions);
      expectBackward(y.sum(), c);
    });
  }

  it('loadStateDict bumps each parameter it copies into', () => {
    const c = cases['load-state-dict'];
    const lin = new nn.Linear(2, 2);
    const built = { builtWeight: lin.weight._version, builtBias: lin.bias!._version };
    const y = lin.weight.mul(randn([2, 2]).requiresGrad_());
    lin.loadStateDict(new nn.Linear(2, 2).stateDict());
    expect({ ...built, weight: lin.weight._version, bias: lin.bias!._version }).toEqual(c.versions);
    expectBackward(y.sum(), c);
  });

  for (const [name, viaModule] of [['optimizer-zero-grad', false], ['module-zero-grad', true]] as const) {
    it(`${name} with setToNone false bumps the gradient's version`, () => {
      const c = cases[name];
      const lin = new nn.Linear(3, 1, { bias: false });
      lin.forward(randn([2, 3])).sum().backward();
      const g = lin.weight.grad!;
      const y = randn([1, 3]).requiresGrad_().mul(g);
      if (viaModule) lin.zeroGrad({ setToNone: false });
      else new optim.SGD(lin.parameters(), { lr: 0.1 }).zeroGrad({ setToNone: false });
      expect({ grad: g._version }).toEqual(c.versions);
      expectBackward(y.sum(), c);
    });
  }

  it('batch norm in train mode twice: num_batches_tracked bumps, running stats do not; backward of the first output works', () => {
    const c = cases['batch-norm-train-twice'];
    const bn = new nn.BatchNorm1d(3);
    const built = {
      builtRunningMean: bn.runningMean!._version, builtRunningVar: bn.runningVar!._version,
      builtNumBatchesTracked: bn.numBatchesTracked!._version, builtWeight: bn.weight!._version, builtBias: bn.bias!._version,
    };
    const x = randn([4, 3]).requiresGrad_();
    const o1 = bn.forward(x);
    bn.forward(x);
    expect({
      ...built, runningMean: bn.runningMean!._version, runningVar: bn.runningVar!._version,
      numBatchesTracked: bn.numBatchesTracked!._version,
    }).toEqual(c.versions);
    expectBackward(o1.sum(), c);
    expect(x.grad).not.toBeNull();
  });

  for (const [name, clip] of [
    ['clip-grad-norm', (ps: Tensor[]) => nn.utils.clipGradNorm_(ps, 100)],
    ['clip-grad-value', (ps: Tensor[]) => nn.utils.clipGradValue_(ps, 100)],
  ] as const) {
    it(`${name} (no clipping needed) bumps the gradients as PyTorch does`, () => {
      const c = cases[name];
      const w = randn([3]).requiresGrad_();
      w.mul(2).sum().backward();
      const g = w.grad!;
      const y = randn([3]).requiresGrad_().mul(g);
      clip([w]);
      expect({ grad: g._version }).toEqual(c.versions);
      expectBackward(y.sum(), c);
    });
  }

  it('a second backward accumulates into .grad in place (a bump)', () => {
    const c = cases['grad-accumulation'];
    const w = randn([3]).requiresGrad_();
    w.mul(2).sum().backward();
    const g = w.grad!;
    const y = randn([3]).requiresGrad_().mul(g);
    w.mul(3).sum().backward();
    expect({ grad: g._version, same: Number(w.grad === g) }).toEqual(c.versions);
    expectBackward(y.sum(), c);
  });

  for (const [name, maxNorm] of [['embedding-max-norm-renorms', 0.01], ['embedding-max-norm-no-row-over', 100]] as const) {
    it(`${name}: embedding's in-place renorm of weight bumps it; the lookup's own backward is fine`, () => {
      const c = cases[name];
      const w = randn([4, 2]).requiresGrad_();
      const y = w.mul(randn([4, 2]).requiresGrad_());
      nn.functional.embedding(tensor([0, 2, 0]), w, { maxNorm }).sum().backward();
      expect({ w: w._version }).toEqual(c.versions);
      expectBackward(y.sum(), c);
    });
  }

  it('Embedding: the padding row fill counts as a write after the draw', () => {
    const plain = new nn.Embedding(4, 2);
    const padded = new nn.Embedding(4, 2, { paddingIdx: 1 });
    expect({ plain: plain.weight._version, padded: padded.weight._version }).toEqual(cases['embedding-built'].versions);
  });

  it('a normal training loop (zeroGrad, forward, backward, step) never raises', () => {
    const c = cases['training-loop'];
    expect(c.error).toBeNull();
    const m = new nn.Linear(3, 2);
    const opt = new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      expectBackward(m.forward(randn([4, 3])).sum(), c);
      opt.step();
    }
    expect({ weight: m.weight._version, bias: m.bias!._version }).toEqual(c.versions);
  });
});
