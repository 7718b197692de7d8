/**
 * The WebAssembly backend: adapter between the Backend interface and the AssemblyScript module built from
 * wasm/assembly/ (`npm run build:wasm` writes wasm/build/nodetorch.wasm).
 *
 * Memory strategy: the adapter owns the module's linear memory. Each call lays its arrays out back to back
 * (16-byte aligned) in one scratch region starting at the module's heap base, grows the memory if that
 * region does not fit yet (it never shrinks, so steady-state calls never grow), copies the inputs in, runs the
 * kernel and copies the outputs out. `memory.grow` detaches every view of the old buffer, so the Float32Array
 * view is re-taken whenever the buffer changed. Copies are clamped to the caller's array lengths, so a
 * too-short array yields garbage values but never an out-of-bounds write.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type {
  Backend, BatchNormParams, Conv1dParams, MatmulParams, Pool1dParams, SgdParams,
} from './backend.js';
import { MEMORY_BOUND_KERNELS } from './kernels.js';
import { reluBackward, reluForward } from './ref/relu.js';
import { maxPool1dBackward, maxPool1dForward } from './ref/max-pool1d.js';
import { batchNormBackward, batchNormForward } from './ref/batch-norm.js';

/**
 * The kernels this backend serves with the ref backend's TypeScript (run by the JIT on the caller's
 * arrays) instead of the module: the memory-bound ones, where staging the arrays into linear memory and
 * back would cost more than the compute. The module exports every other kernel.
 */
export const WASM_TS_KERNELS = MEMORY_BOUND_KERNELS;

const WASM_URL = new URL('../../wasm/build/nodetorch.wasm', import.meta.url);
const PAGE_BYTES = 65536;

/**
 * The raw exports of wasm/build/nodetorch.wasm: pointers are byte offsets into `memory`, booleans 0/1, a
 * pointer of 0 means "absent", `ws` is a workspace sized per kernel (see wasm/assembly/<kernel>.ts headers).
 */
interface WasmExports {
  readonly memory: WebAssembly.Memory;
  __heapBase(): number;
  __panelWidth(): number;
  matmul(a: number, b: number, c: number, ws: number, m: number, n: number, k: number,
    transA: number, transB: number, alpha: number, beta: number): void;
  conv1dForward(x: number, w: number, bias: number, y: number, ws: number, n: number, cIn: number, cOut: number,
    l: number, k: number, stride: number, padding: number, dilation: number, groups: number, lOut: number): void;
  conv1dBackwardInput(gy: number, w: number, gx: number, ws: number, n: number, cIn: number, cOut: number,
    l: number, k: number, stride: number, padding: number, dilation: number, groups: number, lOut: number): void;
  conv1dBackwardWeight(x: number, gy: number, gw: number, gb: number, ws: number, n: number, cIn: number,
    cOut: number, l: number, k: number, stride: number, padding: number, dilation: number, groups: number,
    lOut: number): void;
  sgdStep(param: number, grad: number, buf: number, len: number, lr: number, momentum: number, dampening: number,
    weightDecay: number, nesterov: number, maximize: number, firstStep: number): void;
}

/** `i32x4.splat(0); i8x16.popcnt` in a function: validates only where SIMD128 is supported. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

let simdSupported: boolean | undefined;
let compiled: WebAssembly.Module | undefined;

/** What this runtime supports for the wasm backend. */
export function wasmInfo(): { simd: boolean } {
  simdSupported ??= WebAssembly.validate(SIMD_PROBE);
  return { simd: simdSupported };
}

/** Compile the module once per process (synchronously); throws with the reason it cannot. */
function compileModule(): WebAssembly.Module {
  if (compiled) return compiled;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(readFileSync(WASM_URL)); // a plain ArrayBuffer copy: what BufferSource types want
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(`wasm backend: ${fileURLToPath(WASM_URL)} is missing; run \`npm run build:wasm\``);
    }
    throw new Error(`wasm backend: cannot read ${fileURLToPath(WASM_URL)}: ${(e as Error).message}`);
  }
  if (!wasmInfo().simd) {
    throw new Error('wasm backend: this JavaScript runtime does not support WebAssembly SIMD128');
  }
  compiled = new WebAssembly.Module(bytes);
  return compiled;
}

/** Export names of the compiled module (for the drift test: kernels + `memory` + `__` helpers). */
export function wasmExportNames(): string[] {
  return WebAssembly.Module.exports(compileModule()).map((e) => e.name);
}

/**
 * Floats of the direct conv workspace for `rows` input rows (see wasm/assembly/direct.ts): a row pointer table
 * of rows*k entries (rounded up to 4) followed by the zero-padded phase rows.
 */
