/** where: elementwise choice between two tensors by a bool condition (torch.where). */
import { Tensor, storageFor, shapeSize, type Shape } from '../tensor.js';
import { record } from '../autograd/record.js';
import { asTensor, promote, type TensorLike } from './elementwise.js';
import { broadcastIndex, broadcastShapes, sumToShape } from './broadcast.js';
import { tensorArg } from './args.js';

/**
 * input where condition is true, else other, with all three broadcast together; input/other may be
 * numbers. The result is float32 if either value side is float32, else int64 (bool if both are bool).
 *
 * Shape: broadcast of condition, input and other.
 * Gradients: input gets g where condition, other gets g where not (each summed to its own shape).
 * @example where(tensor([true, false]), tensor([1, 2], { dtype: 'float32' }), 0) // tensor([1., 0.])
 */
export function where(condition: Tensor, input: TensorLike, other: TensorLike): Tensor {
  tensorArg('where', 'condition', condition);
  if (condition.dtype !== 'bool') throw new TypeError(`where: expected condition to be a bool tensor, got ${condition.dtype}`);
  const ta = asTensor(input, 'where', other instanceof Tensor ? other : undefined, 'input');
  const tb = asTensor(other, 'where', ta, 'other');
  const dtype = ta.dtype === 'bool' && tb.dtype === 'bool' ? 'bool' : promote(ta, tb);
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, ta.shape), tb.shape);
  const n = shapeSize(shape);
  const map = (s: Shape) => broadcastIndex(s, shape);
  const ic = map(condition.shape);
  const ia = map(ta.shape);
  const ib = map(tb.shape);
  const cd = condition.data;
  const ad = ta.data;
  const bd = tb.data;
  const out = storageFor(dtype, n);
  for (let i = 0; i < n; i++) out[i] = cd[ic ? ic[i] : i] ? ad[ia ? ia[i] : i] : bd[ib ? ib[i] : i];
  return record(new Tensor(out, shape, dtype), 'WhereBackward0', [ta, tb], (g) => {
    const gd = g.data;
    const part = (side: Tensor, take: number) => {
      const o = new Float32Array(n);
      for (let i = 0; i < n; i++) if (cd[ic ? ic[i] : i] === take) o[i] = gd[i];
      return sumToShape(new Tensor(o, shape), side.shape);
    };
    return [ta.requiresGrad ? part(ta, 1) : null, tb.requiresGrad ? part(tb, 0) : null];
  }, { condition });
}
