/**
 * The native max-pool 2-D kernels give bit-identical results on 1, 2 and 3 threads: each thread takes whole
 * planes (native/kernels/max-pool2d-forward.cc, max-pool2d-backward.cc), so nothing depends on the split.
 * The shapes are the CNN example's two pools at its batch (split by memory moved) and 3 x 3 overlapping
 * windows (split by compares), with plane counts that leave uneven ranges.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend, Pool2dParams } from '../../src/backend/backend.js';
import { testBackends } from '../helpers/backends.js';
import { randomArray } from '../helpers/random.js';
import { loadNativeAddon, setNativeThreads } from '../../src/backend/native.js';

function pool(n: number, c: number, hw: number, k: number, stride: number, pad: number): Pool2dParams {
  const out = Math.floor((hw + 2 * pad - k) / stride) + 1;
  return { n, c, inH: hw, inW: hw, kH: k, kW: k, strideH: stride, strideW: stride, padH: pad, padW: pad, dilationH: 1, dilationW: 1, outH: out, outW: out };
}

const CASES: Pool2dParams[] = [
  pool(32, 16, 28, 2, 2, 0), // the CNN example's first pool: int32 indices
  pool(32, 32, 14, 2, 2, 0), // its second: byte indices
  pool(16, 61, 15, 2, 2, 0), // 976 planes, odd sides, byte indices
  pool(7, 61, 29, 2, 2, 0), // 427 planes, odd sides, int32 indices
  pool(5, 41, 20, 3, 1, 1), // overlapping windows
];

/** y, idx and gx of one forward + backward. */
function outputs(be: Backend, p: Pool2dParams): ArrayLike<number>[] {
  const planes = p.n * p.c;
  const x = randomArray(planes * p.inH * p.inW, 51), gy = randomArray(planes * p.outH * p.outW, 52);
  const y = new Float32Array(gy.length).fill(Number.NaN);
  const idx = p.inH * p.inW <= 256 ? new Uint8Array(gy.length) : new Int32Array(gy.length);
  const gx = new Float32Array(x.length).fill(Number.NaN);
  be.maxPool2dForward(x, y, idx, p);
  be.maxPool2dBackward(gy, idx, gx, p);
  return [y, idx, gx];
}

const native = testBackends().find((b) => b.name === 'native');

describe.runIf(native !== undefined)('native maxPool2d: 1, 2 and 3 threads bit-identical', () => {
  const threads0 = native !== undefined ? loadNativeAddon().info().threads : 1;
  afterAll(() => setNativeThreads(threads0));

  for (const p of CASES) {
    it(`n=${p.n} c=${p.c} on ${p.inH}x${p.inW} k=${p.kH} s=${p.strideH} p=${p.padH}`, () => {
      setNativeThreads(1);
      const one = outputs(native!, p);
      for (const t of [2, 3]) {
        setNativeThreads(t);
        const many = outputs(native!, p);
        for (let k = 0; k < one.length; k++) expect(Array.from(many[k]!), `output ${k} on ${t} threads`).toEqual(Array.from(one[k]!));
      }
    });
  }
});
