/**
 * Kernel throughput per backend on named shapes (the reference model's layers and square matmuls).
 * GFLOP/s counts 2 flops per multiply-add; sgdStep reports GB/s of param+grad+buf traffic.
 */
import type { Backend, Conv1dParams, MatmulParams } from '../src/backend/backend.js';
import { convOutLength } from '../src/backend/backend.js';
import { time } from './harness.js';

function rand(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

export const MATMUL_SHAPES: Record<string, [number, number, number]> = {
  'square-128': [128, 128, 128],
  'square-256': [256, 256, 256],
  'linear-head (32x64 @ 64x2)': [32, 2, 64],
};

function conv(n: number, cIn: number, cOut: number, l: number, k: number, stride = 1, padding = 0): Conv1dParams {
  return { n, cIn, cOut, l, k, stride, padding, dilation: 1, groups: 1, lOut: convOutLength(l, k, stride, padding, 1), relu: false };
}

/** The reference Inception1d's convolutions at batch 32. */
export const CONV_SHAPES: Record<string, Conv1dParams> = {
  'stem 1->32 k7 s2 L1200': conv(32, 1, 32, 1200, 7, 2, 3),
  'b1.1x1 32->16 L300': conv(32, 32, 16, 300, 1),
  'b2.3 16->24 k3 L300': conv(32, 16, 24, 300, 3, 1, 1),
  'b3.5 8->12 k5 L300': conv(32, 8, 12, 300, 5, 1, 2),
  'blk2.1x1 64->16 L150': conv(32, 64, 16, 150, 1),
};

export interface KernelRow {
  kernel: string;
  shape: string;
  backend: string;
  ms: number;
  gflops: number;
  [k: string]: string | number;
}

export function benchKernels(backends: Backend[], targetMs = 300): KernelRow[] {
  const rows: KernelRow[] = [];
  for (const [shape, [m, n, k]] of Object.entries(MATMUL_SHAPES)) {
    const a = rand(m * k, 1), b = rand(k * n, 2), c = new Float32Array(m * n);
    const p: MatmulParams = { m, n, k, transA: false, transB: false, alpha: 1, beta: 0 };
    for (const be of backends) {
      const t = time(() => be.matmul(a, b, c, p), targetMs);
      rows.push({ kernel: 'matmul', shape, backend: be.name, ms: t.medianMs, gflops: (2 * m * n * k) / t.medianMs / 1e6 });
    }
  }
  for (const [shape, p] of Object.entries(CONV_SHAPES)) {
    const x = rand(p.n * p.cIn * p.l, 3), w = rand(p.cOut * p.cIn * p.k, 4), bias = rand(p.cOut, 5);
    const y = new Float32Array(p.n * p.cOut * p.lOut), gy = rand(y.length, 6);
    const gx = new Float32Array(x.length), gw = new Float32Array(w.length), gb = new Float32Array(p.cOut);
    const flops = 2 * p.n * p.cOut * p.lOut * p.cIn * p.k;
    for (const be of backends) {
      const cases: [string, () => void][] = [
        ['conv1dForward', () => be.conv1dForward(x, w, bias, y, p)],
        ['conv1dBackwardInput', () => be.conv1dBackwardInput(gy, w, gx, p)],
        ['conv1dBackwardWeight', () => be.conv1dBackwardWeight(x, gy, gw, gb, p)],
      ];
      for (const [kernel, fn] of cases) {
        const t = time(fn, targetMs);
        rows.push({ kernel, shape, backend: be.name, ms: t.medianMs, gflops: flops / t.medianMs / 1e6 });
      }
    }
  }
  const size = 8882; // the reference model's parameter count
  const param = rand(size, 7), grad = rand(size, 8), buf = new Float32Array(size);
  for (const be of backends) {
    const sp = { lr: 0.003, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, firstStep: false };
    const t = time(() => be.sgdStep(param, grad, buf, sp), targetMs);
    rows.push({ kernel: 'sgdStep', shape: `${size} params`, backend: be.name, ms: t.medianMs, gflops: (5 * size) / t.medianMs / 1e6 });
  }
  return rows;
}
