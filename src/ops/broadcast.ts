/** Broadcasting (NumPy/PyTorch rules) and its gradient reduction. */
import { Tensor, shapeSize, shapeStr, type Shape } from '../tensor.js';
import { stridedIndex } from './strided-index.js';
import { getBackend } from '../backend/select.js';

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
  if (inShape.length === outShape.length && inShape.every((d, i) => d === outShape[i])) return null;
  const nd = outShape.length;
  const off = nd - inShape.length;
  // stride of each out dim in the input (0 where broadcast)
  const inStrides = new Array<number>(nd).fill(0);
  let s = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    inStrides[i + off] = inShape[i] === 1 ? 0 : s;
    s *= inShape[i];
  }
  return stridedIndex(outShape, inStrides);
}

/** How two operands are read at each flat index i of their broadcast shape. */
export interface PairBroadcast {
  /** The broadcast shape, and its number of elements. */
  shape: number[];
  n: number;
  /** a (b) holds a single element, read for every output element (its index map is then null). */
  fa: boolean;
  fb: boolean;
  /** a's (b's) flat index for output element i; null when it is i itself (same shape) or the operand is single. */
  ia: Int32Array | null;
  ib: Int32Array | null;
}

/**
 * The broadcast of a and b (a RangeError naming `op` when they do not broadcast) and how to read each:
 * element i of the result reads a[fa ? 0 : ia ? ia[i] : i] and b likewise.
 */
export function broadcastPair(op: string, a: Tensor, b: Tensor): PairBroadcast {
  const shape = broadcastShapes(op, a.shape, b.shape);
  const n = shapeSize(shape);
  const fa = a.data.length === 1 && n !== 1;
  const fb = b.data.length === 1 && n !== 1;
  const ia = fa ? null : broadcastIndex(a.shape, shape);
  const ib = fb ? null : broadcastIndex(b.shape, shape);
  return { shape, n, fa, fb, ia, ib };
}

/**
 * True if `own` (leading 1s dropped) is the trailing dims of `shape`: broadcast to `shape`, its elements
 * repeat as one block in row-major order (a bias row, a positional table added to every batch entry).
 */
export function repeatsAlong(own: Shape, shape: Shape): boolean {
  let s = 0;
  while (s < own.length && own[s] === 1) s++;
  const k = own.length - s;
  if (k > shape.length) return false;
  for (let i = 0; i < k; i++) if (own[s + i] !== shape[shape.length - k + i]) return false;
  return true;
}

/**
 * Sum a gradient of the broadcast shape back down to `shape` (the reverse of broadcasting): each target
 * element the float64 sum, in row-major order of g, of the elements that read it, rounded once.
 */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (shape.length === g.shape.length && shape.every((d, i) => d === g.shape[i])) return g;
  const m = shapeSize(shape);
  const gd = g.data;
  if (m > 0 && gd instanceof Float32Array && repeatsAlong(shape, g.shape)) {
    // a repeated trailing block: g viewed as (rows, m) and summed down its columns, the same order and
    // float64 accumulation as the index loop below (the positional table's and bias-like gradients)
    const out = new Float32Array(m);
    getBackend().columnSum(gd, out, { rows: gd.length / m, cols: m });
    return new Tensor(out, shape);
  }
  const idx = broadcastIndex(shape, g.shape)!;
  const out = new Float32Array(m);
  const acc = new Float64Array(out.length);
  for (let f = 0; f < idx.length; f++) acc[idx[f]] += gd[f];
  out.set(acc);
  return new Tensor(out, shape);
}
