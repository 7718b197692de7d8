import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { tensor } from '../../src/creation.js';

describe('activation layers', () => {
  it('apply their functional op', () => {
    const x = tensor([[-1, 0.5]]);
    expect(new nn.ReLU().call(x).toArray()).toEqual([[0, 0.5]]);
    expect(new nn.LeakyReLU(0.5).call(x).toArray()).toEqual([[-0.5, 0.5]]);
    expect(new nn.Softmax(1).call(tensor([[0, 0]], { dtype: 'float32' })).toArray()).toEqual([[0.5, 0.5]]);
    expect(new nn.LogSoftmax(0).call(tensor([5], { dtype: 'float32' })).toArray()).toEqual([0]);
    expect(new nn.Sigmoid().call(tensor([0], { dtype: 'float32' })).item()).toBe(0.5);
    expect(new nn.Tanh().call(tensor([0], { dtype: 'float32' })).item()).toBe(0);
    expect(new nn.GELU().call(tensor([0], { dtype: 'float32' })).item()).toBe(0);
  });

  it('errors name the layer and the argument', () => {
    expect(() => new nn.Softmax(undefined as never)).toThrow(/Softmax: expected dim to be an integer, got undefined/);
    expect(() => new nn.LogSoftmax(1.5)).toThrow(/LogSoftmax: expected dim to be an integer, got 1.5/);
    expect(() => new nn.GELU({ approximate: 'erf' as never })).toThrow(/GELU: expected approximate to be 'none' or 'tanh', got 'erf'/);
    expect(() => new nn.LeakyReLU('a' as never)).toThrow(/LeakyReLU: expected negativeSlope to be a number, got 'a'$/);
    expect(() => new nn.Softmax(2).call(tensor([[1]], { dtype: 'float32' }))).toThrow(/softmax: dimension out of range/);
  });
});
