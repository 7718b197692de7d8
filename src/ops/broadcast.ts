/** Broadcasting (NumPy/PyTorch rules) and its gradient reduction. */
import { Tensor, shapeSize, shapeStr, type Shape } from '../tensor.js';

/** The broadcast shape of a and b, or a RangeError naming the op. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${op}: the size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}; shapes ${shapeStr(a)} and ${shapeStr(b)}`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * For each flat index of `outShape`, the flat index into a tensor of `inShape` broadcast to it.
 * Returns null when no mapping is needed (same shape).
 */
export function broadcastIndex(inShape: Shape, outShape: Shape): Int32Array | null {
  const total = shapeSize(outShape);
  if (inShape.length === outShape.length && inShape.every((d, i) => d === outShape[i])) return null;
  const idx = new Int32Array(total);
  const nd = outShape.length;
  const off = nd - inShape.length;
  // stride of each out dim in the input (0 where broadcast)
  const inStrides = new Array<number>(nd).fill(0);
  let s = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    inStrides[i + off] = inShape[i] === 1 ? 0 : s;
    s *= inShape[i];
  }
  const counter = new Array<number>(nd).fill(0);
  let cur = 0;
  for (let f = 0; f < total; f++) {
    idx[f] = cur;
    for (let d = nd - 1; d >= 0; d--) {
      counter[d]++;
      cur += inStrides[d];
      if (counter[d] < outShape[d]) break;
      cur -= inStrides[d] * counter[d];
      counter[d] = 0;
    }
  }
  return idx;
}

/** Sum a gradient of the broadcast shape back down to `shape` (the reverse of broadcasting). */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  const idx = broadcastIndex(shape, g.shape);
  if (idx === null) return g;
  const out = new Float32Array(shapeSize(shape));
  const acc = new Float64Array(out.length);
  const gd = g.data;
  for (let f = 0; f < idx.length; f++) acc[idx[f]] += gd[f];
  out.set(acc);
  return new Tensor(out, shape);
}
