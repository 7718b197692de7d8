/**
 * THE kernel boundary. A kernel takes flat typed arrays, integer sizes and one params object computed
 * once by the caller, and writes into an output the caller supplies (destination passing). Kernels never
 * allocate tensors, never see autograd and never validate user input: `src/ops` did that. (The native
 * addon re-validates anyway so that no JS call can crash the process.)
 *
 * Layouts are contiguous row-major; conv1d uses NCL (batch, channels, length).
 */
import type { KernelName } from './kernels.js';

/** `C = alpha * op(A) @ op(B) + beta * C`, with op(A) of shape (m, k) and op(B) of shape (k, n). */
export interface MatmulParams {
  m: number;
  n: number;
  k: number;
  /** A is stored (k, m) and used transposed. Otherwise A is stored (m, k). */
  transA: boolean;
  /** B is stored (n, k) and used transposed. Otherwise B is stored (k, n). */
  transB: boolean;
  alpha: number;
  /** 0 overwrites C (its old contents are ignored, even NaN); 1 accumulates. */
  beta: number;
}

/**
 * Sizes of one conv1d: input (n, cIn, l), weight (cOut, cIn / groups, k), output (n, cOut, lOut),
 * lOut = floor((l + 2 * padding - dilation * (k - 1) - 1) / stride) + 1. Padding is zeros, both sides.
 */
export interface Conv1dParams {
  n: number;
  cIn: number;
  cOut: number;
  l: number;
  k: number;
  stride: number;
  padding: number;
  dilation: number;
  groups: number;
  lOut: number;
}

/**
 * One SGD update in place, PyTorch 1.13 `_single_tensor_sgd` semantics:
 * ```
 * d = maximize ? -g : g
 * if weightDecay != 0: d = d + weightDecay * p
 * if momentum != 0:
 *   buf = firstStep ? d : momentum * buf + (1 - dampening) * d
 *   d = nesterov ? d + momentum * buf : buf
 * p = p - lr * d
 * ```
 * with PyTorch's float32 rounding: the hyper-parameters are float32, `momentum * buf` is rounded on its
 * own, and each `x + a * y` is one fused multiply-add rounded once (ATen's add-with-alpha). The ref
 * backend (src/backend/ref/sgd.ts) spells this out; every backend matches it bit for bit.
 */
export interface SgdParams {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  /** The momentum buffer is not yet initialised: it becomes a copy of d. */
  firstStep: boolean;
}

export interface Backend {
  readonly name: 'native' | 'wasm' | 'ref';

  /** C (m, n) = alpha * op(A) @ op(B) + beta * C. A, B must not alias C. */
  matmul(a: Float32Array, b: Float32Array, c: Float32Array, p: MatmulParams): void;

  /** y (n, cOut, lOut) = conv1d(x (n, cIn, l), w (cOut, cIn/groups, k)) + bias (cOut) if given. Overwrites y. */
  conv1dForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, p: Conv1dParams): void;

  /** gx (n, cIn, l) = d loss / d x given gy (n, cOut, lOut). Overwrites gx. */
  conv1dBackwardInput(gy: Float32Array, w: Float32Array, gx: Float32Array, p: Conv1dParams): void;

  /**
   * gw (cOut, cIn/groups, k) = d loss / d w; gb (cOut) = sum of gy over n and lOut if given.
   * Overwrites gw and gb.
   */
  conv1dBackwardWeight(x: Float32Array, gy: Float32Array, gw: Float32Array, gb: Float32Array | null, p: Conv1dParams): void;

  /**
   * In-place SGD on one parameter (see {@link SgdParams}). `buf` is required when momentum != 0 and is
   * ignored otherwise; on `firstStep` its old contents are ignored. All arrays have the same length; grad
   * may not alias param or buf.
   */
  sgdStep(param: Float32Array, grad: Float32Array, buf: Float32Array | null, p: SgdParams): void;
}

/** Compile-time check that Backend has exactly the kernels of kernels.ts. */
type BackendKernels = Exclude<keyof Backend, 'name'>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const BACKEND_MATCHES_KERNELS: Same<BackendKernels, KernelName> = true;

/** Output length of a conv1d / pooling window, PyTorch's formula (floor mode). */
export function convOutLength(l: number, k: number, stride: number, padding: number, dilation: number): number {
  return Math.floor((l + 2 * padding - dilation * (k - 1) - 1) / stride) + 1;
}
