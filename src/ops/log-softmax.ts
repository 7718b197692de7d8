/** logSoftmax along one dim, numerically stable (log-sum-exp around the max), like torch.log_softmax. */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { dimLayout, maxAlong } from './softmax.js';

/**
 * out[(o * size + k) * inner + j] = x - max - log(sum(exp(x - max))) over k, for each (o, j), computed in
 * float64 and stored into `out` (which may be a Float32Array or a Float64Array).
 */
export function logSoftmaxInto(
  xd: ArrayLike<number>, outer: number, size: number, inner: number, out: Float32Array | Float64Array,
): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * size * inner + j;
      const m = maxAlong(xd, base, size, inner);
      let s = 0;
      for (let k = 0, p = base; k < size; k++, p += inner) s += Math.exp(xd[p] - m);
      const lse = m + Math.log(s);
      for (let k = 0, p = base; k < size; k++, p += inner) out[p] = xd[p] - lse;
    }
  }
}

/**
 * log(softmax(x)) along `dim`, without the overflow/underflow of the naive form.
 *
 * Shape: any; the output has the input's shape.
 * @example logSoftmax(tensor([[1, 2, 3]], { dtype: 'float32' }), 1) // tensor([[-2.4076, -1.4076, -0.4076]])
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const { outer, size, inner } = dimLayout('logSoftmax', x, dim);
  const y = new Float32Array(x.data.length);
  logSoftmaxInto(x.data as Float32Array, outer, size, inner, y);
  return record(new Tensor(y, x.shape), 'LogSoftmaxBackward0', [x], (g) => {
    // gx = g - exp(y) * sum(g)
    const gd = g.data;
    const gx = new Float32Array(y.length);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * size * inner + j;
        let s = 0;
        for (let k = 0, p = base; k < size; k++, p += inner) s += gd[p];
        for (let k = 0, p = base; k < size; k++, p += inner) gx[p] = gd[p] - Math.exp(y[p]) * s;
      }
    }
    return [new Tensor(gx, x.shape)];
  }, { dim }, { savesNothing: true, savesOutput: true });
}
