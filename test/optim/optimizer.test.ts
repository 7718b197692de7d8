/** The Optimizer base class: state dict structure, loadStateDict validation and atomicity, toString. */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import { SGD } from '../../src/optim/sgd.js';
import { Adam } from '../../src/optim/adam.js';
import { RMSprop } from '../../src/optim/rmsprop.js';
import { Optimizer, camelToSnake, snakeToCamel, type OptimizerStateDict } from '../../src/optim/optimizer.js';
import * as optim from '../../src/optim/index.js';

const param = (v: number[], shape = [v.length]) => new Tensor(Float32Array.from(v), shape).requiresGrad_();
const grad = (v: number[], shape = [v.length]) => new Tensor(Float32Array.from(v), shape);

function trainedAdam(): { opt: Adam; a: Tensor; b: Tensor; c: Tensor } {
  const a = param([1, 2, 3, 4], [2, 2]);
  const b = param([5]);
  const c = param([6, 7]);
  const opt = new Adam([{ params: [a, b] }, { params: [c], lr: 0.1, betas: [0.8, 0.9] }], { lr: 0.01, amsgrad: true });
  a.grad = grad([0.1, -0.2, 0.3, -0.4], [2, 2]);
  c.grad = grad([1, -1]);
  opt.step();
  return { opt, a, b, c };
}

describe('Optimizer.stateDict', () => {
  it("has PyTorch's structure: state keyed by parameter index, snake_case group options, params as index lists", () => {
    const { opt } = trainedAdam();
    const sd = opt.stateDict();
    expect(sd.param_groups).toEqual([
      { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: true, maximize: false, params: [0, 1] },
      { lr: 0.1, betas: [0.8, 0.9], eps: 1e-8, weight_decay: 0, amsgrad: true, maximize: false, params: [2] },
    ]);
    expect(Object.keys(sd.state)).toEqual(['0', '2']); // b had no grad: no state
    const s0 = sd.state[0];
    expect(Object.keys(s0).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
    expect(s0.step).toBe(1);
    expect((s0.exp_avg as Tensor).shape).toEqual([2, 2]);
  });

  it('is a snapshot: later steps do not change it, and changing it does not touch the optimizer', () => {
    const { opt, a } = trainedAdam();
    const sd = opt.stateDict();
    const before = Array.from((sd.state[0].exp_avg as Tensor).data);
    a.grad = grad([1, 1, 1, 1], [2, 2]);
    opt.step();
    expect(Array.from((sd.state[0].exp_avg as Tensor).data)).toEqual(before);
    (sd.param_groups[0].betas as number[])[0] = 0.5;
    expect(opt.paramGroups[0].betas).toEqual([0.9, 0.999]);
  });

  it('scheduler keys in groups (initialLr) are saved as initial_lr and restored as initialLr', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    new optim.lrScheduler.StepLR(opt, 2);
    const sd = opt.stateDict();
    expect(sd.param_groups[0].initial_lr).toBe(0.1);
    const opt2 = new SGD([param([1])], { lr: 0.5 });
    opt2.loadStateDict(sd);
    expect(opt2.paramGroups[0].initialLr).toBe(0.1);
    expect(opt2.paramGroups[0].lr).toBe(0.1);
    expect(opt2.paramGroups[0].momentum).toBe(0.9);
  });
});

