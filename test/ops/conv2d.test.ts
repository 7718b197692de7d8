import { describe, expect, it } from 'vitest';
import { conv2d } from '../../src/ops/conv2d.js';
import { convTranspose1d } from '../../src/ops/conv-transpose1d.js';
import { convTranspose2d } from '../../src/ops/conv-transpose2d.js';
import { randn, zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { setBackend } from '../../src/backend/select.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';

const FIXTURE = 'nn2d.json';
const TOL = { rtol: 1e-5, atol: 1e-5 };
const r = (shape: number[], seed: number) => randn(shape, { generator: new Generator(seed) }).requiresGrad_();

describe('conv2d', () => {
  itMatchesPyTorchNn('conv2d', ([x, w, b], a) => conv2d(x!, w!, b ?? null, a), TOL, FIXTURE);

  it('gradcheck: stride, padding, dilation, groups, same padding with an even kernel (ref backend)', () => {
    setBackend('ref');
    gradcheck((x, w, b) => conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 }),
      [r([2, 4, 7, 8], 1), r([6, 2, 3, 2], 2), r([6], 3)]);
    gradcheck((x, w) => conv2d(x, w, null, { padding: 'same' }), [r([1, 2, 5, 6], 4), r([3, 2, 4, 3], 5)]);
  });

  it('errors name the op and use PyTorch wording', () => {
    const x = zeros([2, 3, 8, 8]);
    expect(() => conv2d(x, zeros([4, 2, 3, 3]))).toThrow('conv2d: Given groups=1, weight of size (4, 2, 3, 3), expected input(2, 3, 8, 8) to have 2 channels, but got 3 channels instead');
    expect(() => conv2d(x, zeros([3, 1, 3, 3]), null, { groups: 2 })).toThrow(RangeError);
    expect(() => conv2d(x, zeros([4, 3, 3, 3]), zeros([3]))).toThrow(/conv2d: Given weight of size \(4, 3, 3, 3\), expected bias to be 1-dimensional with 4 elements/);
    expect(() => conv2d(x, zeros([4, 3, 9, 3]))).toThrow("conv2d: Calculated padded input size per channel: (8 x 8). Kernel size: (9 x 3). Kernel size can't be greater than actual input size");
    expect(() => conv2d(x, zeros([4, 3, 3, 3]), null, { padding: 'same', stride: 2 })).toThrow("conv2d: padding='same' is not supported for strided convolutions");
    expect(() => conv2d(x, zeros([4, 3, 3, 3]), null, { stride: 0 })).toThrow(/conv2d: expected stride to be >= 1/);
    expect(() => conv2d(x, zeros([4, 3, 3, 3]), null, { stride: [1, 2, 3] as never })).toThrow(TypeError);
    expect(() => conv2d(zeros([3, 8]), zeros([4, 3, 3, 3]))).toThrow('conv2d: expected 3D (unbatched) or 4D (batched) input, got input of shape (3, 8)');
    expect(() => conv2d(x, zeros([4, 3, 3]))).toThrow('conv2d: expected 4D weight, got weight of shape (4, 3, 3)');
    expect(() => conv2d('x' as never, zeros([4, 3, 3, 3]))).toThrow(TypeError);
  });
});

describe('convTranspose2d', () => {
  itMatchesPyTorchNn('convTranspose2d', ([x, w, b], a) => convTranspose2d(x!, w!, b ?? null, a), TOL, FIXTURE);

  it('gradcheck with stride, output padding, groups and dilation (ref backend)', () => {
    setBackend('ref');
    gradcheck((x, w, b) => convTranspose2d(x, w, b, { stride: [2, 3], padding: 1, outputPadding: [1, 2], groups: 2, dilation: [2, 1] }),
      [r([2, 4, 3, 3], 6), r([4, 1, 3, 2], 7), r([2], 8)]);
  });

  it('is the adjoint of conv2d: <conv2d(x), y> = <x, convTranspose2d(y)>', () => {
    const x = randn([2, 3, 7, 6], { generator: new Generator(9) });
    const w = randn([4, 3, 3, 2], { generator: new Generator(10) });
    const opts = { stride: 2, padding: 1, dilation: [1, 2] as [number, number] };
    const y = conv2d(x, w, null, opts);
    const u = randn(y.shape, { generator: new Generator(11) });
    // H: (4 - 1) * 2 - 2 + 2 + 1 + 1 = 7; W: (3 - 1) * 2 - 2 + 2 + 1 + 1 = 6 (outputPadding recovers the size).
    const xt = convTranspose2d(u, w, null, { ...opts, outputPadding: [0, 1] });
    expect(xt.shape).toEqual(x.shape);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
    expect(dot(y.data as Float32Array, u.data as Float32Array)).toBeCloseTo(dot(x.data as Float32Array, xt.data as Float32Array), 3);
  });

  it('errors name the op', () => {
    expect(() => convTranspose2d(zeros([1, 3, 4, 4]), zeros([2, 2, 3, 3]))).toThrow(/convTranspose2d: Given transposed=1, weight of size \(2, 2, 3, 3\), expected input\(1, 3, 4, 4\) to have 2 channels/);
    expect(() => convTranspose2d(zeros([1, 2, 4, 4]), zeros([2, 2, 3, 3]), null, { outputPadding: 1 })).toThrow('convTranspose2d: output padding must be smaller than stride, but got outputPadding=[1, 1] and stride=[1, 1]');
    expect(() => convTranspose2d(zeros([1, 2, 1, 1]), zeros([2, 2, 1, 1]), null, { padding: 1 })).toThrow(/convTranspose2d: Given input size per channel: \(1 x 1\). Calculated output size per channel: \(-1 x -1\). Output size is too small/);
  });
});

describe('convTranspose1d', () => {
  itMatchesPyTorchNn('convTranspose1d', ([x, w, b], a) => convTranspose1d(x!, w!, b ?? null, a), TOL, FIXTURE);

  it('gradcheck (ref backend)', () => {
    setBackend('ref');
    gradcheck((x, w, b) => convTranspose1d(x, w, b, { stride: 2, padding: 1, outputPadding: 1, dilation: 2 }),
      [r([2, 3, 5], 12), r([3, 2, 3], 13), r([2], 14)]);
  });

  it('errors name the op', () => {
    expect(() => convTranspose1d(zeros([1, 2, 4, 4]), zeros([2, 2, 3]))).toThrow('convTranspose1d: expected 2D (unbatched) or 3D (batched) input, got input of shape (1, 2, 4, 4)');
    expect(() => convTranspose1d(zeros([1, 2, 4]), zeros([2, 2, 3, 3]))).toThrow('convTranspose1d: expected 3D weight, got weight of shape (2, 2, 3, 3)');
  });
});