function directWsFloats(rows: number, p: Conv1dParams, nr: number, lOut = p.lOut): number {
  const { k, stride, dilation } = p;
  const phaseLen = Math.ceil(lOut / nr) * nr + Math.floor(((k - 1) * dilation) / stride) + 1;
  return Math.ceil((rows * k) / 4) * 4 + rows * stride * phaseLen;
}

/** Bytes for `count` floats, rounded up to 16 so that every region starts 16-byte aligned. */
function regionBytes(count: number): number {
  return Math.ceil(count / 4) * 16;
}

/** Copy the first `count` floats of src (fewer if it is shorter) to the view at byte offset `at`. */
function copyIn(view: Float32Array, at: number, src: Float32Array, count: number): void {
  view.set(src.length > count ? src.subarray(0, count) : src, at / 4);
}

/** Copy `count` floats at byte offset `at` into dst, never past dst's end. */
function copyOut(view: Float32Array, at: number, dst: Float32Array, count: number): void {
  const start = at / 4;
  dst.set(view.subarray(start, start + Math.min(count, dst.length)));
}

class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  readonly #ex: WasmExports;
  /** First byte of the scratch region (heap base rounded up to 16). */
  readonly #base: number;
  /** GEMM panel width of the module, in floats: workspaces scale with it. */
  readonly #nr: number;
  #view: Float32Array;

  constructor(ex: WasmExports) {
    this.#ex = ex;
    this.#base = Math.ceil(ex.__heapBase() / 16) * 16;
    this.#nr = ex.__panelWidth();
    this.#view = new Float32Array(ex.memory.buffer);
  }

  /** Current size of the module's linear memory in bytes (grows to the largest call so far, never shrinks). */
  get memoryBytes(): number {
    return this.#ex.memory.buffer.byteLength;
  }

  /**
   * Lay out regions of the given float counts from the scratch base; grow the memory to fit and return the
   * (possibly re-taken) view and the byte offset of each region.
   */
  #stage(counts: number[]): { view: Float32Array; at: number[] } {
    const at: number[] = [];
    let end = this.#base;
    for (const c of counts) {
      at.push(end);
      end += regionBytes(c);
    }
    const memory = this.#ex.memory;
    const have = memory.buffer.byteLength;
    if (end > have) {
      try {
        memory.grow(Math.ceil((end - have) / PAGE_BYTES));
      } catch (e) {
        throw new RangeError(`wasm backend: cannot grow memory to ${end} bytes: ${(e as Error).message}`);
      }
    }
    if (this.#view.buffer !== memory.buffer) this.#view = new Float32Array(memory.buffer); // grow detached it
    return { view: this.#view, at };
  }

  matmul(a: Float32Array, b: Float32Array, c: Float32Array, p: MatmulParams): void {
    const { m, n, k, transA, transB, alpha, beta } = p;
    if (m === 0 || n === 0) return;
    const { view, at: [aAt, bAt, cAt, wsAt] } = this.#stage([m * k, k * n, m * n, k * this.#nr]);
    copyIn(view, aAt, a, m * k);
    copyIn(view, bAt, b, k * n);
    if (beta !== 0) copyIn(view, cAt, c, m * n);
    this.#ex.matmul(aAt, bAt, cAt, wsAt, m, n, k, transA ? 1 : 0, transB ? 1 : 0, alpha, beta);
    copyOut(view, cAt, c, m * n);
  }

  conv1dForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, p: Conv1dParams): void {
    const { n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut } = p;
    const xLen = n * cIn * l;
    const wLen = cOut * (cIn / groups) * k;
    const yLen = n * cOut * lOut;
    if (yLen === 0) return;
    const { view, at: [xAt, wAt, bAt, yAt, wsAt] } =
      this.#stage([xLen, wLen, bias ? cOut : 0, yLen, directWsFloats(cIn / groups, p, this.#nr)]);
    copyIn(view, xAt, x, xLen);
    copyIn(view, wAt, w, wLen);
    if (bias) copyIn(view, bAt, bias, cOut);
    this.#ex.conv1dForward(xAt, wAt, bias ? bAt : 0, yAt, wsAt, n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut);
    copyOut(view, yAt, y, yLen);
  }

  conv1dBackwardInput(gy: Float32Array, w: Float32Array, gx: Float32Array, p: Conv1dParams): void {
    const { n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut } = p;
    const gyLen = n * cOut * lOut;
    const wLen = cOut * (cIn / groups) * k;
    const gxLen = n * cIn * l;
    if (gxLen === 0) return;
    // Workspace otherwise: cols (cinG*k x lOut, rounded up to 4 floats) then one packed gy panel (coutG x NR).
    // Stride 1: packed weights, then the direct workspace over coutG gy rows producing l positions.
    const wsLen = stride === 1
      ? Math.ceil(wLen / 4) * 4 + directWsFloats(cOut / groups, p, this.#nr, l)
      : Math.ceil(((cIn / groups) * k * lOut) / 4) * 4 + (cOut / groups) * this.#nr;
    const { view, at: [gyAt, wAt, gxAt, wsAt] } = this.#stage([gyLen, wLen, gxLen, wsLen]);
    copyIn(view, gyAt, gy, gyLen);
    copyIn(view, wAt, w, wLen);
    this.#ex.conv1dBackwardInput(gyAt, wAt, gxAt, wsAt, n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut);
    copyOut(view, gxAt, gx, gxLen);
  }

  conv1dBackwardWeight(
    x: Float32Array, gy: Float32Array, gw: Float32Array, gb: Float32Array | null, p: Conv1dParams,
  ): void {
    const { n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut } = p;
    const xLen = n * cIn * l;
    const gyLen = n * cOut * lOut;
    const gwLen = cOut * (cIn / groups) * k;
    // Workspace: 1x1 stride-1 unpadded: one packed panel of x^T (lOut x NR); otherwise f32x4 partial sums
    // (4 floats per weight of one group) then the direct workspace over cinG input rows.
    const wsLen = k === 1 && stride === 1 && padding === 0
      ? lOut * this.#nr
      : (4 * gwLen) / groups + directWsFloats(cIn / groups, p, this.#nr);
    const { view, at: [xAt, gyAt, gwAt, gbAt, wsAt] } =
      this.#stage([xLen, gyLen, gwLen, gb ? cOut : 0, wsLen]);
    copyIn(view, xAt, x, xLen);
    copyIn(view, gyAt, gy, gyLen);
    this.#ex.conv1dBackwardWeight(
      xAt, gyAt, gwAt, gb ? gbAt : 0, wsAt, n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut);
    copyOut(view, gwAt, gw, gwLen);
    if (gb) copyOut(view, gbAt, gb, cOut);
  }

  sgdStep(param: Float32Array, grad: Float32Array, buf: Float32Array | null, p: SgdParams): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize, firstStep } = p;
    const len = param.length;
    if (len === 0) return;
    const withBuf = momentum !== 0; // the kernel reads/writes its buf region only then
    const { view, at: [pAt, gAt, bAt] } = this.#stage([len, len, withBuf ? len : 0]);
    copyIn(view, pAt, param, len);
    copyIn(view, gAt, grad, len);
    if (withBuf && buf && !firstStep) copyIn(view, bAt, buf, len); // first step ignores old contents
    this.#ex.sgdStep(pAt, gAt, bAt, len, lr, momentum, dampening, weightDecay,
      nesterov ? 1 : 0, maximize ? 1 : 0, firstStep ? 1 : 0);
    copyOut(view, pAt, param, len);
    if (withBuf && buf) copyOut(view, bAt, buf, len);
  }

  // The WASM_TS_KERNELS: the ref TypeScript on the caller's arrays (no staging).

  reluForward(x: Float32Array, y: Float32Array): void {
    reluForward(x, y);
  }

  reluBackward(y: Float32Array, gy: Float32Array, gx: Float32Array): void {
    reluBackward(y, gy, gx);
  }

  maxPool1dForward(x: Float32Array, y: Float32Array, idx: Uint8Array | Int32Array, p: Pool1dParams): void {
    maxPool1dForward(x, y, idx, p);
  }

  maxPool1dBackward(gy: Float32Array, idx: Uint8Array | Int32Array, gx: Float32Array, p: Pool1dParams): void {
    maxPool1dBackward(gy, idx, gx, p);
  }

  batchNormForward(x: Float32Array, weight: Float32Array | null, bias: Float32Array | null,
    mean: Float64Array, invstd: Float64Array, y: Float32Array, p: BatchNormParams): void {
    batchNormForward(x, weight, bias, mean, invstd, y, p);
  }

  batchNormBackward(gy: Float32Array, x: Float32Array, weight: Float32Array | null, mean: Float64Array,
    invstd: Float64Array, gx: Float32Array | null, gw: Float32Array | null, gb: Float32Array | null,
    p: BatchNormParams): void {
    batchNormBackward(gy, x, weight, mean, invstd, gx, gw, gb, p);
  }
}

/**
 * Instantiate the wasm backend (synchronously; the compiled module is cached, each call gets its own memory).
 * Throws an Error naming the reason when the module is missing or SIMD128 is unsupported.
 */
export function loadWasmBackend(): WasmBackend {
  const instance = new WebAssembly.Instance(compileModule(), {
    env: {
      // Only reachable in a debug build (release uses --noAssert); turn it into a JS error.
      abort(_msg: number, _file: number, line: number, column: number): never {
        throw new Error(`wasm backend: abort at wasm/assembly line ${line}:${column}`);
      },
    },
  });
  return new WasmBackend(instance.exports as unknown as WasmExports);
}

export type { WasmBackend };
