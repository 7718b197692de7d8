/** optim.SGD: PyTorch trajectories over the option matrix, resume, API behaviour and argument errors. */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import { noGrad, isGradEnabled } from '../../src/autograd/grad-mode.js';
import { mul } from '../../src/ops/mul.js';
import { sum } from '../../src/ops/sum.js';
import { SGD } from '../../src/optim/sgd.js';
import { expectClose } from '../helpers/allclose.js';
import { testBackends } from '../helpers/backends.js';
import { exactArithmeticTests, optimizerTrajectoryTests, useBackend } from './harness.js';

optimizerTrajectoryTests('SGD');
exactArithmeticTests('SGD');

const param = (v: number[]) => new Tensor(Float32Array.from(v), [v.length]).requiresGrad_();
const grad = (v: number[]) => new Tensor(Float32Array.from(v), [v.length]);
const GRADS = [[0.5, -1, 2], [0.25, 0.75, -1.5], [-0.4, 0.3, 0.9], [1.1, -0.2, 0.05], [0.6, 0.6, -0.6]];

/** The seed's formula, in float64: v = μ·v − lr·(g + wd·w); w = w + v. */
function seedFormula(w0: number[], grads: number[][], lrs: number[], mu: number, wd: number): number[] {
  const w = [...w0];
  const v = w.map(() => 0);
  grads.forEach((g, t) => {
    for (let i = 0; i < w.length; i++) {
      v[i] = mu * v[i] - lrs[t] * (g[i] + wd * w[i]);
      w[i] += v[i];
    }
  });
  return w;
}

/** PyTorch's rule, in float64: b = d on step 1, then μ·b + (1 − τ)·d; w = w − lr·b. */
function torchRule(w0: number[], grads: number[][], lrs: number[], mu: number, wd: number, tau = 0): number[] {
  const w = [...w0];
  const b = w.map(() => 0);
  grads.forEach((g, t) => {
    for (let i = 0; i < w.length; i++) {
      const d = g[i] + wd * w[i];
      b[i] = t === 0 ? d : mu * b[i] + (1 - tau) * d;
      w[i] -= lrs[t] * b[i];
    }
  });
  return w;
}

function runSgd(w0: number[], grads: number[][], lrs: number[], options: ConstructorParameters<typeof SGD>[1]): SGD & { p: Tensor } {
  const p = param(w0);
  const opt = new SGD([p], { lr: lrs[0], ...options });
  grads.forEach((g, t) => {
    opt.paramGroups[0].lr = lrs[t];
    p.grad = grad(g);
    opt.step();
  });
  return Object.assign(opt, { p });
}

