/**
 * Float32 storage whose contents the caller overwrites in full (kernel outputs, gradient buffers).
 *
 * `new Float32Array(n)` zero-fills: calloc either maps fresh zero pages (a page fault per 4 KiB on first
 * touch) or clears recycled heap memory, a full extra pass over the array before the kernel writes it.
 * Large outputs instead take their bytes from Buffer.allocUnsafeSlow (malloc, not cleared; its own
 * ArrayBuffer, offset 0, never shared with Node's Buffer pool) and so cost no pass at all when the
 * native addon's malloc tuning (native/malloc-tuning.cc) lets freed tensors' memory be reused.
 *
 * The contents are whatever was there before: only for arrays that the code writes completely before
 * anything reads them (the conformance suite's guard bands check that every kernel output is written).
 */
import { Buffer, constants } from 'node:buffer';

/** Below this many elements a zeroed array is as cheap as the Buffer round trip. */
const MIN_UNINIT_LENGTH = 4096;

/** A Float32Array of length n with unspecified contents: the caller writes every element. */
export function uninitF32(n: number): Float32Array {
  // Past Buffer's maximum (4 GiB on Node 20) a zeroed array is the only way.
  if (n < MIN_UNINIT_LENGTH || n * 4 > constants.MAX_LENGTH) return new Float32Array(n);
  return new Float32Array(Buffer.allocUnsafeSlow(n * 4).buffer, 0, n);
}

/** A Uint8Array of length n with unspecified contents: the caller writes every element. */
export function uninitU8(n: number): Uint8Array {
  if (n < MIN_UNINIT_LENGTH * 4 || n > constants.MAX_LENGTH) return new Uint8Array(n);
  return new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n);
}
