/**
 * Shared driver of the optimizer/scheduler trajectory tests: rebuilds the model, data, optimizer and
 * scheduler that test/fixtures/gen_optim.py ran in PyTorch, runs the same steps, and compares.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import { add, sub } from '../../src/ops/add.js';
import { mul } from '../../src/ops/mul.js';
import { matmul } from '../../src/ops/matmul.js';
import { mean } from '../../src/ops/sum.js';
import { getBackend, setBackend, type BackendName } from '../../src/backend/select.js';
import { SGD } from '../../src/optim/sgd.js';
import { Adam, AdamW } from '../../src/optim/adam.js';
import { RMSprop } from '../../src/optim/rmsprop.js';
import { Adagrad } from '../../src/optim/adagrad.js';
import type { Optimizer, OptimizerStateDict } from '../../src/optim/optimizer.js';
import * as lrs from '../../src/optim/lr-scheduler/index.js';
import type { Scheduler, SchedulerStateDict } from '../../src/optim/lr-scheduler/index.js';
import { expectClose } from '../helpers/allclose.js';
import { loadFixture } from '../helpers/fixtures.js';
import { testBackends } from '../helpers/backends.js';

export interface Weights { W: number[]; b: number[]; frozen: number[] }
export interface SchedSpec { kind: string; args: Record<string, any> }
export interface Case {
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
  options: Record<string, any>;
  scheduler?: SchedSpec;
  losses: number[];
  lrs?: number[][];
  momenta?: number[][];
  metrics?: number[];
  weights50: Weights;
  weights100: Weights;
  state50: { state: Record<string, Record<string, number | number[] | null>>; param_groups: Record<string, any>[] };
  sched50?: Record<string, unknown>;
}
export interface OptimFixture {
  data: { W0: number[]; b0: number[]; xs: number[][]; ys: number[][]; steps: number; checkpoint: number };
  optimizers: Case[];
  schedulers: Case[];
  exact: { param0: number[]; grads: number[][]; cases: { optimizer: Case['optimizer']; options: Record<string, any>; param: number[] }[] };
  clipGradNorm: { normType: number | string; maxNorm: number; grads: number[][]; total: number; clipped: number[][] }[];
  clipGradValue: { clipValue: number; grad: number[]; clipped: number[] }[];
}

export const fx = loadFixture<OptimFixture>('optim.json');
export const { data } = fx;
const xs = data.xs.map((x) => new Tensor(Float32Array.from(x), [8, 5]));
const ys = data.ys.map((y) => new Tensor(Float32Array.from(y), [8, 3]));

/** Switch to `name` for the enclosing describe block and restore the previous backend afterwards. */
export function useBackend(name: BackendName): void {
  let prev: BackendName;
  beforeAll(() => {
    prev = getBackend().name;
    setBackend(name);
  });
  afterAll(() => setBackend(prev));
}

/** Tolerances of the issue: rtol 1e-5 on ref, 1e-4 on the native and wasm kernels. */
export function tolerance(name: BackendName): { rtol: number; atol: number } {
  return name === 'ref' ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-4, atol: 1e-5 };
}

export class Model {
  W: Tensor;
  b: Tensor;
  frozen: Tensor;
  constructor(w: Weights = { W: data.W0, b: data.b0, frozen: [0, 0] }) {
    this.W = new Tensor(Float32Array.from(w.W), [5, 3]).requiresGrad_();
    this.b = new Tensor(Float32Array.from(w.b), [3]).requiresGrad_();
    this.frozen = new Tensor(Float32Array.from(w.frozen), [2]).requiresGrad_();
  }

  /** mean((x @ W + b - y)^2) on batch t % 4, negated when maximizing. */
  loss(t: number, maximize: boolean): Tensor {
    const d = sub(add(matmul(xs[t % 4], this.W), this.b), ys[t % 4]);
    const l = mean(mul(d, d));
    return maximize ? mul(l, -1) : l;
  }

  weights(): { W: Float32Array; b: Float32Array; frozen: Float32Array } {
    return { W: (this.W.data as Float32Array).slice(), b: (this.b.data as Float32Array).slice(), frozen: (this.frozen.data as Float32Array).slice() };
  }
}

