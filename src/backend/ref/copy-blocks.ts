import type { BlockCopyParams } from '../backend.js';

/**
 * dst[r * dstStride + dstOffset + i] = src[r * srcStride + srcOffset + i] for r < outer, i < blk. One
 * TypedArray.set per block: a copy of the bits (a float read into a JS number may lose a NaN's payload).
 */
export function copyBlocks(src: Float32Array, dst: Float32Array, p: BlockCopyParams): void {
  const { outer, blk, srcStride, srcOffset, dstStride, dstOffset } = p;
  for (let r = 0; r < outer; r++) {
    const from = r * srcStride + srcOffset;
    dst.set(src.subarray(from, from + blk), r * dstStride + dstOffset);
  }
}
