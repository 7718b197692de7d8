/** optim.lrScheduler: PyTorch lr sequences and trajectories, resume from state dicts, and argument errors. */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import { SGD } from '../../src/optim/sgd.js';
import { Adam } from '../../src/optim/adam.js';
import { Adagrad } from '../../src/optim/adagrad.js';
import * as lrs from '../../src/optim/lr-scheduler/index.js';
import { expectClose } from '../helpers/allclose.js';
import { testBackends } from '../helpers/backends.js';
import { data, expectWeights, fx, label, runSteps, setup, tolerance, useBackend, type Run } from './harness.js';

/** Deep comparison of a PyTorch state-dict value with ours: numbers to 1e-12 relative, the rest equal. */
function expectSameValue(ours: unknown, theirs: unknown, path: string): void {
  if (typeof theirs === 'number') {
    expect(typeof ours, path).toBe('number');
    expect(Math.abs((ours as number) - theirs), path).toBeLessThanOrEqual(1e-12 * Math.abs(theirs));
  } else if (Array.isArray(theirs)) {
    expect(Array.isArray(ours), path).toBe(true);
    expect((ours as unknown[]).length, path).toBe(theirs.length);
    theirs.forEach((t, i) => expectSameValue((ours as unknown[])[i], t, `${path}[${i}]`));
  } else if (theirs !== null && typeof theirs === 'object') {
    for (const [k, v] of Object.entries(theirs)) {
      expect(ours, path).toHaveProperty([k]);
      expectSameValue((ours as Record<string, unknown>)[k], v, `${path}.${k}`);
    }
  } else {
    expect(ours, path).toEqual(theirs);
  }
}

describe.each(testBackends())('LR schedulers vs PyTorch 1.13 on $name', (backend) => {
  useBackend(backend.name);
  const tol = tolerance(backend.name);
  for (const c of fx.schedulers) {
    describe(label(c), () => {
      let full: Run;
      it('100 steps: every lr (and cycled momentum) exactly, losses and weights within tolerance', () => {
        full = runSteps(c, setup(c), 0, data.steps);
        expect(full.lrs.length).toBe(data.steps);
        full.lrs.forEach((l, t) => expectClose(l, c.lrs![t], 1e-12, 1e-18, `lrs after step ${t + 1}`));
        if (c.momenta) full.momenta.forEach((m, t) => expectClose(m, c.momenta![t], 1e-12, 1e-18, `momenta after step ${t + 1}`));
        expectClose(full.losses, c.losses, tol.rtol, tol.atol, 'losses');
        expectWeights(full.at50!.weights, c.weights50, tol, 'step 50');
        expectWeights(full.model.weights(), c.weights100, tol, 'step 100');
      });

      it("stateDict() at step 50 holds PyTorch's fields and values", () => {
        expectSameValue(full.at50!.sched, c.sched50, 'scheduler state');
      });

      it('optimizer + scheduler resumed from their state dicts at step 50 continue exactly', () => {
        const w = full.at50!.weights;
        const resumed = setup(c, { W: Array.from(w.W), b: Array.from(w.b), frozen: Array.from(w.frozen) });
        resumed.opt.loadStateDict(full.at50!.state);
        resumed.sched!.loadStateDict(full.at50!.sched!);
        runSteps(c, resumed, data.checkpoint, data.steps);
        expect(resumed.lrs).toEqual(full.lrs.slice(data.checkpoint));
        expect(Array.from(resumed.model.weights().W)).toEqual(Array.from(full.model.weights().W));
        expect(Array.from(resumed.model.weights().b)).toEqual(Array.from(full.model.weights().b));
      });
    });
  }
});

const param = () => new Tensor(Float32Array.from([1, 2]), [2]).requiresGrad_();
const sgd = (lr = 0.1, extra: Record<string, unknown> = {}) => new SGD([param()], { lr, ...extra });
const lrsOf = (s: { step(): void; getLastLr(): number[] }, n: number) => Array.from({ length: n }, () => (s.step(), s.getLastLr()[0]));

