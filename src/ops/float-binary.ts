/**
 * The float32 fast path of add, sub and mul: one monomorphic loop per op where the broadcast is a plain
 * repeat, instead of binaryMap's call per element through an index map. The transformer step's residual
 * adds, positional-table add and query scaling went through binaryMap at ~10 ns per element.
 */
import { Tensor, shapeSize } from '../tensor.js';
import { broadcastShapes, repeatsAlong } from './broadcast.js';
import { activationBuffer } from '../util/grad-pool.js';
import { getBackend } from '../backend/select.js';

export type FloatBinaryOp = 'add' | 'sub' | 'mul';

/**
 * a op b for float32 a and b when each side is either the whole broadcast shape or repeats along it: a
 * single element, or a shape whose dims (leading 1s dropped) are the trailing dims of the result (a bias
 * row, a positional table added to every batch entry). Null for other broadcasts (binaryMap serves them)
 * and for other dtypes. Values are those of binaryMap: x + y, x - y, x * y rounded to float32.
 */
export function floatBinary(op: FloatBinaryOp, a: Tensor, b: Tensor): Tensor | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const shape = broadcastShapes(op, a.shape, b.shape);
  const n = shapeSize(shape);
  const ad = a.data as Float32Array;
  const bd = b.data as Float32Array;
  const m = Math.min(ad.length, bd.length);
  if (n === 0) return new Tensor(new Float32Array(0), shape);
  if (Math.max(ad.length, bd.length) !== n || !repeatsAlong(ad.length === n ? b.shape : a.shape, shape)) return null;
  const out = activationBuffer(n); // the op's own storage: recyclable when a container marks the result graph-internal
  if (m === 1) scalarLoop(op, ad, bd, out);
  else if (op === 'add' && m >= KERNEL_ADD_MIN) kernelAdd(ad, bd, out, m);
  else for (let base = 0; base < n; base += m) blockLoop(op, ad, ad.length === n ? base : 0, bd, bd.length === n ? base : 0, out, base, m);
  return new Tensor(out, shape);
}

/**
 * Blocks at least this long are added by the backend's add kernel (the one the autograd engine sums
 * gradients with): the residual sums and the positional-table add of the transformer step, where the
 * scalar loop was ~2% of the step on native. Shorter blocks (a bias of a few features repeated over many
 * rows) stay in blockLoop: a kernel call and subarray views per block would cost more than the adds.
 */
const KERNEL_ADD_MIN = 1024;

/** out = a + b by the add kernel, one call per repeated block of m elements (one call when neither repeats). */
function kernelAdd(a: Float32Array, b: Float32Array, out: Float32Array, m: number): void {
  const add = getBackend().add;
  const n = out.length;
  if (m === n) {
    add(a, b, out);
    return;
  }
  for (let base = 0; base < n; base += m) {
    const x = a.length === n ? a.subarray(base, base + m) : a;
    const y = b.length === n ? b.subarray(base, base + m) : b;
    add(x, y, out.subarray(base, base + m)); // a's element first, as binaryMap (a NaN's payload)
  }
}

/** out[base + j] = a[ao + j] op b[bo + j] for j < m. */
function blockLoop(op: FloatBinaryOp, a: Float32Array, ao: number, b: Float32Array, bo: number, out: Float32Array, base: number, m: number): void {
  if (op === 'add') for (let j = 0; j < m; j++) out[base + j] = a[ao + j]! + b[bo + j]!;
  else if (op === 'sub') for (let j = 0; j < m; j++) out[base + j] = a[ao + j]! - b[bo + j]!;
  else for (let j = 0; j < m; j++) out[base + j] = a[ao + j]! * b[bo + j]!;
}

/** One side a single element: out[i] = a[i] op y or x op b[i]. */
function scalarLoop(op: FloatBinaryOp, a: Float32Array, b: Float32Array, out: Float32Array): void {
  const n = out.length;
  if (b.length === 1) {
    const y = b[0]!;
    if (op === 'add') for (let i = 0; i < n; i++) out[i] = a[i]! + y;
    else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = a[i]! - y;
    else for (let i = 0; i < n; i++) out[i] = a[i]! * y;
  } else {
    const x = a[0]!;
    if (op === 'add') for (let i = 0; i < n; i++) out[i] = x + b[i]!;
    else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = x - b[i]!;
    else for (let i = 0; i < n; i++) out[i] = x * b[i]!;
  }
}
