/**
 * The conformance suite can fail: run on deliberately broken kernels (a wrong value, a one-past-end store,
 * a one-before-start store, a write to an input), through the same guard-band wrapper as the real run, it
 * reports each of them; run on correct kernels it reports nothing.
 */
import { describe, it, expect } from 'vitest';
import type { Backend } from '../../src/backend/backend.js';
import type { KernelName } from '../../src/backend/manifest.js';
import { refBackend } from '../../src/backend/ref/index.js';
import { conformanceSuite } from '../helpers/conformance-suite.js';
import { withGuardBands } from '../helpers/guard-bands.js';

/** Runs the suite on `backend`, returning the failing tests' names and first messages. */
function failures(backend: Backend): string[] {
  const failed: string[] = [];
  const path: string[] = [];
  conformanceSuite(withGuardBands(backend), {
    describe(name, body) {
      path.push(name);
      body();
      path.pop();
    },
    it(name, body) {
      try {
        body();
      } catch (e) {
        failed.push(`${[...path, name].join(' > ')}: ${(e as Error).message.split('\n')[0]}`);
      }
    },
  });
  return failed;
}

/** ref with one kernel replaced. */
function withKernel<K extends KernelName>(name: K, fn: Backend[K]): Backend {
  return { ...refBackend, [name]: fn };
}

/** A view of the same memory one element longer at the end, or at the start. */
const oneLonger = (a: Float32Array) => new Float32Array(a.buffer, a.byteOffset, a.length + 1);
const oneBefore = (a: Float32Array) => new Float32Array(a.buffer, a.byteOffset - 4, a.length + 1);

describe('conformance harness', () => {
  it('passes the correct kernels (ref wrapped in guard bands)', () => {
    expect(failures(refBackend)).toEqual([]);
  });

  it('reports a wrong value in one output element', () => {
    const broken = withKernel('reluForward', (x, y) => {
      refBackend.reluForward(x, y);
      if (y.length > 2) y[y.length >> 1] = y[y.length >> 1]! + 0.5;
    });
    const f = failures(broken);
    expect(f.length).toBeGreaterThan(0);
    expect(f.every((m) => m.includes('relu'))).toBe(true);
  });

  it('reports a slightly wrong compute kernel (conv1d forward off by 1e-3 in one output)', () => {
    const broken = withKernel('conv1dForward', (x, w, b, y, p) => {
      refBackend.conv1dForward(x, w, b, y, p);
      if (y.length > 0) y[y.length - 1] = y[y.length - 1]! + 1e-3;
    });
    expect(failures(broken).some((m) => m.includes('forward'))).toBe(true);
  });

  it('reports a store one element past the end of an output (a SIMD tail overrun)', () => {
    const broken = withKernel('maxPool1dBackward', (gy, idx, gx, p) => {
      refBackend.maxPool1dBackward(gy, idx, gx, p);
      oneLonger(gx)[gx.length] = 0;
    });
    const f = failures(broken);
    expect(f.length).toBeGreaterThan(0);
    expect(f.some((m) => m.includes('wrote past its end'))).toBe(true);
  });

  it('reports a store one element before the start of an output', () => {
    const broken = withKernel('sgdStep', (param, grad, buf, p) => {
      refBackend.sgdStep(param, grad, buf, p);
      oneBefore(param)[0] = 1;
    });
    expect(failures(broken).some((m) => m.includes('wrote before its start'))).toBe(true);
  });

  it('reports an adaptive pool that sums in float32, or treats overlapping windows as tiles', () => {
    const f32Sum = withKernel('adaptiveAvgPool1dForward', (x, y, p) => {
      for (let r = 0; r < p.rows; r++) {
        for (let o = 0; o < p.lOut; o++) {
          const lo = Math.floor((o * p.l) / p.lOut);
          const hi = Math.ceil(((o + 1) * p.l) / p.lOut);
          let s = 0;
          for (let q = lo; q < hi; q++) s = Math.fround(s + x[r * p.l + q]!);
          y[r * p.lOut + o] = s / (hi - lo);
        }
      }
    });
    expect(failures(f32Sum).some((m) => m.includes('adaptiveAvgPool1d') && m.includes('y: differs'))).toBe(true);
    const tiles = withKernel('adaptiveAvgPool1dBackward', (gy, gx, p) => {
      const w = Math.floor(p.l / p.lOut);
      refBackend.adaptiveAvgPool1dBackward(gy, gx, p);
      if (p.l % p.lOut !== 0) for (let i = 0; i < p.rows * p.lOut; i++) gx.fill(gy[i]! / w, i * w, i * w + w);
    });
    expect(failures(tiles).some((m) => m.includes('(overlapping)') && m.includes('gx: differs'))).toBe(true);
  });

  it('reports a block copy that drops the last block or writes a whole destination row', () => {
    const dropsLast = withKernel('copyBlocks', (src, dst, p) => refBackend.copyBlocks(src, dst, { ...p, outer: Math.max(p.outer - 1, 0) }));
    expect(failures(dropsLast).some((m) => m.includes('copyBlocks'))).toBe(true);
    const wholeRow = withKernel('copyBlocks', (src, dst, p) => {
      refBackend.copyBlocks(src, dst, p);
      if (p.outer > 0 && p.dstOffset > 0) dst[p.dstOffset - 1] = 0;
    });
    expect(failures(wholeRow).some((m) => m.includes('copyBlocks'))).toBe(true);
  });

  it('reports a strided bmm that ignores a row stride, or writes outside its products', () => {
    const contiguousRows = withKernel('bmmHeads', (a, b, c, p) => refBackend.bmmHeads(a, b, c, { ...p, bLd: p.transB ? p.k : p.n }));
    expect(failures(contiguousRows).some((m) => m.includes('bmmHeads') && m.includes('a batchRows b batchRows'))).toBe(true);
    const writesTail = withKernel('bmmHeads', (a, b, c, p) => {
      refBackend.bmmHeads(a, b, c, p);
      if (p.m > 0 && p.n > 0 && c.length > 0) c[c.length - 1] = 0; // the floats after the last product
    });
    expect(failures(writesTail).some((m) => m.includes('bmmHeads'))).toBe(true);
  });

  it('reports a kernel that writes into an input', () => {
    const broken = withKernel('matmul', (a, b, c, p) => {
      refBackend.matmul(a, b, c, p);
      if (a.length > 0) a[0] = 7;
    });
    expect(failures(broken).some((m) => m.includes('modified its input a'))).toBe(true);
  });
});
