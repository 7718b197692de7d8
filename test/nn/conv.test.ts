import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { randn, zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { setBackend } from '../../src/backend/select.js';
import { gradcheck } from '../helpers/gradcheck.js';

describe('nn.Conv1d', () => {
  it('parameters have PyTorch shapes; padding same keeps the length (odd and even kernels)', () => {
    const c = new nn.Conv1d(4, 6, 3, { groups: 2 });
    expect(c.weight.shape).toEqual([6, 2, 3]);
    expect(c.bias!.shape).toEqual([6]);
    for (const k of [3, 4]) {
      const s = new nn.Conv1d(2, 3, k, { padding: 'same' });
      expect(s.call(randn([1, 2, 9])).shape).toEqual([1, 3, 9]);
    }
    expect(new nn.Conv1d(1, 1, [5], { bias: false }).bias).toBeNull();
  });

  it('gradcheck through the layer (ref backend)', () => {
    setBackend('ref');
    const c = new nn.Conv1d(2, 4, 3, { padding: 'same', groups: 2, dilation: 2, generator: new Generator(4) });
    const x = randn([2, 2, 7], { generator: new Generator(5) }).requiresGrad_();
    gradcheck((t, w, b) => nn.functional.conv1d(t, w, b, { padding: 'same', groups: 2, dilation: 2 }), [x, c.weight, c.bias!]);
  });

  it('errors name the layer, the argument, expected and actual', () => {
    const c = new nn.Conv1d(3, 4, 3);
    expect(() => c.call(zeros([2, 4, 10]))).toThrow(RangeError);
    expect(() => c.call(zeros([2, 4, 10]))).toThrow('Conv1d: expected input of shape (N, C_in=3, L) or (C_in=3, L), got (2, 4, 10)');
    expect(() => c.call(zeros([3]))).toThrow(/Conv1d: expected input of shape \(N, C_in=3, L\) or \(C_in=3, L\), got \(3,\)/);
    expect(() => new nn.Conv1d(3, 4, 3, { groups: 2 })).toThrow(/Conv1d: inChannels must be divisible by groups, got inChannels=3, groups=2/);
    expect(() => new nn.Conv1d(4, 3, 3, { groups: 2 })).toThrow(/Conv1d: outChannels must be divisible by groups, got outChannels=3, groups=2/);
    expect(() => new nn.Conv1d(4, 4, 3, { groups: 0 })).toThrow(/Conv1d: groups must be a positive integer, got 0/);
    expect(() => new nn.Conv1d(1, 1, 3, { padding: 'full' as never })).toThrow(/Conv1d: invalid padding string 'full', should be one of 'valid', 'same'/);
    expect(() => new nn.Conv1d(1, 1, 3, { padding: 'same', stride: 2 })).toThrow(/Conv1d: padding='same' is not supported for strided convolutions, got stride=2/);
    expect(() => new nn.Conv1d(1, 1, 0)).toThrow(/Conv1d: expected kernelSize to be >= 1, got 0/);
    expect(() => new nn.Conv1d(1, 1, 3, { stride: 1.5 })).toThrow(TypeError);
  });
});
