/**
 * Copies between a strided view of a storage and a contiguous row-major array: the one place that walks
 * (shape, strides, offset). Tensor's `data` getter gathers a non-contiguous view with it, and its writers
 * (the `data` setter, in-place ops) scatter through it, so no op or backend ever sees strides
 * (DESIGN.md section 3: the layout/copy_strided_src split of candle, whose idea this follows).
 */
import type { Storage } from '../tensor.js';

/**
 * Walk the storage positions of a view in row-major order of its shape: `visit(pos, i)` for the i-th
 * element. An odometer over all dims but the last, a plain loop over the last.
 */
function walk(shape: readonly number[], strides: readonly number[], offset: number, visit: (pos: number, i: number, n: number, step: number) => void): void {
  const nd = shape.length;
  if (nd === 0) {
    visit(offset, 0, 1, 0);
    return;
  }
  for (const d of shape) if (d === 0) return;
  const last = nd - 1;
  const inner = shape[last];
  const step = strides[last];
  const counter = new Array<number>(nd).fill(0);
  let pos = offset;
  let i = 0;
  for (;;) {
    visit(pos, i, inner, step);
    i += inner;
    let d = last - 1;
    for (; d >= 0; d--) {
      counter[d]++;
      pos += strides[d];
      if (counter[d] < shape[d]) break;
      pos -= strides[d] * counter[d];
      counter[d] = 0;
    }
    if (d < 0) return;
  }
}

/**
 * Rows shorter than this are copied by a plain loop: `set(subarray())` allocates a view object per row,
 * which for the attention heads' rows of 32 floats cost more than the copy (and fed the GC).
 */
const MIN_SET_ROW = 128;

/** out[i] = src[position of element i of the view], for every element (out has the view's numel). */
export function gatherStrided(src: Storage, shape: readonly number[], strides: readonly number[], offset: number, out: Storage): Storage {
  if (src instanceof Float32Array && out instanceof Float32Array) return gatherF32(src, shape, strides, offset, out);
  walk(shape, strides, offset, (pos, i, n, step) => {
    if (step === 1 && n >= MIN_SET_ROW) out.set(src.subarray(pos, pos + n), i);
    else for (let k = 0; k < n; k++, pos += step) out[i + k] = src[pos];
  });
  return out;
}

/**
 * gatherStrided for float32 (views' data and the transpose / permute gradients): its own loops, so the
 * element accesses see one array type only (the shared walk's are polymorphic over the storages, which
 * cost several times the copy) and the 2-D inner block (rows of the last dim) needs no call per row.
 */
function gatherF32(src: Float32Array, shape: readonly number[], strides: readonly number[], offset: number, out: Float32Array): Float32Array {
  const nd = shape.length;
  if (nd === 0) {
    out[0] = src[offset];
    return out;
  }
  for (const d of shape) if (d === 0) return out;
  const inner = shape[nd - 1];
  const step = strides[nd - 1];
  const rows = nd >= 2 ? shape[nd - 2] : 1;
  const rowStride = nd >= 2 ? strides[nd - 2] : 0;
  const counter = new Array<number>(Math.max(nd - 2, 0)).fill(0);
  let base = offset;
  let i = 0;
  for (;;) {
    for (let r = 0, pos = base; r < rows; r++, pos += rowStride) {
      if (step === 1 && inner >= MIN_SET_ROW) {
        out.set(src.subarray(pos, pos + inner), i);
        i += inner;
      } else {
        for (let k = 0, q = pos; k < inner; k++, q += step) out[i++] = src[q];
      }
    }
    // odometer over the dims before the last two
    let d = nd - 3;
    for (; d >= 0; d--) {
      counter[d]++;
      base += strides[d];
      if (counter[d] < shape[d]) break;
      base -= strides[d] * counter[d];
      counter[d] = 0;
    }
    if (d < 0) return out;
  }
}

/** dst[position of element i of the view] = values[i] (a later element wins where positions repeat). */
export function scatterStrided(dst: Storage, shape: readonly number[], strides: readonly number[], offset: number, values: ArrayLike<number>): void {
  walk(shape, strides, offset, (pos, i, n, step) => {
    if (step === 1 && ArrayBuffer.isView(values)) dst.set((values as Storage).subarray(i, i + n), pos);
    else for (let k = 0; k < n; k++, pos += step) dst[pos] = values[i + k];
  });
}

/** acc[position of element i of the view] += values[i]: the gradient of a view (repeated positions add up). */
export function scatterAddStrided(acc: Float32Array, shape: readonly number[], strides: readonly number[], offset: number, values: ArrayLike<number>): void {
  walk(shape, strides, offset, (pos, i, n, step) => {
    for (let k = 0; k < n; k++, pos += step) acc[pos] += values[i + k];
  });
}

/** Row-major (contiguous) strides of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** PyTorch's is_contiguous: row-major strides on every dim of size > 1 (any layout of 0 or 1 element). */
export function isContiguousLayout(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d];
    if (n === 0) return true;
    if (n !== 1 && strides[d] !== expected) return false;
    expected *= n;
  }
  return true;
}

/** The largest storage position a view reaches (offset when it has no elements: nothing is read). */
export function maxPosition(shape: readonly number[], strides: readonly number[], offset: number): number {
  let p = offset;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 0) return offset;
    p += (shape[d] - 1) * strides[d];
  }
  return p;
}
