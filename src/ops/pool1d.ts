/** Shared argument checks and shape math for the 1-D pooling ops (maxPool1d, avgPool1d, adaptive*). */
import { MAX_KERNEL_INT } from './args.js';
import { Tensor, shapeStr } from '../tensor.js';
import { tensorArg } from './args.js';

/** A pooling input viewed as `rows` independent signals of length `l`: (N, C, L) or unbatched (C, L). */
export interface PoolInput {
  rows: number;
  l: number;
  /** The output shape with the last dim replaced by lOut. */
  outShape(lOut: number): number[];
}

export function poolInput(op: string, x: Tensor): PoolInput {
  tensorArg(op, 'input', x);
  if (x.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 tensor, got ${x.dtype}`);
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new RangeError(`${op}: expected 2D (C, L) or 3D (N, C, L) input, got input of shape ${shapeStr(x.shape)}`);
  }
  for (let i = x.ndim === 3 ? 1 : 0; i < x.ndim; i++) {
    if (x.shape[i] === 0) throw new RangeError(`${op}: expected input with non-zero size for non-batch dimensions, got ${shapeStr(x.shape)}`);
  }
  const l = x.shape[x.ndim - 1];
  const lead = x.shape.slice(0, -1);
  return {
    rows: x.numel() / l || 0,
    l,
    outShape: (lOut: number) => [...lead, lOut],
  };
}

/** A size argument given as n or [n] (PyTorch's _single), checked to be an integer >= min. */
export function single(op: string, name: string, v: number | readonly number[], min: number): number {
  const n = Array.isArray(v) ? (v.length === 1 ? v[0] : Number.NaN) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new TypeError(`${op}: expected ${name} to be an integer or a 1-element array of one, got ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`);
  }
  if (n < min) throw new RangeError(`${op}: expected ${name} to be >= ${min}, got ${n}`);
  if (n > MAX_KERNEL_INT) throw new RangeError(`${op}: expected ${name} <= ${MAX_KERNEL_INT}, got ${n}`);
  return n;
}

/**
 * Output length of a pooling window sweep, PyTorch's pooling_output_shape: floor or ceil mode, and in
 * ceil mode the last window must start inside the input or the left padding.
 */
export function poolOutLength(l: number, k: number, stride: number, padding: number, dilation: number, ceilMode: boolean): number {
  const span = l + 2 * padding - dilation * (k - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let lOut = Math.floor(span / stride) + 1;
  if (ceilMode && (lOut - 1) * stride >= l + padding) lOut--;
  return lOut;
}

/**
 * The first pooling window of a sweep that covers no input element, or -1. Only a window starting in the
 * left padding can (a later one contains its own start), and only with dilation > 1: its taps may step
 * over the whole input (e.g. kernelSize 2, padding 1, dilation 2 over a length of 1).
 */
export function emptyPoolWindow(l: number, k: number, stride: number, padding: number, dilation: number, lOut: number): number {
  for (let o = 0; o < lOut && o * stride < padding; o++) {
    const start = o * stride - padding;
    const j = Math.ceil(-start / dilation); // the first tap at or after position 0
    if (j >= k || start + j * dilation >= l) return o;
  }
  return -1;
}

/** Shared window checks of maxPool1d/avgPool1d: padding at most half the kernel, output length >= 1. */
export function checkPoolWindow(
  op: string, x: Tensor, l: number, k: number, stride: number, padding: number, dilation: number, ceilMode: boolean,
): number {
  if (padding > Math.floor(k / 2)) {
    throw new RangeError(`${op}: padding should be at most half of kernel size, but got padding=${padding} and kernelSize=${k}`);
  }
  const lOut = poolOutLength(l, k, stride, padding, dilation, ceilMode);
  if (lOut < 1) {
    throw new RangeError(
      `${op}: calculated output size ${lOut} is too small for input of shape ${shapeStr(x.shape)} (kernelSize=${k}, stride=${stride}, padding=${padding}, dilation=${dilation}); expected an output size >= 1`,
    );
  }
  return lOut;
}
