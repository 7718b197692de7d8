import { describe, expect, it } from 'vitest';
import { avgPool1d } from '../../src/ops/avg-pool1d.js';
import { tensor, randn, zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';

describe('avgPool1d', () => {
  itMatchesPyTorchNn('avgPool1d', ([x], a) =>
    avgPool1d(x, a.kernelSize, { stride: a.stride, padding: a.padding, ceilMode: a.ceilMode, countIncludePad: a.countIncludePad }),
  );

  it('gradcheck', () => {
    const x = () => randn([2, 2, 7], { generator: new Generator(12) }).requiresGrad_();
    gradcheck((t) => avgPool1d(t, 3, { stride: 2, padding: 1 }), [x()]);
    gradcheck((t) => avgPool1d(t, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [x()]);
  });

  it('countIncludePad decides the divisor at the borders', () => {
    const x = tensor([[[3, 3, 3]]], { dtype: 'float32' });
    expect(avgPool1d(x, 3, { stride: 1, padding: 1 }).toArray()).toEqual([[[2, 3, 2]]]);
    expect(avgPool1d(x, 3, { stride: 1, padding: 1, countIncludePad: false }).toArray()).toEqual([[[3, 3, 3]]]);
  });

  it('errors name the op, the argument, expected and actual', () => {
    expect(() => avgPool1d(zeros([1, 2, 10]), 3, { padding: 2 })).toThrow(/avgPool1d: padding should be at most half of kernel size, but got padding=2 and kernelSize=3/);
    expect(() => avgPool1d(zeros([1, 2, 2]), 3)).toThrow(/avgPool1d: calculated output size 0 is too small for input of shape \(1, 2, 2\)/);
    expect(() => avgPool1d(zeros([4]), 2)).toThrow(/avgPool1d: expected 2D \(C, L\) or 3D \(N, C, L\) input, got input of shape \(4,\)/);
    expect(() => avgPool1d(zeros([1, 2, 4]), 2, { padding: -1 })).toThrow(/avgPool1d: expected padding to be >= 0, got -1/);
  });
});
