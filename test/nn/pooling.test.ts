import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { tensor, zeros } from '../../src/creation.js';
import { Tensor } from '../../src/tensor.js';

describe('pooling layers', () => {
  it('MaxPool1d returns [values, indices] only with returnIndices', () => {
    const x = tensor([[[1, 3, 2, 5]]], { dtype: 'float32' });
    const plain = new nn.MaxPool1d(2).call(x);
    expect(plain).toBeInstanceOf(Tensor);
    const [v, i] = new nn.MaxPool1d(2, { returnIndices: true }).call(x);
    expect(v.toArray()).toEqual([[[3, 5]]]);
    expect(i.dtype).toBe('int64');
    expect(i.toArray()).toEqual([[[1, 3]]]);
    const [av, ai] = new nn.AdaptiveMaxPool1d(1, { returnIndices: true }).call(x);
    expect(av.item()).toBe(5);
    expect(ai.item()).toBe(3);
  });

  it('stride defaults to the kernel size', () => {
    expect(new nn.MaxPool1d(3).stride).toBe(3);
    expect(new nn.AvgPool1d([2]).stride).toBe(2);
    expect(new nn.AvgPool1d(2).call(tensor([[1, 3, 5, 7]], { dtype: 'float32' })).toArray()).toEqual([[2, 6]]);
    expect(new nn.AdaptiveAvgPool1d(2).call(tensor([[1, 3, 5, 7]], { dtype: 'float32' })).toArray()).toEqual([[2, 6]]);
  });

  it('errors name the layer or op, the argument, expected and actual', () => {
    expect(() => new nn.MaxPool1d(0)).toThrow(/MaxPool1d: expected kernelSize to be >= 1, got 0/);
    expect(() => new nn.AvgPool1d(2, { padding: -1 })).toThrow(/AvgPool1d: expected padding to be >= 0, got -1/);
    expect(() => new nn.AdaptiveAvgPool1d(1.5)).toThrow(/AdaptiveAvgPool1d: expected outputSize to be an integer/);
    expect(() => new nn.MaxPool1d(3, { padding: 2 }).call(zeros([1, 1, 8]))).toThrow(/maxPool1d: padding should be at most half of kernel size, but got padding=2 and kernelSize=3/);
  });
});
