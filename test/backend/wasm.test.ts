/**
 * Tests specific to the wasm adapter (src/backend/wasm.ts): the module's export list, memory growth and view
 * re-taking, staging that never touches memory past the caller's arrays, and results against the ref backend
 * at shapes that exercise the module's own tiling (KC = 256 blocks, NR = 8 panels, stride-1 fast paths).
 * Kernel-by-kernel conformance across all backends lives in conformance.test.ts. With
 * NODETORCH_TEST_WASM_RELAXED=1 all of these run on the relaxed-SIMD build (fused multiply-adds).
 */
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { WASM_TS_KERNELS, loadWasmBackend, wasmExportNames, wasmInfo } from '../../src/backend/wasm.js';
import { refBackend } from '../../src/backend/ref/index.js';
import { KERNEL_NAMES } from '../../src/backend/manifest.js';
import { convOutLength, type Conv1dParams, type MatmulParams, type SgdParams } from '../../src/backend/backend.js';
import { expectClose } from '../helpers/allclose.js';
import { randomArray } from '../helpers/random.js';

/** Float32 accumulation vs the float64 ref: atol grows with the square root of the reduction length. */
const RTOL = 1e-4;
const atol = (reduce: number) => 1e-5 * Math.sqrt(Math.max(reduce, 1));

function conv(
  n: number, cIn: number, cOut: number, l: number, k: number, stride = 1, padding = 0, dilation = 1, groups = 1,
): Conv1dParams {
  return { n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut: convOutLength(l, k, stride, padding, dilation), relu: false };
}

function checkMatmul(backend = loadWasmBackend(), p: MatmulParams, seed = 1): void {
  const a = randomArray(p.m * p.k, seed);
  const b = randomArray(p.k * p.n, seed + 1);
  const want = randomArray(p.m * p.n, seed + 2);
  const got = want.slice();
  refBackend.matmul(a, b, want, p);
  backend.matmul(a, b, got, p);
  expectClose(got, want, RTOL, atol(p.k), `matmul ${JSON.stringify(p)}`);
}

function checkConv(backend = loadWasmBackend(), p: Conv1dParams, seed = 1): void {
  const x = randomArray(p.n * p.cIn * p.l, seed);
  const w = randomArray(p.cOut * (p.cIn / p.groups) * p.k, seed + 1);
  const bias = randomArray(p.cOut, seed + 2);
  const gy = randomArray(p.n * p.cOut * p.lOut, seed + 3);
  const label = JSON.stringify(p);

  const y = [new Float32Array(gy.length), new Float32Array(gy.length)];
  refBackend.conv1dForward(x, w, bias, y[0], p);
  backend.conv1dForward(x, w, bias, y[1], p);
  expectClose(y[1], y[0], RTOL, atol((p.cIn / p.groups) * p.k), `forward ${label}`);

  const gx = [new Float32Array(x.length), new Float32Array(x.length)];
  refBackend.conv1dBackwardInput(gy, w, gx[0], null, p);
  backend.conv1dBackwardInput(gy, w, gx[1], null, p);
  expectClose(gx[1], gx[0], RTOL, atol((p.cOut / p.groups) * p.k), `backward input ${label}`);

  const gw = [new Float32Array(w.length), new Float32Array(w.length)];
  const gb = [new Float32Array(p.cOut), new Float32Array(p.cOut)];
  refBackend.conv1dBackwardWeight(x, gy, gw[0], gb[0], p);
  backend.conv1dBackwardWeight(x, gy, gw[1], gb[1], p);
  expectClose(gw[1], gw[0], RTOL, atol(p.n * p.lOut), `backward weight ${label}`);
  expectClose(gb[1], gb[0], RTOL, atol(p.n * p.lOut), `backward bias ${label}`);
}

