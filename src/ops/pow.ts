/** pow: elementwise power, tensor^scalar, tensor^tensor or scalar^tensor (torch.pow). */
import { Tensor, storageFor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { asTensor, promote, type TensorLike } from './elementwise.js';
import { broadcastPair, sumToShape } from './broadcast.js';

/**
 * input ** exponent elementwise with broadcasting; either side (not both) may be a number.
 * Integer ** integer stays int64 (negative integer exponents are rejected, as in PyTorch); anything
 * involving a float gives float32.
 *
 * Shape: input and exponent broadcast to the output shape.
 * Gradients (PyTorch's conventions): input gets g * e * x^(e-1), and 0 where e == 0; exponent gets
 * g * x^e * ln(x), and 0 where x == 0 and e >= 0.
 * @example pow(tensor([1, 2, 3], { dtype: 'float32' }), 2) // tensor([1., 4., 9.])
 * @example pow(2, tensor([0, 1, 2], { dtype: 'float32' })) // tensor([1., 2., 4.])
 */
export function pow(input: TensorLike, exponent: TensorLike): Tensor {
  if (!(input instanceof Tensor) && !(exponent instanceof Tensor)) {
    asTensor(input, 'pow', undefined, 'input');
    throw new TypeError(`pow: expected input or exponent to be a Tensor, got two ${typeof exponent === 'number' ? 'numbers' : 'non-tensors'}`);
  }
  const ta = asTensor(input, 'pow', exponent instanceof Tensor ? exponent : undefined, 'input');
  const tb = asTensor(exponent, 'pow', ta, 'exponent');
  const dtype = promote(ta, tb);
  if (dtype === 'int64') {
    const e = tb.data;
    for (let i = 0; i < e.length; i++) {
      if (e[i] < 0) throw new RangeError(`pow: integers to negative integer powers are not allowed (exponent ${e[i]})`);
    }
  }
  const { shape, n, fa, fb, ia, ib } = broadcastPair('pow', ta, tb);
  const ad = ta.data;
  const bd = tb.data;
  const out = storageFor(dtype, n);
  if (fb) {
    const e = bd[0];
    if (e === 2) for (let i = 0; i < n; i++) { const x = ad[ia ? ia[i] : i]; out[i] = x * x; }
    else for (let i = 0; i < n; i++) out[i] = Math.pow(ad[ia ? ia[i] : i], e);
  } else {
    for (let i = 0; i < n; i++) out[i] = Math.pow(ad[fa ? 0 : ia ? ia[i] : i], bd[ib ? ib[i] : i]);
  }
  const result = new Tensor(out, shape, dtype);
  return record(result, 'PowBackward0', [ta, tb], (g) => {
    const gd = g.data;
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (ta.requiresGrad) {
      const o = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const x = ad[fa ? 0 : ia ? ia[i] : i];
        const e = bd[fb ? 0 : ib ? ib[i] : i];
        o[i] = e === 0 ? 0 : gd[i] * Math.fround(e * Math.fround(Math.pow(x, e - 1)));
      }
      ga = sumToShape(new Tensor(o, shape), ta.shape);
    }
    if (tb.requiresGrad) {
      const o = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const x = ad[fa ? 0 : ia ? ia[i] : i];
        const e = bd[fb ? 0 : ib ? ib[i] : i];
        o[i] = x === 0 && e >= 0 ? 0 : gd[i] * Math.fround(out[i] * Math.fround(Math.log(x)));
      }
      gb = sumToShape(new Tensor(o, shape), tb.shape);
    }
    return [ga, gb];
  });
}
