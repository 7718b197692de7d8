/** optim.Adam and optim.AdamW: PyTorch trajectories (with amsgrad), exact arithmetic, state and errors. */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import { Adam, AdamW } from '../../src/optim/adam.js';
import { expectClose } from '../helpers/allclose.js';
import { exactArithmeticTests, optimizerTrajectoryTests } from './harness.js';

optimizerTrajectoryTests('Adam');
optimizerTrajectoryTests('AdamW');
exactArithmeticTests('Adam');
exactArithmeticTests('AdamW');

const param = (v: number[]) => new Tensor(Float32Array.from(v), [v.length]).requiresGrad_();
const grad = (v: number[]) => new Tensor(Float32Array.from(v), [v.length]);

describe('Adam / AdamW behaviour', () => {
  it('defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8; weightDecay 0 for Adam and 1e-2 for AdamW', () => {
    const a = new Adam([param([1])]);
    expect(a.paramGroups[0]).toMatchObject({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
    expect(new AdamW([param([1])]).paramGroups[0].weightDecay).toBe(1e-2);
  });

  it('the first Adam step moves each coordinate by lr·sign(g) (bias-corrected m/sqrt(v))', () => {
    const p = param([1, -1, 0.5]);
    const opt = new Adam([p], { lr: 0.01 });
    p.grad = grad([3, -0.2, 1e-3]);
    opt.step();
    expectClose(p.data, [0.99, -0.99, 0.49], 1e-5, 1e-6);
    const st = opt.state.get(p)!;
    expect(st.step).toBe(1);
    expectClose(st.exp_avg as Float32Array, [0.3, -0.02, 1e-4], 1e-6, 0);
    expect(st.max_exp_avg_sq).toBeUndefined();
  });

  it('AdamW decays the weight by (1 − lr·weightDecay) before the Adam update; Adam adds weightDecay·p to the gradient', () => {
    const p = param([2]);
    const w = new AdamW([p], { lr: 0.1, weightDecay: 0.5 });
    p.grad = grad([0]);
    w.step(); // m = v = 0 -> no Adam move; decay only
    expect(p.data[0]).toBeCloseTo(2 * (1 - 0.05), 6);
    const q = param([2]);
    const a = new Adam([q], { lr: 0.1, weightDecay: 0.5 });
    q.grad = grad([0]);
    a.step(); // g = 1 -> moves by lr
    expect(q.data[0]).toBeCloseTo(1.9, 5);
  });

  it('amsgrad keeps max_exp_avg_sq, the running maximum of exp_avg_sq', () => {
    const p = param([0, 0]);
    const opt = new Adam([p], { lr: 0.01, amsgrad: true });
    p.grad = grad([10, 1]);
    opt.step();
    p.grad = grad([0.1, 1]);
    opt.step();
    const st = opt.state.get(p)!;
    const v = st.exp_avg_sq as Float32Array;
    const vMax = st.max_exp_avg_sq as Float32Array;
    expect(vMax[0]).toBeGreaterThan(v[0]);
    expect(vMax[1]).toBe(v[1]);
    expect(Object.keys(opt.stateDict().state[0]).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
  });

  it('switching amsgrad on mid-training starts max_exp_avg_sq from zeros', () => {
    const p = param([1]);
    const opt = new Adam([p], { lr: 0.01 });
    p.grad = grad([1]);
    opt.step();
    opt.paramGroups[0].amsgrad = true;
    p.grad = grad([1]);
    opt.step();
    expect(opt.state.get(p)!.max_exp_avg_sq).toBeInstanceOf(Float32Array);
  });
});

describe.each([['Adam', Adam], ['AdamW', AdamW]] as const)('%s argument errors', (name, Ctor) => {
  const p = () => param([1, 2]);
  it.each([
    [{ lr: -1e-3 }, RangeError, `${name}: invalid learning rate: expected lr >= 0, got -0.001`],
    [{ eps: -1e-8 }, RangeError, `${name}: invalid epsilon value: expected eps >= 0, got -1e-8`],
    [{ betas: [1, 0.999] }, RangeError, `${name}: invalid beta parameter at index 0: expected 0 <= betas[0] < 1, got 1`],
    [{ betas: [-0.1, 0.999] }, RangeError, `${name}: invalid beta parameter at index 0: expected 0 <= betas[0] < 1, got -0.1`],
    [{ betas: [0.9, 1.5] }, RangeError, `${name}: invalid beta parameter at index 1: expected 0 <= betas[1] < 1, got 1.5`],
    [{ betas: [0.9] }, TypeError, `${name}: expected betas to be an array of two numbers, got [0.9]`],
    [{ betas: 0.9 }, TypeError, `${name}: expected betas to be an array of two numbers, got number`],
    [{ weightDecay: -0.01 }, RangeError, `${name}: invalid weight decay value: expected weightDecay >= 0, got -0.01`],
    [{ amsgrad: 1 }, TypeError, `${name}: expected amsgrad to be a boolean, got 1`],
    [{ maximize: 'no' }, TypeError, `${name}: expected maximize to be a boolean, got 'no'`],
    [{ beta1: 0.9 }, TypeError, `${name}: unknown option 'beta1'`],
  ] as [Record<string, unknown>, ErrorConstructor, string][])('options %j', (options, type, message) => {
    expect(() => new Ctor([p()], options as never)).toThrow(type);
    expect(() => new Ctor([p()], options as never)).toThrow(message);
  });

  it('per-group betas are checked and name the group', () => {
    expect(() => new Ctor([{ params: [p()], betas: [0.9, 1] }])).toThrow(`${name}: invalid beta parameter at index 1 in parameter group 0: expected 0 <= betas[1] < 1, got 1`);
  });

  it('empty parameter list and a parameter in two groups', () => {
    expect(() => new Ctor([])).toThrow(`${name}: optimizer got an empty parameter list`);
    const a = p();
    expect(() => new Ctor([{ params: [a] }, { params: [a] }])).toThrow(`${name}: some parameters appear in more than one parameter group`);
  });
});