const OPTIMIZERS = { SGD, Adam, AdamW, RMSprop, Adagrad };

/** The optimizer of a case: group 0 = [W] with the case's options, group 1 = [b, frozen] at half the lr. */
export function makeOptimizer(c: Pick<Case, 'optimizer' | 'options'>, m: Model): Optimizer {
  const g1: Record<string, unknown> = { params: [m.b, m.frozen] };
  if ('lr' in c.options) g1.lr = c.options.lr * 0.5;
  const Ctor = OPTIMIZERS[c.optimizer] as unknown as new (params: unknown, options: unknown) => Optimizer;
  return new Ctor([{ params: [m.W] }, g1], { ...c.options });
}

export function makeScheduler(spec: SchedSpec, opt: Optimizer): Scheduler & { step(metric?: number): void } {
  const a = spec.args;
  switch (spec.kind) {
    case 'StepLR': return new lrs.StepLR(opt, a.stepSize, { gamma: a.gamma });
    case 'MultiStepLR': return new lrs.MultiStepLR(opt, a.milestones, { gamma: a.gamma });
    case 'ExponentialLR': return new lrs.ExponentialLR(opt, a.gamma);
    case 'CosineAnnealingLR': return new lrs.CosineAnnealingLR(opt, a.tMax, { etaMin: a.etaMin });
    case 'LinearLR': return new lrs.LinearLR(opt, { startFactor: a.startFactor, endFactor: a.endFactor, totalIters: a.totalIters });
    case 'LambdaLR': return new lrs.LambdaLR(opt, [(e) => 1.0 / (1.0 + 0.05 * e), (e) => 0.98 ** e]);
    case 'OneCycleLR': {
      const { maxLr, ...rest } = a;
      return new lrs.OneCycleLR(opt, maxLr, rest);
    }
    case 'ReduceLROnPlateau': return new lrs.ReduceLROnPlateau(opt, a) as Scheduler & { step(metric?: number): void };
    case 'SequentialLR': {
      const inner = (a.schedulers as SchedSpec[]).map((s) => makeScheduler(s, opt) as lrs.LRScheduler);
      return new lrs.SequentialLR(opt, inner, a.milestones);
    }
    default: throw new Error(`unknown scheduler ${spec.kind}`);
  }
}

export interface Run {
  model: Model;
  opt: Optimizer;
  sched: (Scheduler & { step(metric?: number): void }) | null;
  losses: number[];
  lrs: number[][];
  momenta: number[][];
  at50?: { weights: ReturnType<Model['weights']>; state: OptimizerStateDict; sched: SchedulerStateDict | null };
}

/** Build everything for case `c` (optionally from given weights) without stepping. */
export function setup(c: Case, w?: Weights): Run {
  const model = new Model(w);
  const opt = makeOptimizer(c, model);
  const sched = c.scheduler ? makeScheduler(c.scheduler, opt) : null;
  return { model, opt, sched, losses: [], lrs: [], momenta: [] };
}

/** Run steps [from, to) of case `c` on `r`, recording what the fixture recorded. */
export function runSteps(c: Case, r: Run, from: number, to: number, useClosure = false): Run {
  const maximize = Boolean(c.options.maximize);
  for (let t = from; t < to; t++) {
    r.opt.zeroGrad();
    let loss: number;
    if (useClosure) {
      loss = r.opt.step(() => {
        const l = r.model.loss(t, maximize);
        l.backward();
        return l.item();
      })!;
    } else {
      const l = r.model.loss(t, maximize);
      l.backward();
      r.opt.step();
      loss = l.item();
    }
    r.losses.push(loss);
    if (r.sched) {
      if (c.scheduler!.kind === 'ReduceLROnPlateau') r.sched.step(c.metrics![t]);
      else r.sched.step();
      r.lrs.push(r.sched.getLastLr());
      const d = r.opt.defaults as Record<string, unknown>;
      if ('momentum' in d) r.momenta.push(r.opt.paramGroups.map((g) => g.momentum as number));
      else if ('betas' in d) r.momenta.push(r.opt.paramGroups.map((g) => (g.betas as number[])[0]));
    }
    if (t + 1 === data.checkpoint) {
      r.at50 = { weights: r.model.weights(), state: r.opt.stateDict(), sched: r.sched ? r.sched.stateDict() : null };
    }
  }
  return r;
}

