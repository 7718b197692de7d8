import { describe, expect, it } from 'vitest';
import { maxPool1d } from '../../src/ops/max-pool1d.js';
import { tensor, randperm, zeros } from '../../src/creation.js';
import { Tensor } from '../../src/tensor.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';

/** Distinct values spaced 0.1 apart (no ties within eps of each other), shuffled. */
function distinct(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const p = randperm(n, { generator: new Generator(seed) });
  return new Tensor(Float32Array.from(p.data, (v) => v * 0.1 - n * 0.05), shape).requiresGrad_();
}

describe('maxPool1d', () => {
  itMatchesPyTorchNn('maxPool1d', ([x], a) =>
    maxPool1d(x, a.kernelSize, { stride: a.stride, padding: a.padding, dilation: a.dilation, ceilMode: a.ceilMode, returnIndices: true }),
  );

  it('gradcheck (distinct values so the argmax is stable)', () => {
    gradcheck((x) => maxPool1d(x, 3, { stride: 2, padding: 1 }), [distinct([2, 3, 10], 1)]);
    gradcheck((x) => maxPool1d(x, 3, { stride: 1, padding: 1, dilation: 2 }), [distinct([1, 2, 9], 2)]);
    gradcheck((x) => maxPool1d(x, 2, { ceilMode: true }), [distinct([2, 5], 3)]);
  });

  it('without returnIndices gives one tensor; stride defaults to the kernel size', () => {
    const y = maxPool1d(tensor([[[1, 5, 2, 4, 3, 0]]], { dtype: 'float32' }), 2);
    expect(y).toBeInstanceOf(Tensor);
    expect(y.toArray()).toEqual([[[5, 4, 3]]]);
  });

  it('errors name the op, the argument, expected and actual', () => {
    const x = zeros([2, 3, 10]);
    expect(() => maxPool1d(x, 3, { padding: 2 })).toThrow(RangeError);
    expect(() => maxPool1d(x, 3, { padding: 2 })).toThrow(/maxPool1d: padding should be at most half of kernel size, but got padding=2 and kernelSize=3/);
    expect(() => maxPool1d(x, 20)).toThrow(/maxPool1d: calculated output size 0 is too small for input of shape \(2, 3, 10\)/);
    expect(() => maxPool1d(zeros([2, 3, 4, 5]), 2)).toThrow(/maxPool1d: expected 2D \(C, L\) or 3D \(N, C, L\) input, got input of shape \(2, 3, 4, 5\)/);
    expect(() => maxPool1d(x, 0)).toThrow(/maxPool1d: expected kernelSize to be >= 1, got 0/);
    expect(() => maxPool1d(x, 2, { stride: 0 })).toThrow(/maxPool1d: expected stride to be >= 1, got 0/);
    expect(() => maxPool1d(x, 2.5)).toThrow(TypeError);
    expect(() => maxPool1d(x, [2, 2])).toThrow(/maxPool1d: expected kernelSize to be an integer or a 1-element array of one, got \[2, 2\]/);
    expect(() => maxPool1d(zeros([2, 0, 4]), 2)).toThrow(/maxPool1d: expected input with non-zero size for non-batch dimensions, got \(2, 0, 4\)/);
    expect(() => maxPool1d(tensor([[1, 2]], { dtype: 'int64' }), 2)).toThrow(/maxPool1d: expected a float32 tensor, got int64/);
  });
});

describe('maxPool1d against a scalar reference on special values', () => {
  /** The plain definition: max over in-bounds window elements, first max wins, NaN wins (last NaN). */
  function reference(x: Float32Array, rows: number, l: number, k: number, stride: number, padding: number, dilation: number, lOut: number) {
    const y = new Float32Array(rows * lOut);
    const idx: number[] = [];
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < lOut; o++) {
        let m = -Infinity;
        let best = -1;
        for (let j = 0; j < k; j++) {
          const p = o * stride - padding + j * dilation;
          if (p < 0 || p >= l) continue;
          if (best < 0) best = p;
          const v = x[r * l + p];
          if (v > m || Number.isNaN(v)) {
            m = v;
            best = p;
          }
        }
        y[r * lOut + o] = m;
        idx.push(best);
      }
    }
    return { y, idx };
  }

  it('matches bit for bit (values, -0, NaN) and index for index', () => {
    const g = new Generator(42);
    const specials = [0, -0, Number.NaN, Infinity, -Infinity, 1, 1, -1];
    for (let trial = 0; trial < 60; trial++) {
      const rows = 1 + g.randint(0, 3);
      const l = 1 + g.randint(0, 12);
      const k = 1 + g.randint(0, 4);
      const dilation = 1 + g.randint(0, 2);
      const stride = 1 + g.randint(0, 3);
      const padding = g.randint(0, Math.floor(k / 2) + 1);
      const ceilMode = g.random() < 0.5;
      const x = new Float32Array(rows * l);
      const bits = new Int32Array(x.buffer);
      for (let i = 0; i < x.length; i++) {
        x[i] = g.random() < 0.4 ? specials[g.randint(0, specials.length)] : Math.round(g.normal() * 4) / 4;
        if (Number.isNaN(x[i]) && g.random() < 0.5) bits[i] = 0xffc00000 | 0; // a NaN with the sign bit set
      }
      let res: [Tensor, Tensor];
      try {
        res = maxPool1d(new Tensor(x, [rows, l]), k, { stride, padding, dilation, ceilMode, returnIndices: true });
      } catch {
        continue; // window too large for this length
      }
      const [y, idx] = res;
      const want = reference(x, rows, l, k, stride, padding, dilation, y.shape[1]);
      const label = `trial ${trial}: l=${l} k=${k} s=${stride} p=${padding} d=${dilation} ceil=${ceilMode}`;
      expect(Array.from(idx.data), label).toEqual(want.idx);
      for (let i = 0; i < want.y.length; i++) {
        const a = y.data[i];
        const e = want.y[i];
        expect(Number.isNaN(a) ? 'NaN' : Object.is(a, -0) ? '-0' : a, `${label} output ${i}`).toEqual(Number.isNaN(e) ? 'NaN' : Object.is(e, -0) ? '-0' : e);
      }
    }
  });
});
