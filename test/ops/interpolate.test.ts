import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/ops/interpolate.js';
import { dropout2d } from '../../src/ops/dropout2d.js';
import { ones, randn, zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { sum } from '../../src/ops/sum.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';

describe('interpolate', () => {
  itMatchesPyTorchNn('interpolate', ([x], a) => interpolate(x!, a as never), { rtol: 1e-5, atol: 1e-5 }, 'nn2d.json');

  it('gradcheck, bilinear with and without alignCorners', () => {
    const x = randn([1, 2, 3, 4], { generator: new Generator(1) }).requiresGrad_();
    gradcheck((t) => interpolate(t, { size: [5, 7], mode: 'bilinear', alignCorners: true }), [x]);
    gradcheck((t) => interpolate(t, { scaleFactor: 1.5, mode: 'bilinear' }), [x]);
    gradcheck((t) => interpolate(t, { size: [2, 9] }), [x]);
  });

  it('errors use PyTorch wording', () => {
    const x = zeros([1, 1, 2, 2]);
    expect(() => interpolate(x, {})).toThrow('interpolate: either size or scale_factor should be defined');
    expect(() => interpolate(x, { size: 3, scaleFactor: 2 })).toThrow('interpolate: only one of size or scale_factor should be defined');
    expect(() => interpolate(x, { size: 3, alignCorners: true })).toThrow(/interpolate: align_corners option can only be set with the interpolating modes/);
    expect(() => interpolate(x, { size: 3, mode: 'bicubic' as never })).toThrow(/interpolate: mode 'bicubic' is not supported/);
    expect(() => interpolate(zeros([2, 2]), { size: 3 })).toThrow('interpolate: expected 4D (N, C, H, W) input, got input of shape (2, 2)');
    expect(() => interpolate(x, { scaleFactor: 0.1 })).toThrow(/interpolate: input and output sizes should be greater than 0/);
    expect(() => interpolate(x, { size: 1.5 })).toThrow(TypeError);
  });
});

describe('dropout2d', () => {
  it('zeroes whole channels and scales the kept ones by 1 / (1 - p); eval and p = 0 return the input', () => {
    const x = ones([8, 16, 3, 5]).requiresGrad_();
    const y = dropout2d(x, 0.5, true, new Generator(3));
    const yd = y.data as Float32Array;
    let kept = 0;
    for (let pl = 0; pl < 8 * 16; pl++) {
      const v = yd[pl * 15]!;
      expect(v === 0 || v === 2, `plane ${pl}`).toBe(true);
      for (let j = 1; j < 15; j++) expect(yd[pl * 15 + j], `plane ${pl} is one value`).toBe(v);
      if (v === 2) kept++;
    }
    expect(kept).toBeGreaterThan(40);
    expect(kept).toBeLessThan(88);
    sum(y).backward();
    expect(Array.from(x.grad!.data)).toEqual(Array.from(yd));
    expect(dropout2d(x, 0.5, false)).toBe(x);
    expect(dropout2d(x, 0)).toBe(x);
    expect(Array.from(dropout2d(x, 1).data).every((v) => v === 0)).toBe(true);
    expect(() => dropout2d(x, 1.5)).toThrow('dropout2d: dropout probability has to be between 0 and 1, but got 1.5');
    expect(() => dropout2d(zeros([2, 3]), 0.5)).toThrow(/dropout2d: expected 3D \(C, H, W\) or 4D \(N, C, H, W\) input/);
  });
});
