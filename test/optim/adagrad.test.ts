/** optim.Adagrad: PyTorch trajectories (lrDecay, initialAccumulatorValue), exact arithmetic, state and errors. */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import { Adagrad } from '../../src/optim/adagrad.js';
import { expectClose } from '../helpers/allclose.js';
import { exactArithmeticTests, optimizerTrajectoryTests } from './harness.js';

optimizerTrajectoryTests('Adagrad');
exactArithmeticTests('Adagrad');

const param = (v: number[]) => new Tensor(Float32Array.from(v), [v.length]).requiresGrad_();
const grad = (v: number[]) => new Tensor(Float32Array.from(v), [v.length]);

describe('Adagrad behaviour', () => {
  it('defaults: lr 1e-2, lrDecay 0, eps 1e-10, initialAccumulatorValue 0', () => {
    expect(new Adagrad([param([1])]).paramGroups[0]).toMatchObject({ lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false });
  });

  it('creates the state of every parameter at construction and in addParamGroup, as PyTorch does', () => {
    const a = param([1, 2]);
    const opt = new Adagrad([a], { initialAccumulatorValue: 0.25 });
    const sd = opt.stateDict();
    expect(sd.state[0].step).toBe(0);
    expect(Array.from((sd.state[0].sum as Tensor).data)).toEqual([0.25, 0.25]);
    const b = param([3]);
    opt.addParamGroup({ params: [b], initialAccumulatorValue: 1 });
    expect(Array.from(opt.state.get(b)!.sum as Float32Array)).toEqual([1]);
  });

  it('lrDecay: step t uses lr / (1 + (t − 1)·lrDecay)', () => {
    const p = param([0]);
    const opt = new Adagrad([p], { lr: 1, lrDecay: 1, eps: 0 });
    const moves: number[] = [];
    for (let t = 0; t < 3; t++) {
      const before = p.data[0];
      p.grad = grad([1]);
      opt.step();
      moves.push(before - p.data[0]);
    }
    // sum after t steps is t, so the move is clr / sqrt(t) with clr = 1 / t
    expectClose(moves, [1, 1 / 2 / Math.sqrt(2), 1 / 3 / Math.sqrt(3)], 1e-6, 0);
  });

  it('a loaded state dict lacking a parameter\'s state starts that parameter afresh', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new Adagrad([a, b], { lr: 0.1 });
    const sd = opt.stateDict();
    delete (sd.state as Record<number, unknown>)[1];
    opt.loadStateDict(sd);
    b.grad = grad([1]);
    opt.step();
    expect(opt.state.get(b)!.step).toBe(1);
    expectClose(b.data, [0.9], 1e-6, 0);
  });
});

describe('Adagrad argument errors', () => {
  const p = () => param([1, 2]);
  it.each([
    [{ lr: -0.1 }, RangeError, 'Adagrad: invalid learning rate: expected lr >= 0, got -0.1'],
    [{ lrDecay: -1 }, RangeError, 'Adagrad: invalid lr_decay value: expected lrDecay >= 0, got -1'],
    [{ weightDecay: -1 }, RangeError, 'Adagrad: invalid weight decay value: expected weightDecay >= 0, got -1'],
    [{ initialAccumulatorValue: -0.1 }, RangeError, 'Adagrad: invalid initial_accumulator_value value: expected initialAccumulatorValue >= 0, got -0.1'],
    [{ eps: -1e-10 }, RangeError, 'Adagrad: invalid epsilon value: expected eps >= 0, got -1e-10'],
    [{ maximize: null }, TypeError, 'Adagrad: expected maximize to be a boolean, got null'],
    [{ lr_decay: 0.1 }, TypeError, "Adagrad: unknown option 'lr_decay'; nodetorch spells it 'lrDecay'"],
  ] as [Record<string, unknown>, ErrorConstructor, string][])('options %j', (options, type, message) => {
    expect(() => new Adagrad([p()], options as never)).toThrow(type);
    expect(() => new Adagrad([p()], options as never)).toThrow(message);
  });

  it('empty parameter list and a parameter in two groups', () => {
    expect(() => new Adagrad([])).toThrow('Adagrad: optimizer got an empty parameter list');
    const a = p();
    expect(() => new Adagrad([{ params: [a] }, { params: [a] }])).toThrow('Adagrad: some parameters appear in more than one parameter group');
  });
});
