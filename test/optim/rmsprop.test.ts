/** optim.RMSprop: PyTorch trajectories (centered, momentum), exact arithmetic, state and errors. */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import { RMSprop } from '../../src/optim/rmsprop.js';
import { expectClose } from '../helpers/allclose.js';
import { exactArithmeticTests, optimizerTrajectoryTests } from './harness.js';

optimizerTrajectoryTests('RMSprop');
exactArithmeticTests('RMSprop');

const param = (v: number[]) => new Tensor(Float32Array.from(v), [v.length]).requiresGrad_();
const grad = (v: number[]) => new Tensor(Float32Array.from(v), [v.length]);

describe('RMSprop behaviour', () => {
  it('defaults: lr 1e-2, alpha 0.99, eps 1e-8', () => {
    expect(new RMSprop([param([1])]).paramGroups[0]).toMatchObject({ lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false });
  });

  it('first step: p − lr·g / (sqrt((1 − alpha)·g²) + eps)', () => {
    const p = param([1, 1]);
    const opt = new RMSprop([p], { lr: 0.01, alpha: 0.9 });
    p.grad = grad([2, -0.5]);
    opt.step();
    expectClose(p.data, [1 - 0.01 / Math.sqrt(0.1), 1 + 0.01 / Math.sqrt(0.1)], 1e-6, 0);
  });

  it.each([
    [{}, ['square_avg', 'step']],
    [{ momentum: 0.9 }, ['momentum_buffer', 'square_avg', 'step']],
    [{ centered: true }, ['grad_avg', 'square_avg', 'step']],
    [{ momentum: 0.5, centered: true }, ['grad_avg', 'momentum_buffer', 'square_avg', 'step']],
  ])('state keys for %j are PyTorch\'s', (options, keys) => {
    const p = param([1]);
    const opt = new RMSprop([p], options);
    p.grad = grad([1]);
    opt.step();
    opt.step();
    const st = opt.stateDict().state[0];
    expect(Object.keys(st).sort()).toEqual(keys);
    expect(st.step).toBe(2);
  });
});

describe('RMSprop argument errors', () => {
  const p = () => param([1, 2]);
  it.each([
    [{ lr: -0.01 }, RangeError, 'RMSprop: invalid learning rate: expected lr >= 0, got -0.01'],
    [{ eps: -1 }, RangeError, 'RMSprop: invalid epsilon value: expected eps >= 0, got -1'],
    [{ momentum: -0.5 }, RangeError, 'RMSprop: invalid momentum value: expected momentum >= 0, got -0.5'],
    [{ weightDecay: -0.1 }, RangeError, 'RMSprop: invalid weight decay value: expected weightDecay >= 0, got -0.1'],
    [{ alpha: -0.99 }, RangeError, 'RMSprop: invalid alpha value: expected alpha >= 0, got -0.99'],
    [{ centered: 'true' }, TypeError, "RMSprop: expected centered to be a boolean, got 'true'"],
    [{ maximize: 0 }, TypeError, 'RMSprop: expected maximize to be a boolean, got 0'],
    [{ alpha: '0.9' }, TypeError, "RMSprop: expected alpha to be a number, got '0.9'"],
    [{ rho: 0.9 }, TypeError, "RMSprop: unknown option 'rho'"],
  ] as [Record<string, unknown>, ErrorConstructor, string][])('options %j', (options, type, message) => {
    expect(() => new RMSprop([p()], options as never)).toThrow(type);
    expect(() => new RMSprop([p()], options as never)).toThrow(message);
  });

  it('empty parameter list and a parameter in two groups', () => {
    expect(() => new RMSprop([])).toThrow('RMSprop: optimizer got an empty parameter list');
    const a = p();
    expect(() => new RMSprop([{ params: [a] }, { params: [a] }])).toThrow('RMSprop: some parameters appear in more than one parameter group');
  });
});
