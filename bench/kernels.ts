/**
 * Compute-bound kernels per backend on named shapes: conv1d forward / backward-input / backward-weight at
 * each conv shape of the reference Inception1d (batch 32), and small matmuls (square 128, the model's linear
 * head). Native at each thread count, wasm and ref beside it. GFLOP/s counts 2 flops per multiply-add.
 * (Square 256-1024 against OpenBLAS: matmul.ts; the memory-bound kernels: memory.ts.)
 */
import type { Backend, Conv1dParams, MatmulParams } from '../src/backend/backend.js';
import { convOutLength } from '../src/backend/backend.js';
import { setNumThreads, getNumThreads } from '../src/backend/select.js';
import { rand, time, type BenchOptions, type Row } from './harness.js';

export const MATMUL_SHAPES: Record<string, [number, number, number]> = {
  'square 128': [128, 128, 128],
  'linear head 32x64 @ 64x2': [32, 2, 64],
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

interface Case {
  kernel: string;
  shape: string;
  flops: number;
  make(be: Backend): () => void;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const [shape, [m, n, k]] of Object.entries(MATMUL_SHAPES)) {
    const p: MatmulParams = { m, n, k, transA: false, transB: false, alpha: 1, beta: 0 };
    out.push({
      kernel: 'matmul', shape, flops: 2 * m * n * k,
      make: (be) => { const a = rand(m * k, 1), b = rand(k * n, 2), c = new Float32Array(m * n); return () => be.matmul(a, b, c, p); },
    });
  }
  for (const [shape, p] of Object.entries(CONV_SHAPES)) {
    const flops = 2 * p.n * p.cOut * p.lOut * p.cIn * p.k;
    const nx = p.n * p.cIn * p.l, nw = p.cOut * p.cIn * p.k, ny = p.n * p.cOut * p.lOut;
    out.push({
      kernel: 'conv1dForward', shape, flops,
      make: (be) => { const x = rand(nx, 3), w = rand(nw, 4), b = rand(p.cOut, 5), y = new Float32Array(ny); return () => be.conv1dForward(x, w, b, y, p); },
    });
    out.push({
      kernel: 'conv1dBackwardInput', shape, flops,
      make: (be) => { const gy = rand(ny, 6), w = rand(nw, 4), gx = new Float32Array(nx); return () => be.conv1dBackwardInput(gy, w, gx, null, p); },
    });
    out.push({
      kernel: 'conv1dBackwardWeight', shape, flops,
      make: (be) => {
        const x = rand(nx, 3), gy = rand(ny, 6), gw = new Float32Array(nw), gb = new Float32Array(p.cOut);
        return () => be.conv1dBackwardWeight(x, gy, gw, gb, p);
      },
    });
  }
  return out;
}

/** One row per kernel and shape: GFLOP/s per backend (native per thread count). */
export function benchKernels(backends: Backend[], o: BenchOptions): Row[] {
  const targetMs = o.quick ? 80 : 250;
  const prev = getNumThreads();
  const rows: Row[] = [];
  for (const c of cases()) {
    const row: Row = { kernel: c.kernel, shape: c.shape };
    for (const be of backends) {
      const fn = c.make(be);
      const gflops = (ms: number, minRuns: number) => c.flops / time(fn, ms, minRuns).medianMs / 1e6;
      if (be.name === 'native') {
        for (const t of o.threads) {
          setNumThreads(t);
          row[`native ${t}T`] = gflops(targetMs, 5);
        }
      } else {
        row[be.name] = be.name === 'ref' ? gflops(Math.min(targetMs, 60), 3) : gflops(targetMs, 5);
      }
    }
    rows.push(row);
  }
  if (backends.some((b) => b.name === 'native')) setNumThreads(prev);
  return rows;
}