describe.each(testBackends())('SGD behaviour on $name', (backend) => {
  useBackend(backend.name);
  const w0 = [1, -2, 3];

  it("equals the seed's formula v = μ·v − lr·(g + wd·w); w = w + v when dampening = 0 and lr is constant", () => {
    const lrs = GRADS.map(() => 0.1);
    const { p } = runSgd(w0, GRADS, lrs, { momentum: 0.9, weightDecay: 0.01 });
    expectClose(p.data, seedFormula(w0, GRADS, lrs, 0.9, 0.01), 1e-5, 1e-6);
  });

  it("differs from the seed's formula when the lr changes: the buffer is kept without lr", () => {
    const lrs = [0.1, 0.1, 0.01, 0.01, 0.01];
    const { p } = runSgd(w0, GRADS, lrs, { momentum: 0.9, weightDecay: 0.01 });
    const torch = torchRule(w0, GRADS, lrs, 0.9, 0.01);
    const seed = seedFormula(w0, GRADS, lrs, 0.9, 0.01);
    expectClose(p.data, torch, 1e-5, 1e-6);
    const gap = Math.max(...torch.map((x, i) => Math.abs(x - seed[i])));
    expect(gap).toBeGreaterThan(0.05);
  });

  it('first step: the momentum buffer is a copy of the decayed gradient; dampening applies from step 2', () => {
    const p = param([1, 2]);
    const opt = new SGD([p], { lr: 0.5, momentum: 0.9, dampening: 0.5, weightDecay: 0.1 });
    p.grad = grad([1, -1]);
    opt.step();
    const d1 = [1 + 0.1 * 1, -1 + 0.1 * 2];
    expectClose(opt.state.get(p)!.momentum_buffer as Float32Array, d1, 1e-6, 0);
    expectClose(p.data, [1 - 0.5 * d1[0], 2 - 0.5 * d1[1]], 1e-6, 0);
    const p1 = Array.from(p.data);
    p.grad = grad([2, 0]);
    opt.step();
    const d2 = [2 + 0.1 * p1[0], 0 + 0.1 * p1[1]];
    const b2 = [0.9 * d1[0] + 0.5 * d2[0], 0.9 * d1[1] + 0.5 * d2[1]];
    expectClose(opt.state.get(p)!.momentum_buffer as Float32Array, b2, 1e-6, 1e-7);
    expectClose(p.data, [p1[0] - 0.5 * b2[0], p1[1] - 0.5 * b2[1]], 1e-6, 1e-7);
  });

  it('nesterov: p = p − lr·(d + μ·b); maximize ascends', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.5, nesterov: true, maximize: true });
    p.grad = grad([2]);
    opt.step(); // d = -2, b = -2, step = d + 0.5 b = -3
    expect(p.data[0]).toBeCloseTo(1.3, 6);
    p.grad = grad([2]);
    opt.step(); // b = 0.5·-2 + -2 = -3, step = -2 + -1.5 = -3.5
    expect(p.data[0]).toBeCloseTo(1.65, 6);
  });

  it('plain SGD keeps momentum_buffer null in its state, as PyTorch does', () => {
    const p = param([1, 2]);
    const opt = new SGD([p], { lr: 0.1 });
    p.grad = grad([1, 1]);
    opt.step();
    expectClose(p.data, [0.9, 1.9], 1e-6, 0);
    expect(opt.state.get(p)).toEqual({ momentum_buffer: null });
    expect(opt.stateDict().state).toEqual({ 0: { momentum_buffer: null } });
  });

  it('skips parameters whose grad is null: no update, no state', () => {
    const a = param([1, 2]);
    const b = param([3]);
    const opt = new SGD([a, b], { lr: 0.1, momentum: 0.9 });
    a.grad = grad([1, 1]);
    opt.step();
    expect(Array.from(b.data)).toEqual([3]);
    expect(opt.state.has(b)).toBe(false);
    expect(Object.keys(opt.stateDict().state)).toEqual(['0']);
  });

  it('step(closure) runs the closure with autograd on and returns its value', () => {
    const p = param([1, 2]);
    const opt = new SGD([p], { lr: 0.25 });
    const loss = noGrad(() =>
      opt.step(() => {
        expect(isGradEnabled()).toBe(true);
        const l = sum(mul(p, p));
        l.backward();
        return l;
      }),
    );
    expect(loss).toBeInstanceOf(Tensor);
    expect(loss!.item()).toBe(5);
    expectClose(p.data, [0.5, 1], 1e-6, 0); // grad 2p
    expect(opt.step()).toBeUndefined();
  });

  it('zeroGrad() sets grads to null; zeroGrad({ setToNone: false }) zeroes them in place', () => {
    const p = param([1, 2]);
    const opt = new SGD([p], { lr: 0.1 });
    p.grad = grad([3, 4]);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
    const g = grad([3, 4]);
    p.grad = g;
    opt.zeroGrad({ setToNone: false });
    expect(p.grad).toBe(g);
    expect(Array.from(g.data)).toEqual([0, 0]);
  });

  it('per-group options, addParamGroup and lr changes between steps', () => {
    const a = param([1]);
    const b = param([1]);
    const c = param([1]);
    const opt = new SGD([{ params: [a] }, { params: b, lr: 0.5, momentum: 0 }], { lr: 0.1, momentum: 0.9 });
    opt.addParamGroup({ params: [c], weightDecay: 1 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum, g.weightDecay])).toEqual([[0.1, 0.9, 0], [0.5, 0, 0], [0.1, 0.9, 1]]);
    for (const t of [a, b, c]) t.grad = grad([1]);
    opt.step();
    expect(a.data[0]).toBeCloseTo(0.9, 6);
    expect(b.data[0]).toBeCloseTo(0.5, 6);
    expect(c.data[0]).toBeCloseTo(0.8, 6); // d = 1 + 1·1
    opt.paramGroups[0].lr = 1;
    a.grad = grad([1]);
    b.grad = null;
    c.grad = null;
    opt.step(); // b = 0.9 + 1 = 1.9
    expect(a.data[0]).toBeCloseTo(0.9 - 1.9, 5);
  });

  it('accepts any iterable of Tensors (generator, Set) and a single Tensor as a group', () => {
    const a = param([1]);
    const b = param([2]);
    function* gen() { yield a; yield b; }
    expect(new SGD(gen(), { lr: 1 }).paramGroups[0].params).toEqual([a, b]);
    expect(new SGD(new Set([a, b]), { lr: 1 }).paramGroups[0].params).toEqual([a, b]);
    expect(new SGD([{ params: a }], { lr: 1 }).paramGroups[0].params).toEqual([a]);
  });

  it('a gradient sharing memory with its parameter is read before the update', () => {
    const p = param([1, 2]);
    p.grad = new Tensor(p.data, p.shape);
    new SGD([p], { lr: 0.5, momentum: 0.9 }).step();
    expectClose(p.data, [0.5, 1], 1e-6, 0);
  });
});