describe('Optimizer.loadStateDict', () => {
  it('restores state and options into a fresh optimizer with the same layout', () => {
    const { opt } = trainedAdam();
    const sd = opt.stateDict();
    const fresh = trainedAdam().opt; // same layout, different object
    fresh.paramGroups[1].lr = 123;
    fresh.loadStateDict(sd);
    expect(fresh.paramGroups[1].lr).toBe(0.1);
    expect(fresh.stateDict()).toEqual(sd);
  });

  it("accepts PyTorch's forms: step as a 0-d Tensor, extra group keys (foreach, capturable, ...), plain arrays", () => {
    const p = param([1, 2]);
    const opt = new Adam([p]);
    const sd = {
      state: { 0: { step: new Tensor(new Float32Array([7]), []), exp_avg: [0.1, 0.2], exp_avg_sq: new Tensor(Float32Array.from([1, 1]), [2]) } },
      param_groups: [{ lr: 0.002, betas: [0.5, 0.6], eps: 1e-6, weight_decay: 0, amsgrad: false, maximize: false, foreach: null, capturable: false, differentiable: false, fused: false, params: [0] }],
    } as unknown as OptimizerStateDict;
    opt.loadStateDict(sd);
    const st = opt.state.get(p)!;
    expect(st.step).toBe(7);
    expect(st.exp_avg).toEqual(Float32Array.from([0.1, 0.2]));
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.002, betas: [0.5, 0.6], eps: 1e-6, foreach: null, fused: false });
    expect(opt.stateDict().param_groups[0].foreach).toBeNull();
    p.grad = grad([1, 1]);
    opt.step();
    expect(opt.state.get(p)!.step).toBe(8);
  });

  it('fills options missing from an older state dict with the defaults', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.5 });
    opt.loadStateDict({ state: {}, param_groups: [{ lr: 0.2, momentum: 0.9, dampening: 0, weight_decay: 0, params: [0] }] });
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.2, momentum: 0.9, nesterov: false, maximize: false });
  });

  describe('errors (and the optimizer is unchanged after each)', () => {
    const cases: [string, (sd: any) => unknown, ErrorConstructor, RegExp][] = [
      ['not an object', () => null, TypeError, /Adam.loadStateDict: expected a state dict \{ state, param_groups \}, got null/],
      ['param_groups missing', (sd) => ({ state: sd.state }), TypeError, /expected param_groups to be an array/],
      ['state not an object', (sd) => ({ ...sd, state: [] }), TypeError, /expected state to be an object keyed by parameter index/],
      ['a different number of groups', (sd) => ({ ...sd, param_groups: sd.param_groups.slice(0, 1) }), RangeError,
        /loaded state dict has a different number of parameter groups \(optimizer has 2, state dict has 1\)/],
      ['a group of another size', (sd) => ({ ...sd, param_groups: [sd.param_groups[0], { ...sd.param_groups[1], params: [2, 3] }] }), RangeError,
        /loaded state dict contains a parameter group that doesn't match the size of optimizer's group \(group 1: optimizer has 1 parameters, state dict has 2\)/],
      ['non-integer indices', (sd) => ({ ...sd, param_groups: [{ ...sd.param_groups[0], params: ['a', 1] }, sd.param_groups[1]] }), TypeError,
        /expected param_groups\[0\].params to hold integer indices/],
      ['state of an unknown parameter', (sd) => ({ ...sd, state: { ...sd.state, 9: sd.state[0] } }), RangeError,
        /loaded state dict has state for parameter 9, which is in no parameter group/],
      ['a buffer of the wrong size', (sd) => ({ ...sd, state: { ...sd.state, 2: { ...sd.state[2], exp_avg: new Tensor(new Float32Array(3), [3]) } } }), RangeError,
        /state\[2\].exp_avg has 3 elements but its parameter has shape \(2,\) \(2 elements\)/],
      ['a buffer that is not a tensor', (sd) => ({ ...sd, state: { ...sd.state, 2: { ...sd.state[2], exp_avg: 'x' } } }), TypeError,
        /expected state\[2\].exp_avg to be a Tensor, got 'x'/],
      ['a step that is not a number', (sd) => ({ ...sd, state: { ...sd.state, 2: { ...sd.state[2], step: [1, 2] } } }), TypeError,
        /expected state\[2\].step to be a number or a one-element Tensor/],
      ['a state lacking what amsgrad needs', (sd) => ({ ...sd, state: { ...sd.state, 0: { step: 1, exp_avg: sd.state[0].exp_avg, exp_avg_sq: sd.state[0].exp_avg_sq } } }), RangeError,
        /state\[0\] lacks 'max_exp_avg_sq', which this optimizer's settings need/],
      ['an invalid option', (sd) => ({ ...sd, param_groups: [{ ...sd.param_groups[0], lr: -1 }, sd.param_groups[1]] }), RangeError,
        /invalid learning rate in loaded parameter group 0: expected lr >= 0, got -1/],
    ];
    it.each(cases)('%s', (_, mutate, type, message) => {
      const { opt } = trainedAdam();
      const before = opt.stateDict();
      const bad = mutate(opt.stateDict());
      expect(() => opt.loadStateDict(bad as OptimizerStateDict)).toThrow(type);
      expect(() => opt.loadStateDict(bad as OptimizerStateDict)).toThrow(message);
      expect(opt.stateDict()).toEqual(before);
    });

    it('a group without the required lr', () => {
      const opt = new SGD([{ params: [param([1])], lr: 0.1 }]); // no default lr
      expect(() => opt.loadStateDict({ state: {}, param_groups: [{ momentum: 0, params: [0] }] })).toThrow(
        /loaded parameter group 0 didn't specify a value of required optimization parameter lr/,
      );
    });
  });

  it('RMSprop state with momentum needs momentum_buffer', () => {
    const p = param([1]);
    const opt = new RMSprop([p], { momentum: 0.9 });
    const sd = { state: { 0: { step: 3, square_avg: [1] } }, param_groups: [{ ...opt.stateDict().param_groups[0] }] };
    expect(() => opt.loadStateDict(sd as unknown as OptimizerStateDict)).toThrow(
      /lacks 'momentum_buffer'/,
    );
  });
});

describe('Optimizer misc', () => {
  it('the optim namespace exports every optimizer and scheduler', () => {
    for (const C of [optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad]) {
      expect(new C([param([1])], { lr: 0.1 })).toBeInstanceOf(Optimizer);
    }
    expect(Object.keys(optim.lrScheduler).sort()).toEqual([
      'CosineAnnealingLR', 'ExponentialLR', 'LRScheduler', 'LambdaLR', 'LinearLR', 'MultiStepLR', 'OneCycleLR',
      'ReduceLROnPlateau', 'SequentialLR', 'StepLR',
    ]);
  });

  it('toString lists each group like PyTorch', () => {
    const opt = new SGD([param([1])], { lr: 0.1, momentum: 0.9 });
    expect(opt.toString()).toBe(
      'SGD (\nParameter Group 0\n    dampening: 0\n    lr: 0.1\n    maximize: false\n    momentum: 0.9\n    nesterov: false\n    weightDecay: 0\n)',
    );
  });

  it('duplicate parameters in a group give a warning, as in PyTorch', () => {
    const p = param([1]);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    return new Promise<void>((resolve) => {
      new SGD([p, p], { lr: 0.1 });
      setImmediate(() => {
        process.off('warning', onWarning);
        expect(warnings.some((m) => m.includes('duplicate parameters'))).toBe(true);
        resolve();
      });
    });
  });

  it('camelCase <-> snake_case option names', () => {
    expect(['weightDecay', 'initialAccumulatorValue', 'lr', 'initialLr'].map(camelToSnake)).toEqual(['weight_decay', 'initial_accumulator_value', 'lr', 'initial_lr']);
    expect(['weight_decay', 'lr_decay', 'betas', 'max_momentum'].map(snakeToCamel)).toEqual(['weightDecay', 'lrDecay', 'betas', 'maxMomentum']);
  });
});