export function label(c: Pick<Case, 'optimizer' | 'options' | 'scheduler'>): string {
  const opts = Object.entries(c.options).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v}]` : v}`).join(' ');
  return c.scheduler ? `${c.scheduler.kind} ${JSON.stringify(c.scheduler.args)} on ${c.optimizer}` : `${c.optimizer} ${opts || '(defaults)'}`;
}

export function expectWeights(actual: ReturnType<Model['weights']>, expected: Weights, tol: { rtol: number; atol: number }, what: string): void {
  expectClose(actual.W, expected.W, tol.rtol, tol.atol, `${what} W`);
  expectClose(actual.b, expected.b, tol.rtol, tol.atol, `${what} b`);
  expect(Array.from(actual.frozen), `${what} frozen (never has a grad)`).toEqual(expected.frozen);
}

/** A PyTorch state dict from the fixture (lists for tensors) as the structure loadStateDict takes. */
export function torchStateDict(sd: Case['state50'], m: Model): OptimizerStateDict {
  const params = [m.W, m.b, m.frozen];
  const state: OptimizerStateDict['state'] = {};
  for (const [k, entry] of Object.entries(sd.state)) {
    const p = params[Number(k)];
    state[Number(k)] = Object.fromEntries(
      Object.entries(entry).map(([name, v]) => [name, Array.isArray(v) ? new Tensor(Float32Array.from(v), p.shape) : v]),
    );
  }
  return { state, param_groups: sd.param_groups.map((g) => ({ ...g, params: [...g.params] })) as OptimizerStateDict['param_groups'] };
}

/** Keys PyTorch 1.13 keeps in param groups for its own implementation switches (CUDA graphs, foreach...). */
const TORCH_ONLY_GROUP_KEYS = new Set(['foreach', 'differentiable', 'capturable', 'fused']);

/** Our stateDict() against PyTorch's at the same step: same structure and names, close values. */
export function expectSameStateDict(ours: OptimizerStateDict, theirs: Case['state50'], tol: { rtol: number; atol: number }): void {
  expect(ours.param_groups.length).toBe(theirs.param_groups.length);
  ours.param_groups.forEach((g, i) => {
    const t = theirs.param_groups[i];
    const theirKeys = Object.keys(t).filter((k) => !TORCH_ONLY_GROUP_KEYS.has(k)).sort();
    expect(Object.keys(g).sort(), `param_groups[${i}] keys`).toEqual(theirKeys);
    for (const k of theirKeys) {
      if (typeof t[k] === 'number') expect(g[k] as number, `param_groups[${i}].${k}`).toBeCloseTo(t[k], 12);
      else expect(g[k], `param_groups[${i}].${k}`).toEqual(t[k]);
    }
  });
  expect(Object.keys(ours.state).sort(), 'state keys (parameter indices)').toEqual(Object.keys(theirs.state).sort());
  for (const [k, entry] of Object.entries(theirs.state)) {
    const o = ours.state[Number(k)];
    expect(Object.keys(o).sort(), `state[${k}] keys`).toEqual(Object.keys(entry).sort());
    for (const [name, v] of Object.entries(entry)) {
      const mine = o[name];
      if (v === null) expect(mine, `state[${k}].${name}`).toBeNull();
      else if (typeof v === 'number') expect(mine, `state[${k}].${name}`).toBe(v);
      else {
        // Buffers are compared relative to their largest element: entries that nearly cancel carry
        // absolute errors of the buffer's scale, not their own.
        expect(mine).toBeInstanceOf(Tensor);
        const scale = Math.max(...v.map(Math.abs));
        expectClose((mine as Tensor).data, v, tol.rtol * 10, Math.max(tol.atol, tol.rtol * scale), `state[${k}].${name}`);
      }
    }
  }
}