describe('SGD argument errors', () => {
  const p = () => param([1, 2]);

  it.each([
    [{ lr: -0.1 }, RangeError, /SGD: invalid learning rate: expected lr >= 0, got -0.1/],
    [{ lr: NaN }, RangeError, /invalid learning rate/],
    [{ lr: 0.1, momentum: -0.9 }, RangeError, /invalid momentum value: expected momentum >= 0, got -0.9/],
    [{ lr: 0.1, weightDecay: -1e-4 }, RangeError, /invalid weight decay value: expected weightDecay >= 0, got -0.0001/],
    [{ lr: 0.1, nesterov: true }, RangeError, /Nesterov momentum requires a momentum and zero dampening/],
    [{ lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }, RangeError, /Nesterov momentum requires a momentum and zero dampening/],
    [{ lr: '0.1' }, TypeError, /SGD: expected lr to be a number, got '0.1'/],
    [{ lr: 0.1, momentum: null }, TypeError, /expected momentum to be a number, got null/],
    [{ lr: 0.1, dampening: '0' }, TypeError, /expected dampening to be a number/],
    [{ lr: 0.1, nesterov: 1 }, TypeError, /expected nesterov to be a boolean, got 1/],
    [{ lr: 0.1, maximize: 'yes' }, TypeError, /expected maximize to be a boolean/],
    [{ lr: 0.1, weight_decay: 0.1 }, TypeError, /unknown option 'weight_decay'; nodetorch spells it 'weightDecay'/],
    [{ lr: 0.1, momentun: 0.9 }, TypeError, /unknown option 'momentun'/],
    [{}, RangeError, /parameter group 0 didn't specify a value of required optimization parameter lr/],
  ] as [Record<string, unknown>, ErrorConstructor, RegExp][])('options %j -> %o', (options, type, message) => {
    expect(() => new SGD([p()], options as never)).toThrow(type);
    expect(() => new SGD([p()], options as never)).toThrow(message);
  });

  it('invalid options inside a parameter group name the group', () => {
    expect(() => new SGD([{ params: [p()] }, { params: [p()], lr: -1 }], { lr: 0.1 })).toThrow(/invalid learning rate in parameter group 1: expected lr >= 0, got -1/);
    expect(() => new SGD([{ params: [p()], momentum: 0, nesterov: true }], { lr: 0.1 })).toThrow(/Nesterov momentum requires a momentum and zero dampening \(parameter group 0\)/);
    expect(() => new SGD([{ params: [p()], weight_decay: 0.1 }], { lr: 0.1 })).toThrow(/unknown option 'weight_decay'; nodetorch spells it 'weightDecay'/);
    const opt = new SGD([p()], { lr: 0.1 });
    expect(() => opt.addParamGroup({ params: [p()], momentum: -1 })).toThrow(/invalid momentum value in parameter group 1/);
    expect(opt.paramGroups.length).toBe(1);
  });

  it('a parameter in two groups', () => {
    const a = p();
    expect(() => new SGD([{ params: [a] }, { params: [a, p()] }], { lr: 0.1 })).toThrow(new RangeError('SGD: some parameters appear in more than one parameter group'));
    const opt = new SGD([a], { lr: 0.1 });
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(/some parameters appear in more than one parameter group/);
  });

  it('an empty parameter list', () => {
    expect(() => new SGD([], { lr: 0.1 })).toThrow(new RangeError('SGD: optimizer got an empty parameter list'));
  });

  it('params that are not an iterable of Tensors or groups', () => {
    expect(() => new SGD(p() as never, { lr: 0.1 })).toThrow(/params argument given to the optimizer should be an iterable of Tensors or parameter groups, but got a Tensor/);
    expect(() => new SGD(3 as never, { lr: 0.1 })).toThrow(TypeError);
    expect(() => new SGD([p(), 3] as never, { lr: 0.1 })).toThrow(/optimizer can only optimize Tensors, but one of the params is 3/);
    expect(() => new SGD([{ params: 'w' }] as never, { lr: 0.1 })).toThrow(/parameter group 0: expected params to be a Tensor or an iterable of Tensors/);
    expect(() => new SGD([{ params: [p()] }, 5] as never, { lr: 0.1 })).toThrow(/a parameter group must be an object/);
    expect(() => new SGD([p()], null as never)).toThrow(/SGD: expected options to be an object, got null/);
  });

  it('non-float32 and non-leaf tensors', () => {
    const ints = new Tensor(new Float64Array([1, 2]), [2], 'int64');
    expect(() => new SGD([ints], { lr: 0.1 })).toThrow(/optimizer can only optimize float32 Tensors, got int64/);
    const nonLeaf = mul(p(), 2);
    expect(() => new SGD([nonLeaf], { lr: 0.1 })).toThrow(new RangeError("SGD: can't optimize a non-leaf Tensor"));
  });

  it('a grad of the wrong size or dtype, and a closure that is not a function', () => {
    const a = p();
    const opt = new SGD([a], { lr: 0.1 });
    a.grad = grad([1, 2, 3]);
    expect(() => opt.step()).toThrow(/SGD.step: a parameter in group 0 has shape \(2,\) but its grad has shape \(3,\)/);
    a.grad = new Tensor(new Float64Array([1, 2]), [2], 'int64');
    expect(() => opt.step()).toThrow(TypeError);
    a.grad = grad([1, 2]);
    expect(() => opt.step(5 as never)).toThrow(/SGD.step: expected closure to be a function, got 5/);
  });
});
