import { describe, expect, it } from 'vitest';
import { maxPool2d } from '../../src/ops/max-pool2d.js';
import { avgPool2d } from '../../src/ops/avg-pool2d.js';
import { adaptiveAvgPool2d } from '../../src/ops/adaptive-avg-pool2d.js';
import { randn, randperm, tensor, zeros } from '../../src/creation.js';
import { Tensor } from '../../src/tensor.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';

const FIXTURE = 'nn2d.json';

/** Distinct values spaced 0.1 apart (no ties within eps of each other), shuffled. */
function distinct(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const p = randperm(n, { generator: new Generator(seed) });
  return new Tensor(Float32Array.from(p.data, (v) => v * 0.1 - n * 0.05), shape).requiresGrad_();
}

describe('maxPool2d', () => {
  itMatchesPyTorchNn('maxPool2d', ([x], a) => maxPool2d(x!, a.kernelSize, { ...a, returnIndices: true }), {}, FIXTURE);

  it('gradcheck (distinct values so the argmax is stable)', () => {
    gradcheck((x) => maxPool2d(x, 3, { stride: 2, padding: 1 }), [distinct([2, 2, 7, 6], 1)]);
    gradcheck((x) => maxPool2d(x, [2, 3], { dilation: [2, 1], ceilMode: true }), [distinct([1, 2, 7, 8], 2)]);
  });

  it('stride defaults to the kernel size; without returnIndices gives one tensor', () => {
    const y = maxPool2d(tensor([[[1, 5, 2, 0], [4, 3, 0, 7]]], { dtype: 'float32' }), 2);
    expect(y).toBeInstanceOf(Tensor);
    expect(y.toArray()).toEqual([[[5, 7]]]);
  });

  it('errors name the op, the argument, expected and actual', () => {
    const x = zeros([2, 3, 8, 8]);
    expect(() => maxPool2d(x, 3, { padding: 2 })).toThrow(/maxPool2d: padding should be at most half of kernel size, but got padding=2 and kernelSize=3/);
    expect(() => maxPool2d(x, [2, 9])).toThrow(/maxPool2d: calculated output size 0 is too small for input of shape \(2, 3, 8, 8\)/);
    expect(() => maxPool2d(zeros([3, 8]), 2)).toThrow('maxPool2d: expected 3D (C, H, W) or 4D (N, C, H, W) input, got input of shape (3, 8)');
    expect(() => maxPool2d(x, 0)).toThrow(/maxPool2d: expected kernelSize to be >= 1, got 0/);
    expect(() => maxPool2d(x, [2, 2, 2] as never)).toThrow(TypeError);
    expect(() => maxPool2d(zeros([2, 3, 0, 8]), 2)).toThrow(/maxPool2d: expected input with non-zero size for non-batch dimensions/);
  });

  it('rejects a dilated window that lies wholly in the padding (its max and argmax would be garbage)', () => {
    // W = 1, kernel 2, padding 1, dilation 2: the one window's taps are at -1 and 1, both outside the input.
    expect(() => maxPool2d(zeros([1, 1, 3, 1]), [1, 2], { padding: [0, 1], dilation: [1, 2] })).toThrow(
      new RangeError('maxPool2d: expected every pooling window to cover an input element, got window 0 of dim 3 (size 1, kernelSize=2, padding=1, dilation=2) lying wholly in the padding'));
    // H = 2, dilation 3: taps -1 and 2; H = 3 puts the second tap inside, so it runs.
    expect(() => maxPool2d(zeros([1, 2, 1]), [2, 1], { padding: [1, 0], dilation: [3, 1] })).toThrow(/window 0 of dim 1 /);
    expect(maxPool2d(zeros([1, 3, 1]), [2, 1], { padding: [1, 0], dilation: [3, 1] }).shape).toEqual([1, 1, 1]);
  });
});

describe('avgPool2d', () => {
  itMatchesPyTorchNn('avgPool2d', ([x], a) => avgPool2d(x!, a.kernelSize, a), {}, FIXTURE);

  it('gradcheck', () => {
    const x = randn([2, 2, 7, 6], { generator: new Generator(3) }).requiresGrad_();
    gradcheck((t) => avgPool2d(t, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [x]);
    gradcheck((t) => avgPool2d(t, [2, 3], { divisorOverride: 4 }), [x]);
  });

  it('errors name the op', () => {
    expect(() => avgPool2d(zeros([1, 1, 4, 4]), 2, { divisorOverride: 0 })).toThrow('avgPool2d: divisor must be not zero');
    expect(() => avgPool2d(zeros([1, 1, 4, 4]), 2, { padding: 2 })).toThrow(/avgPool2d: padding should be at most half of kernel size/);
  });
});

describe('adaptiveAvgPool2d', () => {
  itMatchesPyTorchNn('adaptiveAvgPool2d', ([x], a) => adaptiveAvgPool2d(x!, a.outputSize), {}, FIXTURE);

  it('gradcheck with overlapping windows', () => {
    gradcheck((t) => adaptiveAvgPool2d(t, [3, 4]), [randn([1, 2, 7, 5], { generator: new Generator(4) }).requiresGrad_()]);
  });

  it('errors name the op', () => {
    expect(() => adaptiveAvgPool2d(zeros([1, 1, 4, 4]), -1)).toThrow(/adaptiveAvgPool2d: expected outputSize to be a non-negative integer or a pair of them/);
    expect(() => adaptiveAvgPool2d(zeros([4, 4]), 1)).toThrow(/adaptiveAvgPool2d: expected 3D \(C, H, W\) or 4D \(N, C, H, W\) input/);
  });
});