describe('LR scheduler behaviour', () => {
  it('construction performs the initial step and records initialLr', () => {
    const opt = sgd(0.2);
    const s = new lrs.LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
    expect(s.getLastLr()).toEqual([0.1]);
    expect(opt.paramGroups[0].lr).toBe(0.1);
    expect(opt.paramGroups[0].initialLr).toBe(0.2);
    expect(s.lastEpoch).toBe(0);
    expect(s.baseLrs).toEqual([0.2]);
  });

  it('StepLR, MultiStepLR, ExponentialLR give the textbook sequences', () => {
    expectClose(lrsOf(new lrs.StepLR(sgd(1), 2, { gamma: 0.5 }), 6), [1, 0.5, 0.5, 0.25, 0.25, 0.125], 1e-15, 0);
    expectClose(lrsOf(new lrs.MultiStepLR(sgd(1), [1, 3, 3], { gamma: 0.1 }), 4), [0.1, 0.1, 0.001, 0.001], 1e-12, 0);
    expectClose(lrsOf(new lrs.ExponentialLR(sgd(1), 0.5), 3), [0.5, 0.25, 0.125], 1e-15, 0);
  });

  it('CosineAnnealingLR reaches etaMin at tMax and climbs back after it', () => {
    const seq = lrsOf(new lrs.CosineAnnealingLR(sgd(1), 4, { etaMin: 0.2 }), 8);
    expectClose(seq, [0.2 + 0.4 * (1 + Math.SQRT1_2), 0.6, 0.2 + 0.4 * (1 - Math.SQRT1_2), 0.2, 0.2 + 0.4 * (1 - Math.SQRT1_2), 0.6, 0.2 + 0.4 * (1 + Math.SQRT1_2), 1], 1e-12, 1e-15);
  });

  it('LambdaLR takes one function or one per group', () => {
    const a = param();
    const b = param();
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 1 }], { lr: 2 });
    const s = new lrs.LambdaLR(opt, [(e) => 1 / (e + 1), (e) => e + 1]);
    s.step();
    expect(s.getLastLr()).toEqual([1, 2]);
    expect(s.stateDict().lr_lambdas).toEqual([null, null]);
  });

  it('a scheduler resumed with lastEpoch continues from there (initialLr must be present)', () => {
    const opt = sgd(1);
    new lrs.StepLR(opt, 2, { gamma: 0.5 });
    const resumed = new lrs.ExponentialLR(opt, 0.5, { lastEpoch: 3 });
    expect(resumed.lastEpoch).toBe(4);
    expect(() => new lrs.ExponentialLR(sgd(1), 0.5, { lastEpoch: 3 })).toThrow(
      new RangeError("ExponentialLR: param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer"),
    );
  });

  it('OneCycleLR cycles SGD momentum and Adam beta1, and refuses to step past totalSteps', () => {
    const opt = sgd(0.1, { momentum: 0.9 });
    const s = new lrs.OneCycleLR(opt, 1, { totalSteps: 10 });
    expect(opt.paramGroups[0].momentum).toBe(0.95);
    expect(opt.paramGroups[0]).toMatchObject({ initialLr: 0.04, maxLr: 1, minLr: 4e-6, maxMomentum: 0.95, baseMomentum: 0.85 });
    for (let i = 0; i < 10; i++) s.step();
    expect(() => s.step()).toThrow(new RangeError('OneCycleLR: tried to step 12 times; the specified number of total steps is 10'));
    expect(s.lastEpoch).toBe(10);
    const adam = new Adam([param()]);
    new lrs.OneCycleLR(adam, 0.01, { totalSteps: 10, maxMomentum: 0.93 });
    expect(adam.paramGroups[0].betas).toEqual([0.93, 0.999]);
  });

  it('ReduceLROnPlateau: patience, cooldown, minLr, eps, Tensor metrics and getLastLr', () => {
    const opt = sgd(1);
    const s = new lrs.ReduceLROnPlateau(opt, { patience: 1, cooldown: 1, factor: 0.5, minLr: 0.3 });
    expect(s.getLastLr()).toEqual([1]);
    const seq = [5, 5, 5, 5, 5, 5, 5].map((m) => (s.step(new Tensor(new Float32Array([m]), [])), s.getLastLr()[0]));
    expect(seq).toEqual([1, 1, 0.5, 0.5, 0.5, 0.3, 0.3]);
    expect(s.best).toBe(5);
    const sd = s.stateDict();
    expect(sd).toMatchObject({ mode: 'min', threshold_mode: 'rel', best: 5, mode_worse: Infinity, min_lrs: [0.3], last_epoch: 7 });
    const again = new lrs.ReduceLROnPlateau(sgd(1));
    again.loadStateDict(JSON.parse(JSON.stringify({ ...sd, best: Infinity })));
    expect(again.best).toBe(Infinity); // JSON turned it into null
    expect(again.patience).toBe(1);
  });

  it('SequentialLR switches scheduler at the milestone and restarts it from its epoch 0', () => {
    const opt = sgd(1);
    const warmup = new lrs.LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
    const decay = new lrs.ExponentialLR(opt, 0.5);
    const s = new lrs.SequentialLR(opt, [warmup, decay], [2]);
    expect(s.getLastLr()).toEqual([0.5]);
    expect(lrsOf(s, 4)).toEqual([0.75, 1, 0.5, 0.25]);
    const sd = s.stateDict();
    expect(sd).toMatchObject({ _milestones: [2], last_epoch: 4, _last_lr: [0.25] });
    expect((sd._schedulers as unknown[]).length).toBe(2);
  });
});

