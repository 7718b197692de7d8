/**
 * The WebAssembly backend: adapter between the Backend interface and the AssemblyScript module built from
 * wasm/assembly/ (`npm run build:wasm` writes wasm/build/nodetorch.wasm).
 *
 * Memory strategy: the adapter owns the module's linear memory. Each call lays its arrays out back to back
 * (16-byte aligned) in one scratch region starting at the module's heap base, grows the memory if that
 * region does not fit yet (it never shrinks, so steady-state calls never grow), copies the inputs in (not
 * the arrays the kernel only writes; an array written in place shares its input's region), runs the kernel
 * and copies the outputs out. Each copy is one TypedArray.set between same-typed views (a memory copy).
 * `memory.grow` detaches every view of the old buffer, so the views are re-taken whenever the buffer
 * changed. An `inout` array whose old contents the kernel ignores at these params (matmul's C at beta 0,
 * the manifest's `readUnlessZero`) is not copied in either. Copies are clamped to the caller's array
 * lengths, so a too-short array yields garbage values but never an out-of-bounds write.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Backend, Kernels } from './backend.js';
import {
  KERNEL_NAMES, formulaLength, kernelSpec, paramFields, type ArraySpec, type KernelName,
} from './manifest.js';
import { copyBlocks as refCopyBlocks } from './ref/copy-blocks.js';

/**
 * The kernels this backend would serve with TypeScript run by the JIT on the caller's arrays instead of the
 * module, for a kernel whose staging into linear memory and back costs more than the work; the module
 * exports every other kernel (test/backend/drift.test.ts). Measured at the reference model's shapes,
 * every compute kernel, the memory-bound ones (relu, max-pool, batch norm, add) included, is faster in the
 * module with its copies than in TypeScript (bench/README.md). copyBlocks is a copy itself: staging would
 * copy its source in and its whole destination in and out, so it runs as the ref's TypedArray.set per
 * block (a memory copy) on the caller's arrays.
 */
const TS_KERNELS: Partial<Kernels> = { copyBlocks: refCopyBlocks };
export const WASM_TS_KERNELS = Object.keys(TS_KERNELS) as KernelName[];

const WASM_URL = new URL('../../wasm/build/nodetorch.wasm', import.meta.url);
/**
 * The same sources built with relaxed SIMD (wasm/asconfig.json target `relaxed`): the GEMM micro-kernel's
 * multiply-adds become `f32x4.relaxed_madd`, a fused multiply-add where the CPU has one (about 1.35x the
 * plain module's matmul speed at the transformer step's shapes, bench/README.md "wasm: the transformer
 * step"). Loaded instead of the plain module when the runtime validates it (V8 ships relaxed SIMD by default
 * from 11.4, Chrome 114 and Node 21; Node 20 only with --experimental-wasm-relaxed-simd) and NODETORCH_WASM_RELAXED is not
 * 0. Its sums may round differently from the plain module's (one rounding per fused multiply-add).
 */
const RELAXED_URL = new URL('../../wasm/build/nodetorch-relaxed.wasm', import.meta.url);
const PAGE_BYTES = 65536;

/**
 * The raw exports of wasm/build/nodetorch.wasm (the convention of wasm/assembly/index.ts): each kernel
 * takes one byte pointer per array argument of its manifest entry (0 = null; an index array's pointer is
 * followed by 1 for Int32Array, 0 for Uint8Array), then its workspace pointer if the module exports
 * `<kernel>Workspace`, then `len` if an array sizes the kernel, then its params fields in manifest order
 * (booleans 0/1). `<kernel>Workspace(len?, ...params)` gives the workspace's size in floats.
 */
type WasmFn = (...args: number[]) => number | void;
interface WasmExports {
  readonly memory: WebAssembly.Memory;
  __heapBase(): number;
  readonly [name: string]: WasmFn | WebAssembly.Memory;
}

/** `i32x4.splat(0); i8x16.popcnt` in a function: validates only where SIMD128 is supported. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

let simdSupported: boolean | undefined;
let compiled: WebAssembly.Module | undefined;
let relaxedBytes: Uint8Array<ArrayBuffer> | null | undefined;

/** What this runtime supports for the wasm backend: SIMD128, and whether the relaxed-SIMD module is used. */
export function wasmInfo(): { simd: boolean; relaxedSimd: boolean } {
  simdSupported ??= WebAssembly.validate(SIMD_PROBE);
  return { simd: simdSupported, relaxedSimd: simdSupported && relaxedModuleBytes() !== null };
}

/**
 * The relaxed-SIMD module's bytes if it is to be used: present, not switched off by
 * NODETORCH_WASM_RELAXED=0, and valid on this runtime; else null (the plain module is used).
 */