/**
 * For every fixture case of optimizer `kind`, on every backend: the 100-step trajectory matches
 * PyTorch; stateDict() at step 50 has PyTorch's structure and values; an optimizer resumed from our own
 * state dict continues bit for bit like the uninterrupted run; one resumed from PyTorch's state dict
 * ends where PyTorch ended.
 */
export function optimizerTrajectoryTests(kind: Case['optimizer']): void {
  const cases = fx.optimizers.filter((c) => c.optimizer === kind);
  describe.each(testBackends())(`${kind} trajectories vs PyTorch 1.13 on $name`, (backend) => {
    useBackend(backend.name);
    const tol = tolerance(backend.name);
    it('the fixture covers the option matrix', () => {
      expect(cases.length).toBeGreaterThanOrEqual(8);
    });
    for (const c of cases) {
      describe(label(c), () => {
        let full: Run;
        beforeAll(() => {
          full = runSteps(c, setup(c), 0, data.steps);
        });

        it('100 steps: losses, weights at steps 50 and 100, state dict at step 50', () => {
          expectClose(full.losses, c.losses, tol.rtol, tol.atol, 'losses');
          expectWeights(full.at50!.weights, c.weights50, tol, 'step 50');
          expectWeights(full.model.weights(), c.weights100, tol, 'step 100');
          expectSameStateDict(full.at50!.state, c.state50, tol);
        });

        it('resumed from stateDict() at step 50 (fresh model and optimizer): identical to the uninterrupted run', () => {
          const w = full.at50!.weights;
          const resumed = setup(c, { W: Array.from(w.W), b: Array.from(w.b), frozen: Array.from(w.frozen) });
          resumed.opt.loadStateDict(full.at50!.state);
          runSteps(c, resumed, data.checkpoint, data.steps, true);
          const a = resumed.model.weights();
          const b = full.model.weights();
          expect(Array.from(a.W)).toEqual(Array.from(b.W));
          expect(Array.from(a.b)).toEqual(Array.from(b.b));
          expect(resumed.losses).toEqual(full.losses.slice(data.checkpoint));
        });

        it("resumed from PyTorch's state dict at step 50: ends at PyTorch's step-100 weights", () => {
          const resumed = setup(c, c.weights50);
          resumed.opt.loadStateDict(torchStateDict(c.state50, resumed.model));
          runSteps(c, resumed, data.checkpoint, data.steps);
          expectWeights(resumed.model.weights(), c.weights100, tol, 'step 100');
        });
      });
    }
  });
}

/**
 * Every optimizer case of `kind` for 12 steps on one parameter with fixed gradients (no model), against
 * PyTorch: the optimizer's float32 arithmetic alone. Adam and AdamW (on the backend's adamStep kernel), RMSprop and Adagrad
 * must match bit for bit. SGD runs on the backend's sgdStep kernel, which rounds the scaled terms
 * separately where PyTorch fuses multiply-add, so it is held to a tolerance.
 */
export function exactArithmeticTests(kind: Case['optimizer']): void {
  const ex = fx.exact;
  const cases = ex.cases.filter((c) => c.optimizer === kind);
  describe.each(testBackends())(`${kind} float32 arithmetic vs PyTorch 1.13 (fixed gradients) on $name`, (backend) => {
    useBackend(backend.name);
    for (const c of cases) {
      it(label(c), () => {
        const p = new Tensor(Float32Array.from(ex.param0), [ex.param0.length]).requiresGrad_();
        const Ctor = OPTIMIZERS[c.optimizer] as unknown as new (params: unknown, options: unknown) => Optimizer;
        const opt = new Ctor([p], { ...c.options });
        for (const g of ex.grads) {
          p.grad = new Tensor(Float32Array.from(g), [g.length]);
          opt.step();
        }
        if (kind === 'SGD') expectClose(p.data, c.param, 1e-5, 1e-6, 'param after 12 steps');
        else expect(Array.from(p.data), 'param after 12 steps (bit for bit)').toEqual(c.param);
      });
    }
  });
}