describe('LR scheduler argument errors', () => {
  const notOpt = { paramGroups: [] };
  it.each([
    ['StepLR', () => new lrs.StepLR(notOpt as never, 1), TypeError, 'StepLR: expected an Optimizer, got an object'],
    ['StepLR', () => new lrs.StepLR(sgd(), 0), RangeError, 'StepLR: expected stepSize >= 1, got 0'],
    ['StepLR', () => new lrs.StepLR(sgd(), 1.5), TypeError, 'StepLR: expected stepSize to be an integer, got 1.5'],
    ['StepLR', () => new lrs.StepLR(sgd(), 2, { gamma: '0.1' as never }), TypeError, "StepLR: expected gamma to be a number, got '0.1'"],
    ['StepLR', () => new lrs.StepLR(sgd(), 2, { step_size: 3 } as never), TypeError, "StepLR: unknown option 'step_size'"],
    ['StepLR', () => new lrs.StepLR(sgd(), 2, { lastEpoch: -2 }), RangeError, 'StepLR: expected lastEpoch to be an integer >= -1, got -2'],
    ['MultiStepLR', () => new lrs.MultiStepLR(sgd(), 30 as never), TypeError, 'MultiStepLR: expected milestones to be an array of integers, got 30'],
    ['MultiStepLR', () => new lrs.MultiStepLR(sgd(), [10, 2.5]), TypeError, 'MultiStepLR: expected milestones to hold integers, got 2.5'],
    ['ExponentialLR', () => new lrs.ExponentialLR(sgd(), undefined as never), TypeError, 'ExponentialLR: expected gamma to be a number, got undefined'],
    ['CosineAnnealingLR', () => new lrs.CosineAnnealingLR(sgd(), 0), RangeError, 'CosineAnnealingLR: expected tMax > 0, got 0'],
    ['CosineAnnealingLR', () => new lrs.CosineAnnealingLR(sgd(), 10, { etaMin: null as never }), TypeError, 'CosineAnnealingLR: expected etaMin to be a number, got null'],
    ['LinearLR', () => new lrs.LinearLR(sgd(), { startFactor: 0 }), RangeError, 'LinearLR: startFactor expected to be greater than 0 and less than or equal to 1, got 0'],
    ['LinearLR', () => new lrs.LinearLR(sgd(), { startFactor: 1.5 }), RangeError, 'LinearLR: startFactor expected to be greater than 0 and less than or equal to 1, got 1.5'],
    ['LinearLR', () => new lrs.LinearLR(sgd(), { endFactor: -0.1 }), RangeError, 'LinearLR: endFactor expected to be between 0 and 1, got -0.1'],
    ['LinearLR', () => new lrs.LinearLR(sgd(), { totalIters: 0 }), RangeError, 'LinearLR: expected totalIters >= 1, got 0'],
    ['LambdaLR', () => new lrs.LambdaLR(sgd(), [() => 1, () => 1]), RangeError, 'LambdaLR: expected 1 lr_lambdas, but got 2'],
    ['LambdaLR', () => new lrs.LambdaLR(sgd(), 0.5 as never), TypeError, 'LambdaLR: expected lrLambda to be a function or an array of functions, got 0.5'],
    ['LambdaLR', () => new lrs.LambdaLR(sgd(), (() => 'x') as never), TypeError, "LambdaLR: lrLambda must return a number, got 'x'"],
    ['OneCycleLR', () => new lrs.OneCycleLR(sgd(), 1), RangeError, 'OneCycleLR: you must define either totalSteps OR (epochs AND stepsPerEpoch)'],
    ['OneCycleLR', () => new lrs.OneCycleLR(sgd(), 1, { epochs: 3 }), RangeError, 'OneCycleLR: you must define either totalSteps OR (epochs AND stepsPerEpoch)'],
    ['OneCycleLR', () => new lrs.OneCycleLR(sgd(), 1, { totalSteps: 0 }), RangeError, 'OneCycleLR: expected totalSteps >= 1, got 0'],
    ['OneCycleLR', () => new lrs.OneCycleLR(sgd(), 1, { epochs: 0, stepsPerEpoch: 5 }), RangeError, 'OneCycleLR: expected epochs >= 1, got 0'],
    ['OneCycleLR', () => new lrs.OneCycleLR(sgd(), 1, { epochs: 2, stepsPerEpoch: 2.5 }), TypeError, 'OneCycleLR: expected stepsPerEpoch to be an integer, got 2.5'],
    ['OneCycleLR', () => new lrs.OneCycleLR(sgd(), 1, { totalSteps: 10, pctStart: 1.5 }), RangeError, 'OneCycleLR: expected pctStart between 0 and 1, got 1.5'],
    ['OneCycleLR', () => new lrs.OneCycleLR(sgd(), 1, { totalSteps: 10, annealStrategy: 'exp' as never }), RangeError, "OneCycleLR: annealStrategy must be one of 'cos' or 'linear', got 'exp'"],
    ['OneCycleLR', () => new lrs.OneCycleLR(sgd(), [1, 2], { totalSteps: 10 }), RangeError, 'OneCycleLR: expected 1 values for maxLr, got 2'],
    ['OneCycleLR', () => new lrs.OneCycleLR(new Adagrad([param()]), 1, { totalSteps: 10 }), RangeError, 'OneCycleLR: optimizer must support momentum with the cycleMomentum option enabled'],
    ['ReduceLROnPlateau', () => new lrs.ReduceLROnPlateau(sgd(), { factor: 1 }), RangeError, 'ReduceLROnPlateau: factor should be < 1.0, got 1'],
    ['ReduceLROnPlateau', () => new lrs.ReduceLROnPlateau(sgd(), { lastEpoch: 3 } as never), TypeError, "ReduceLROnPlateau: unknown option 'lastEpoch'"],
    ['ReduceLROnPlateau', () => new lrs.ReduceLROnPlateau(sgd(), { mode: 'avg' as never }), RangeError, "ReduceLROnPlateau: mode 'avg' is unknown; expected 'min' or 'max'"],
    ['ReduceLROnPlateau', () => new lrs.ReduceLROnPlateau(sgd(), { thresholdMode: 'pct' as never }), RangeError, "ReduceLROnPlateau: thresholdMode 'pct' is unknown; expected 'rel' or 'abs'"],
    ['ReduceLROnPlateau', () => new lrs.ReduceLROnPlateau(sgd(), { minLr: [0, 0] }), RangeError, 'ReduceLROnPlateau: expected 1 min_lrs, got 2'],
    ['ReduceLROnPlateau', () => new lrs.ReduceLROnPlateau(sgd(), { patience: -1 }), RangeError, 'ReduceLROnPlateau: expected patience >= 0, got -1'],
    ['ReduceLROnPlateau', () => new lrs.ReduceLROnPlateau(sgd()).step('low' as never), TypeError, "ReduceLROnPlateau.step: expected the metric to be a number or a one-element Tensor, got 'low'"],
    ['SequentialLR', () => new lrs.SequentialLR(sgd(), [new lrs.StepLR(sgd(), 1)], []), RangeError,
      'SequentialLR: Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index 0 to be different than the optimizer passed in'],
    ['SequentialLR', () => { const o = sgd(); return new lrs.SequentialLR(o, [new lrs.StepLR(o, 1), new lrs.StepLR(o, 2)], []); }, RangeError,
      'SequentialLR: Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers 2 and the number of milestones to be equal to 0'],
    ['SequentialLR', () => new lrs.SequentialLR(sgd(), [], []), TypeError, 'SequentialLR: expected schedulers to be a non-empty array of schedulers, got an array'],
    ['SequentialLR', () => { const o = sgd(); return new lrs.SequentialLR(o, [new lrs.ReduceLROnPlateau(o) as never], []); }, TypeError,
      'SequentialLR: expected schedulers[0] to be an LRScheduler, got a ReduceLROnPlateau'],
  ] as [string, () => unknown, ErrorConstructor, string][])('%s: %s', (_, make, type, message) => {
    expect(make).toThrow(type);
    expect(make).toThrow(message);
  });

  it('loadStateDict rejects malformed state and leaves the scheduler unchanged', () => {
    const s = new lrs.StepLR(sgd(), 3);
    const sd = s.stateDict();
    expect(() => s.loadStateDict(null as never)).toThrow(new TypeError('StepLR.loadStateDict: expected a state dict object, got null'));
    expect(() => s.loadStateDict({ ...sd, step_size: 0 })).toThrow(new RangeError('StepLR.loadStateDict: expected step_size >= 1, got 0'));
    expect(() => s.loadStateDict({ ...sd, base_lrs: 'x' })).toThrow(new TypeError("StepLR.loadStateDict: expected base_lrs to be an array of numbers, got 'x'"));
    expect(s.stateDict()).toEqual(sd);
    const p = new lrs.ReduceLROnPlateau(sgd());
    expect(() => p.loadStateDict({ ...p.stateDict(), mode: 'up' })).toThrow(RangeError);
    const q = new lrs.SequentialLR(s.optimizer, [s], []);
    expect(() => q.loadStateDict({ ...q.stateDict(), _schedulers: [] })).toThrow(/expected _schedulers to hold 1 state dicts/);
  });
});