function relaxedModuleBytes(): Uint8Array<ArrayBuffer> | null {
  if (relaxedBytes !== undefined) return relaxedBytes;
  relaxedBytes = null;
  if (process.env.NODETORCH_WASM_RELAXED === '0') return relaxedBytes;
  try {
    const bytes = new Uint8Array(readFileSync(RELAXED_URL));
    if (WebAssembly.validate(bytes)) relaxedBytes = bytes;
  } catch {
    // missing (an older build): the plain module serves
  }
  return relaxedBytes;
}

/** The plain SIMD128 module's bytes; throws naming the file when it cannot be read. */
function plainModuleBytes(): Uint8Array<ArrayBuffer> {
  try {
    return new Uint8Array(readFileSync(WASM_URL)); // a plain ArrayBuffer copy: what BufferSource types want
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(`wasm backend: ${fileURLToPath(WASM_URL)} is missing; run \`npm run build:wasm\``);
    }
    throw new Error(`wasm backend: cannot read ${fileURLToPath(WASM_URL)}: ${(e as Error).message}`);
  }
}

/**
 * Compile the module once per process (synchronously): the relaxed-SIMD build where wasmInfo() says so,
 * else the plain one; throws with the reason it cannot.
 */
function compileModule(): WebAssembly.Module {
  if (compiled) return compiled;
  const bytes = plainModuleBytes();
  if (!wasmInfo().simd) {
    throw new Error('wasm backend: this JavaScript runtime does not support WebAssembly SIMD128');
  }
  compiled = new WebAssembly.Module(relaxedModuleBytes() ?? bytes);
  return compiled;
}

/** Export names of the compiled module (for the drift test: kernels + `memory` + `__` helpers). */
export function wasmExportNames(): string[] {
  return WebAssembly.Module.exports(compileModule()).map((e) => e.name);
}

type AnyArray = Float32Array | Float64Array | Uint8Array | Int32Array;

