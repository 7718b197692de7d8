/**
 * The native conv2d kernels give bit-identical results on 1, 2 and 3 threads: their column blocks and
 * weight-gradient chunks depend on the shapes only (native/kernels/conv2d-common.h, conv2d-backward-weight.cc).
 * The shapes cover the direct weight-gradient path (few input channels), the GEMM path, batches split into
 * at least 8 blocks (the CNN example's first conv: 32 items), blocks with a short last one, and batch 1;
 * the direct forward / backward-input kernel (conv2d-direct.cc) splits images, or output rows when there are
 * fewer images x groups than threads, and each output is the same sum either way; the direct weight gradient
 * (conv2d-direct-weight.cc) splits batch chunks, or taps when there are fewer chunks than threads.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { convOutLength, type Backend, type Conv2dParams } from '../../src/backend/backend.js';
import { testBackends } from '../helpers/backends.js';
import { randomArray } from '../helpers/random.js';
import { loadNativeAddon, setNativeThreads } from '../../src/backend/native.js';

function conv2d(n: number, cIn: number, cOut: number, hw: number, groups = 1, stride = 1): Conv2dParams {
  const out = convOutLength(hw, 3, stride, 1, 1);
  return {
    n, cIn, cOut, inH: hw, inW: hw, kH: 3, kW: 3, strideH: stride, strideW: stride, padH: 1, padW: 1,
    dilationH: 1, dilationW: 1, groups, outH: out, outW: out, relu: false,
  };
}

const CASES: Conv2dParams[] = [
  conv2d(32, 1, 16, 28), // the CNN example's first conv: direct weight gradient, 8 blocks of 4 images
  conv2d(19, 3, 8, 9), // direct path, 19 items in 8 chunks
  conv2d(32, 16, 32, 14), // the CNN example's second conv: direct forward and backward-input, GEMM weight gradient
  conv2d(19, 8, 6, 2), // GEMM path, blocks of 3 images and a short last one
  conv2d(1, 4, 6, 11, 2, 2), // batch 1, groups, stride 2
  conv2d(1, 16, 20, 9), // direct kernel at batch 1: output rows split over the threads
  conv2d(2, 32, 40, 7, 2), // direct kernel, groups of 16, 4 images x groups: whole images at 2 and 3 threads
  conv2d(3, 16, 17, 10, 1, 2), // direct forward with stride 2 (backward-input on the GEMM path)
  conv2d(1, 48, 20, 6), // direct weight gradient at batch 1: one chunk, its taps split over the threads
  conv2d(9, 32, 34, 7, 2, 2), // direct weight gradient, groups of 16 -> 17, stride 2, 9 items in 8 chunks
  conv2d(32, 64, 64, 8), // the bench's 64 -> 64: units of 4 images, 8 chunks over 2 and 3 threads
  conv2d(1, 3, 16, 9), // direct forward for 3 input channels at batch 1: output rows split
];

/** Forward (with bias), backward-input and backward-weight (with bias) outputs, concatenated. */
function outputs(be: Backend, p: Conv2dParams): Float32Array[] {
  const xLen = p.n * p.cIn * p.inH * p.inW, yLen = p.n * p.cOut * p.outH * p.outW;
  const wLen = p.cOut * (p.cIn / p.groups) * p.kH * p.kW;
  const x = randomArray(xLen, 41), w = randomArray(wLen, 42), bias = randomArray(p.cOut, 43), gy = randomArray(yLen, 44);
  const y = new Float32Array(yLen), gx = new Float32Array(xLen), gw = new Float32Array(wLen), gb = new Float32Array(p.cOut);
  be.conv2dForward(x, w, bias, y, p);
  be.conv2dBackwardInput(gy, w, gx, p);
  be.conv2dBackwardWeight(x, gy, gw, gb, p);
  return [y, gx, gw, gb];
}

const native = testBackends().find((b) => b.name === 'native');

describe.runIf(native !== undefined)('native conv2d: 1, 2 and 3 threads bit-identical', () => {
  const threads0 = native !== undefined ? loadNativeAddon().info().threads : 1;
  afterAll(() => setNativeThreads(threads0));

  for (const p of CASES) {
    it(`n=${p.n} ${p.cIn}->${p.cOut} on ${p.inH}x${p.inW} g=${p.groups} s=${p.strideH}`, () => {
      setNativeThreads(1);
      const one = outputs(native!, p);
      for (const t of [2, 3]) {
        setNativeThreads(t);
        const many = outputs(native!, p);
        for (let k = 0; k < one.length; k++) {
          expect(many[k]!.some((v) => v !== 0), 'outputs were written').toBe(true);
          // compare bits: Float32Array equality through a Uint32Array view (NaN-safe, -0 distinct)
          expect(new Uint32Array(many[k]!.buffer), `output ${k} at ${t} threads`).toEqual(new Uint32Array(one[k]!.buffer));
        }
      }
    });
  }
});
