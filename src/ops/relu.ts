/** relu(x) = max(x, 0), like torch.relu (NaN propagates, -0 stays -0). */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';

/**
 * Rectified linear unit, elementwise.
 *
 * Shape: any; the output has the input's shape. Integer input is allowed (no gradient).
 * @example relu(tensor([-1, 0, 2])) // tensor([0., 0., 2.])
 */
export function relu(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`relu: expected input to be a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (x.dtype === 'bool') throw new TypeError('relu: expected a float32 or int64 tensor, got bool');
  const n = x.data.length;
  let y: Float32Array | Float64Array;
  if (x.dtype === 'float32') {
    y = new Float32Array(n);
    // Branch-free on the float bits (a sign-dependent branch mispredicts on real data): keep the value when
    // the sign bit is clear, when it is NaN (of either sign) or -0, else write +0.
    const xb = int32View(x.data as Float32Array);
    const yb = int32View(y);
    for (let i = 0; i < n; i++) {
      const b = xb[i];
      const a = b & 0x7fffffff;
      // all-ones masks: sign clear | NaN (a > bits of inf) | zero (a == 0, so -0 too)
      yb[i] = b & (~(b >> 31) | ((0x7f800000 - a) >> 31) | ((a - 1) >> 31));
    }
  } else {
    const xd = x.data;
    y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = xd[i];
      y[i] = v < 0 ? 0 : v;
    }
  }
  const out = new Tensor(y, x.shape, x.dtype);
  return record(out, 'ReluBackward0', [x], (g) => [reluBackward(g, y as Float32Array)]);
}

/** The same bytes as an Int32Array (for bit-level selects). */
function int32View(a: Float32Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length);
}

/** g where the relu output is > 0 (or NaN), else 0 (PyTorch's threshold_backward), without branches. */
export function reluBackward(g: Tensor, y: Float32Array): Tensor {
  const n = y.length;
  const gx = new Float32Array(n);
  const gb = int32View(g.data as Float32Array);
  const yb = int32View(y);
  const ob = int32View(gx);
  for (let i = 0; i < n; i++) {
    const b = yb[i];
    const a = b & 0x7fffffff;
    // all-ones masks: (sign clear & non-zero) | NaN
    ob[i] = gb[i] & ((~(b >> 31) & ~((a - 1) >> 31)) | ((0x7f800000 - a) >> 31));
  }
  return new Tensor(gx, g.shape);
}