/** Bytes rounded up to 16 so that every region starts 16-byte aligned. */
function regionBytes(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/**
 * One kernel call staged through linear memory, driven by the kernel's manifest entry. An array written in
 * place (the caller passed the same array as one of its `inPlace` partners) shares its partner's region:
 * one copy in, the kernel works in place, one copy out. Arrays the kernel only writes are not copied in.
 */
function stagedKernel(name: KernelName, owner: Stager): (...args: unknown[]) => void {
  const spec = kernelSpec(name);
  const arrays: readonly ArraySpec[] = spec.args;
  const fields = paramFields(name).map(([f]) => f);
  const sizedBy = arrays.find((a) => a.len === 'any')?.name;
  const partners = arrays.map((a) => (a.inPlace ?? []).map((p) => arrays.findIndex((b) => b.name === p)));
  const kernel = owner.exports[name] as WasmFn;
  const wsFn = owner.exports[`${name}Workspace`] as WasmFn | undefined;
  return (...args: unknown[]) => {
    const params = (spec.params ? args[arrays.length] : {}) as Record<string, unknown>;
    const lengths: Record<string, number> = {};
    const bytes: number[] = [];
    const twin: number[] = []; // the argument whose region array i shares, or -1
    let writes = 0;
    arrays.forEach((a, i) => {
      const arr = args[i] as AnyArray | null;
      const n = formulaLength(a.len, params, lengths, arr?.length);
      lengths[a.name] = n;
      const t = arr === null ? -1 : (partners[i]!.find((j) => args[j] === arr) ?? -1);
      twin.push(t);
      bytes.push(arr === null || t >= 0 ? 0 : n * arr.BYTES_PER_ELEMENT);
      if (a.role !== 'in' && arr !== null) writes += n;
    });
    if (writes === 0) return;
    const scalars: number[] = [];
    if (sizedBy !== undefined) scalars.push(lengths[sizedBy]!);
    for (const f of fields) scalars.push(Number(params[f]));
    const wsFloats = wsFn ? Number(wsFn(...scalars)) : -1;
    const { views, at } = owner.stage(wsFloats >= 0 ? [...bytes, 4 * wsFloats] : bytes);
    const call: number[] = [];
    arrays.forEach((a, i) => {
      const arr = args[i] as AnyArray | null;
      if (twin[i]! >= 0) at[i] = at[twin[i]!]!;
      call.push(arr === null ? 0 : at[i]!);
      if (a.type === 'idx') call.push(arr instanceof Int32Array ? 1 : 0);
      if (arr !== null && reads(a, params) && twin[i]! < 0) copyIn(views, at[i]!, arr, lengths[a.name]!);
    });
    if (wsFloats >= 0) call.push(at[arrays.length]!);
    kernel(...call, ...scalars);
    arrays.forEach((a, i) => {
      const arr = args[i] as AnyArray | null;
      if (arr !== null && a.role !== 'in') copyOut(views, at[i]!, arr, lengths[a.name]!);
    });
  };
}

/**
 * Whether the kernel reads an array's old contents at these params (an `out` array never; an `inout` one
 * unless its `readUnlessZero` field is 0): only those are copied into linear memory.
 */
function reads(a: ArraySpec, params: Record<string, unknown>): boolean {
  if (a.role === 'out') return false;
  return a.readUnlessZero === undefined || Number(params[a.readUnlessZero]) !== 0;
}

/** Views of linear memory, one per element type a kernel argument can have. */
interface MemoryViews {
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
}

/** The view with arr's element type. */
function viewOf(views: MemoryViews, arr: AnyArray): AnyArray {
  if (arr instanceof Float32Array) return views.f32;
  if (arr instanceof Float64Array) return views.f64;
  return arr instanceof Int32Array ? views.i32 : views.u8;
}

/**
 * Copy the first n elements of src (fewer if it is shorter) to linear memory at byte `at` (a multiple of the
 * element size): one TypedArray.set between views of the same element type, a plain memory copy.
 */
function copyIn(views: MemoryViews, at: number, src: AnyArray, n: number): void {
  viewOf(views, src).set(n >= src.length ? src : src.subarray(0, n), at / src.BYTES_PER_ELEMENT);
}

/** Copy n elements at byte `at` into dst, never past dst's end. */
function copyOut(views: MemoryViews, at: number, dst: AnyArray, n: number): void {
  const i = at / dst.BYTES_PER_ELEMENT;
  dst.set(viewOf(views, dst).subarray(i, i + Math.min(n, dst.length)));
}

/** The module instance and its scratch region: where stagedKernel() lays out each call. */
class Stager {
  readonly exports: WasmExports;
  /** First byte of the scratch region (heap base rounded up to 16). */
  readonly #base: number;
  #views: MemoryViews;

  constructor(ex: WasmExports) {
    this.exports = ex;
    this.#base = Math.ceil(ex.__heapBase() / 16) * 16;
    this.#views = Stager.#viewsOf(ex.memory.buffer);
  }

  static #viewsOf(buffer: ArrayBuffer): MemoryViews {
    return { f32: new Float32Array(buffer), f64: new Float64Array(buffer), i32: new Int32Array(buffer), u8: new Uint8Array(buffer) };
  }

  /**
   * Lay out regions of the given byte counts from the scratch base; grow the memory to fit and return the
   * (possibly re-taken: grow detaches views) views and the offset of each region.
   */
  stage(counts: number[]): { views: MemoryViews; at: number[] } {
    const at: number[] = [];
    let end = this.#base;
    for (const c of counts) {
      at.push(end);
      end += regionBytes(c);
    }
    const memory = this.exports.memory;
    const have = memory.buffer.byteLength;
    if (end > have) {
      try {
        memory.grow(Math.ceil((end - have) / PAGE_BYTES));
      } catch (e) {
        throw new RangeError(`wasm backend: cannot grow memory to ${end} bytes: ${(e as Error).message}`);
      }
    }
    if (this.#views.u8.buffer !== memory.buffer) this.#views = Stager.#viewsOf(memory.buffer);
    return { views: this.#views, at };
  }
}

/**
 * The wasm backend: for each manifest kernel, the module's export through stagedKernel(), or its
 * TypeScript from TS_KERNELS. No per-kernel forwarders.
 */
class WasmBackend {
  readonly name = 'wasm' as const;
  readonly #memory: WebAssembly.Memory;

  constructor(ex: WasmExports) {
    this.#memory = ex.memory;
    const stager = new Stager(ex);
    const self = this as unknown as Record<string, unknown>;
    for (const k of KERNEL_NAMES) self[k] = TS_KERNELS[k] ?? stagedKernel(k, stager);
  }

  /** Current size of the module's linear memory in bytes (grows to the largest call so far, never shrinks). */
  get memoryBytes(): number {
    return this.#memory.buffer.byteLength;
  }
}

/**
 * Instantiate the wasm backend (synchronously; the compiled module is cached, each call gets its own memory).
 * Throws an Error naming the reason when the module is missing or SIMD128 is unsupported.
 */
export function loadWasmBackend(): WasmBackend & Backend {
  const instance = new WebAssembly.Instance(compileModule(), {
    env: {
      // Only reachable in a debug build (release uses --noAssert); turn it into a JS error.
      abort(_msg: number, _file: number, line: number, column: number): never {
        throw new Error(`wasm backend: abort at wasm/assembly line ${line}:${column}`);
      },
    },
  });
  return new WasmBackend(instance.exports as unknown as WasmExports) as unknown as WasmBackend & Backend;
}

export type { WasmBackend };
