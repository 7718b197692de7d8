/** The ref backend against values computed by PyTorch 1.13 (test/fixtures/kernels.json). */
import { describe, expect, it } from 'vitest';
import { refBackend } from '../../src/backend/ref/index.js';
import { expectClose } from '../helpers/allclose.js';
import { loadFixture } from '../helpers/fixtures.js';

const fx = loadFixture('kernels.json');
const f32 = (a: number[]) => Float32Array.from(a);

describe('ref backend vs PyTorch', () => {
  for (const c of fx.matmul) {
    it(`matmul m=${c.m} n=${c.n} k=${c.k} transA=${c.transA} transB=${c.transB} alpha=${c.alpha} beta=${c.beta}`, () => {
      const out = f32(c.c);
      refBackend.matmul(f32(c.a), f32(c.b), out, c);
      expectClose(out, c.out, 1e-5, 1e-6);
    });
  }

  for (const c of fx.conv1d) {
    const label = `n=${c.n} cIn=${c.cIn} cOut=${c.cOut} l=${c.l} k=${c.k} s=${c.stride} p=${c.padding} d=${c.dilation} g=${c.groups}`;
    it(`conv1d forward/backward ${label}`, () => {
      const y = new Float32Array(c.y.length);
      refBackend.conv1dForward(f32(c.x), f32(c.w), f32(c.bias), y, c);
      expectClose(y, c.y, 1e-5, 1e-5, 'y');
      // The fused relu epilogue is exactly reluForward of the plain output (so relu(conv) of PyTorch).
      const yRelu = new Float32Array(c.y.length);
      refBackend.conv1dForward(f32(c.x), f32(c.w), f32(c.bias), yRelu, { ...c, relu: true });
      const want = new Float32Array(c.y.length);
      refBackend.reluForward(y, want);
      expect(Array.from(yRelu)).toEqual(Array.from(want));
      expect(y.some((v) => v < 0)).toBe(true); // the case exercises the relu
      const gx = new Float32Array(c.x.length);
      refBackend.conv1dBackwardInput(f32(c.gy), f32(c.w), gx, null, c);
      expectClose(gx, c.gx, 1e-5, 1e-5, 'gx');
      // With acc: exactly add(acc, gx) (one float32 rounding), also in place.
      const acc = Float32Array.from(c.x, (v: number) => v * 3 - 1);
      const summed = acc.slice();
      refBackend.conv1dBackwardInput(f32(c.gy), f32(c.w), summed, summed, c);
      expect(Array.from(summed)).toEqual(Array.from(gx, (v, i) => Math.fround(acc[i]! + v)));
      const gw = new Float32Array(c.w.length);
      const gb = new Float32Array(c.cOut);
      refBackend.conv1dBackwardWeight(f32(c.x), f32(c.gy), gw, gb, c);
      expectClose(gw, c.gw, 1e-5, 1e-5, 'gw');
      expectClose(gb, c.gb, 1e-5, 1e-5, 'gb');
    });
  }

  for (const c of fx.sgd) {
    it(`sgd lr=${c.lr} momentum=${c.momentum} dampening=${c.dampening} wd=${c.weightDecay} nesterov=${c.nesterov} maximize=${c.maximize}`, () => {
      const p = f32(c.param);
      const buf = new Float32Array(p.length);
      c.grads.forEach((g: number[], step: number) => {
        refBackend.sgdStep(p, f32(g), c.momentum !== 0 ? buf : null, { ...c, firstStep: step === 0 });
        expectClose(p, c.params[step], 0, 0, `step ${step} (bit-exact)`);
      });
    });
  }
});
