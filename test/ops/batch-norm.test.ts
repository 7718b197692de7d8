import { describe, expect, it } from 'vitest';
import { batchNorm } from '../../src/ops/batch-norm.js';
import { randn, rand, zeros, ones, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';
import '../../src/ops/methods.js';

describe('batchNorm', () => {
  // Fixture outputs: [y, runningMean after, runningVar after] (the running stats are updated in place).
  itMatchesPyTorchNn('batchNorm', (ins, a) => {
    const x = ins[0];
    const [w, b] = a.affine ? [ins[1], ins[2]] : [null, null];
    const [rm, rv] = a.running ? [ins[ins.length - 2], ins[ins.length - 1]] : [null, null];
    const y = batchNorm(x, rm, rv, { weight: w, bias: b, training: a.training, momentum: a.momentum, eps: a.eps });
    return rm && rv ? [y, rm, rv] : y;
  }, { rtol: 1e-5, atol: 1e-5 });

  it('gradcheck in training (batch statistics) and in eval (running statistics)', () => {
    const g = new Generator(16);
    const x = randn([3, 2, 4], { generator: g }).requiresGrad_();
    const w = rand([2], { generator: g }).add(0.5).detach().requiresGrad_();
    const b = randn([2], { generator: g }).requiresGrad_();
    gradcheck((xx, ww, bb) => batchNorm(xx, null, null, { weight: ww, bias: bb, training: true }), [x, w, b]);
    const rm = randn([2], { generator: g });
    const rv = rand([2], { generator: g }).add(0.5).detach();
    gradcheck((xx, ww, bb) => batchNorm(xx, rm, rv, { weight: ww, bias: bb, training: false }), [x, w, b]);
  });

  it('updates running statistics with the unbiased variance', () => {
    const x = tensor([[1], [3]], { dtype: 'float32' }); // one channel, values 1 and 3: mean 2, biased var 1, unbiased var 2
    const rm = zeros([1]);
    const rv = ones([1]);
    const y = batchNorm(x, rm, rv, { training: true, momentum: 0.5, eps: 0 });
    expect(y.toArray()).toEqual([[-1], [1]]);
    expect(rm.item()).toBe(1);
    expect(rv.item()).toBe(1.5);
  });

  it('errors name the op, the argument, expected and actual', () => {
    expect(() => batchNorm(randn([1, 3]), zeros([3]), ones([3]), { training: true })).toThrow(
      /batchNorm: expected more than 1 value per channel when training, got input of shape \(1, 3\)/,
    );
    expect(() => batchNorm(randn([2, 3]), null, null, { training: false })).toThrow(/batchNorm: runningMean and runningVar must be defined in evaluation mode/);
    expect(() => batchNorm(randn([2, 3]), zeros([4]), ones([4]))).toThrow(/batchNorm: expected runningMean of shape \(3,\), got \(4,\)/);
    expect(() => batchNorm(randn([2, 3]), zeros([3]), ones([3]), { weight: ones([2]) })).toThrow(/batchNorm: expected weight of shape \(3,\), got \(2,\)/);
    expect(() => batchNorm(randn([3]), zeros([3]), ones([3]))).toThrow(/batchNorm: expected input of shape \(N, C\) or \(N, C, L\), got \(3,\)/);
    expect(() => batchNorm(randn([2, 3]), zeros([3]), null)).toThrow(TypeError);
  });
});