describe('wasm backend adapter', () => {
  it('runs on a runtime with SIMD128', () => {
    expect(wasmInfo().simd).toBe(true);
    expect(loadWasmBackend().name).toBe('wasm');
  });

  it('loads the relaxed-SIMD build exactly where the runtime validates it and NODETORCH_WASM_RELAXED is not 0', () => {
    const file = new URL('../../wasm/build/nodetorch-relaxed.wasm', import.meta.url);
    const valid = WebAssembly.validate(new Uint8Array(readFileSync(file)));
    expect(wasmInfo().relaxedSimd).toBe(valid && process.env.NODETORCH_WASM_RELAXED !== '0');
    // The relaxed test run (NODETORCH_TEST_WASM_RELAXED=1, vitest.config.ts) must really run that build.
    if (process.env.NODETORCH_TEST_WASM_RELAXED === '1') expect(wasmInfo().relaxedSimd).toBe(true);
  });

  it('exports exactly the kernels it does not serve from TS, their workspace sizes, memory and __ helpers', () => {
    const names = wasmExportNames();
    expect(names).toContain('memory');
    const kernels = names.filter((n) => n !== 'memory' && !n.startsWith('__') && !n.endsWith('Workspace'));
    const fromTs: readonly string[] = WASM_TS_KERNELS;
    expect([...kernels].sort()).toEqual(KERNEL_NAMES.filter((k) => !fromTs.includes(k)).sort());
    const workspaces = names.filter((n) => n.endsWith('Workspace')).map((n) => n.slice(0, -'Workspace'.length));
    expect(workspaces.sort()).toEqual([
      'affineNormBackward', 'bmm', 'bmmHeads', 'conv1dBackwardInput', 'conv1dBackwardWeight', 'conv1dForward', 'conv2dBackwardInput', 'conv2dBackwardWeight', 'conv2dForward',
      'embeddingBackward', 'matmul',
    ]);
  });

  it('grows memory for a big call, then serves small calls from the same memory', () => {
    const backend = loadWasmBackend(); // fresh instance: its own memory
    const before = backend.memoryBytes;
    checkMatmul(backend, { m: 3, n: 5, k: 4, transA: false, transB: false, alpha: 1, beta: 0 });
    expect(backend.memoryBytes).toBe(before); // small calls fit the initial page

    checkMatmul(backend, { m: 300, n: 310, k: 290, transA: false, transB: true, alpha: 1, beta: 0 }, 7);
    const grown = backend.memoryBytes;
    expect(grown).toBeGreaterThan(4 * (300 * 290 + 290 * 310 + 300 * 310));

    // Every kernel after the grow: the adapter must use views of the new buffer (the old one is detached).
    checkMatmul(backend, { m: 5, n: 9, k: 3, transA: true, transB: false, alpha: 2, beta: -0.5 }, 3);
    checkConv(backend, conv(2, 3, 4, 10, 3, 1, 1), 5);
    const param = randomArray(17, 9);
    const want = param.slice();
    const sgd: SgdParams = {
      lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0.01, nesterov: true, maximize: false, firstStep: true,
    };
    const grad = randomArray(17, 10);
    refBackend.sgdStep(want, grad, new Float32Array(17), sgd);
    backend.sgdStep(param, grad, new Float32Array(17), sgd);
    expect(param).toEqual(want);
    expect(backend.memoryBytes).toBe(grown); // no shrink, no regrow
  });

  it('re-takes views when a conv call grows memory between two smaller calls', () => {
    const backend = loadWasmBackend();
    checkConv(backend, conv(1, 2, 3, 7, 3), 11);
    const before = backend.memoryBytes;
    checkConv(backend, conv(8, 16, 24, 600, 5, 1, 2), 12);
    expect(backend.memoryBytes).toBeGreaterThan(before);
    checkConv(backend, conv(1, 2, 3, 7, 3), 13);
  });

  it('stages an in-place call once: the array written in place shares its input\'s region', () => {
    const backend = loadWasmBackend();
    const n = 1 << 20; // 4 MiB per array
    const y = randomArray(n, 1);
    const g = randomArray(n, 2);
    const want = new Float32Array(n);
    refBackend.reluBackward(y, g, want);
    backend.reluBackward(y, g, g);
    expect(g.every((v, i) => Object.is(v, want[i]))).toBe(true);
    expect(backend.memoryBytes).toBeLessThan(3 * 4 * n); // regions for y and g, none for gx
  });

  it('matches ref at shapes that cross its KC = 256 reduction blocks and NR = 8 panels', () => {
    for (const [m, n, k] of [[33, 17, 513], [7, 25, 256], [4, 8, 257], [1, 9, 600]]) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          checkMatmul(undefined, { m, n, k, transA, transB, alpha: 0.5, beta: 1 }, m + n + k);
        }
      }
    }
  });

  it('matches ref on conv paths: stride-1 vector packing, strided gathers, dilation, groups', () => {
    const backend = loadWasmBackend();
    for (const p of [
      conv(2, 16, 24, 67, 3, 1, 1), // stride 1, full NR panels in every GEMM
      conv(3, 8, 16, 40, 9, 1, 4), // reduction 72: panels with padded edges on both sides
      conv(2, 6, 12, 50, 5, 2, 2, 1), // stride 2: scalar gathers
      conv(2, 12, 8, 45, 3, 1, 2, 2, 4), // dilation and groups
      conv(1, 1, 32, 1200, 7, 2, 3), // the reference model's stem
    ]) {
      checkConv(backend, p, p.l);
    }
  });

  it('sgdStep is bit-identical to ref', () => {
    const backend = loadWasmBackend();
    for (const momentum of [0, 0.9]) {
      for (const nesterov of momentum ? [false, true] : [false]) {
        const base: Omit<SgdParams, 'firstStep'> = {
          lr: 0.003, momentum, dampening: nesterov ? 0 : 0.1, weightDecay: 1e-3, nesterov, maximize: momentum === 0,
        };
        const want = randomArray(1031, 1);
        const got = want.slice();
        const wantBuf = new Float32Array(1031).fill(Number.NaN);
        const gotBuf = wantBuf.slice();
        for (let step = 0; step < 3; step++) {
          const grad = randomArray(1031, 2 + step);
          refBackend.sgdStep(want, grad, momentum ? wantBuf : null, { ...base, firstStep: step === 0 });
          backend.sgdStep(got, grad, momentum ? gotBuf : null, { ...base, firstStep: step === 0 });
        }
        expect(got).toEqual(want);
        if (momentum) expect(gotBuf).toEqual(wantBuf);
      }
    }
  });

  it('reads subarray views and never writes past the caller-sized outputs', () => {
    const backend = loadWasmBackend();
    const storage = randomArray(200, 3);
    const a = storage.subarray(5, 5 + 6 * 7); // (6, 7) at a non-zero byte offset
    const b = storage.subarray(60, 60 + 7 * 9); // (7, 9)
    const p: MatmulParams = { m: 6, n: 9, k: 7, transA: false, transB: false, alpha: 1, beta: 0 };
    const want = new Float32Array(6 * 9);
    refBackend.matmul(a, b, want, p);
    const c = new Float32Array(6 * 9 + 5).fill(Number.NaN); // longer than m * n
    backend.matmul(a, b, c, p);
    expectClose(c.subarray(0, 54), want, RTOL, atol(7));
    expect(Array.from(c.subarray(54)).every(Number.isNaN)).toBe(true);

    const cp = conv(2, 3, 4, 10, 3, 1, 1);
    const y = new Float32Array(2 * 4 * 10 + 3).fill(Number.NaN);
    backend.conv1dForward(randomArray(60, 1), randomArray(36, 2), null, y, cp);
    expect(Array.from(y.subarray(80)).every(Number.isNaN)).toBe(true);
    expect(y.subarray(0, 80).some(Number.isNaN)).toBe(false);
  });
});
