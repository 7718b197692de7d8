/** argmax: positions of the largest values (torch.argmax), int64. */
import { Tensor, shapeStr } from '../tensor.js';
import { boolArg, dimArg, splitAt, tensorArg } from './args.js';
import { extremeIndex } from './max.js';

/** Shared by argmax and argmin. */
export function argExtreme(op: 'argmax' | 'argmin', x: Tensor, dim: number | null | undefined, keepdim: boolean): Tensor {
  tensorArg(op, 'input', x);
  boolArg(op, 'keepdim', keepdim);
  const isMax = op === 'argmax';
  if (dim === undefined || dim === null) {
    const n = x.numel();
    if (n === 0) throw new RangeError(`${op}: expected reduction dim to be specified for input.numel() == 0 (input of shape ${shapeStr(x.shape)})`);
    const out = new Float64Array([extremeIndex(x.data, 0, n, 1, isMax)]);
    return new Tensor(out, keepdim ? x.shape.map(() => 1) : [], 'int64');
  }
  const d = dimArg(op, 'dim', dim, x.ndim);
  const { outer, size, inner } = splitAt(x.shape, d);
  if (size === 0) throw new RangeError(`${op}: expected reduction dim ${dim} to have non-zero size (input of shape ${shapeStr(x.shape)})`);
  const outShape = x.ndim === 0 ? [] : keepdim ? x.shape.map((s, i) => (i === d ? 1 : s)) : x.shape.filter((_, i) => i !== d);
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) out[o * inner + j] = extremeIndex(x.data, o * size * inner + j, size, inner, isMax);
  }
  return new Tensor(out, outShape, 'int64');
}

/**
 * Index of the largest element (flat index into the row-major data when dim is omitted), or of the
 * largest along `dim`. Ties give the first index; NaN counts as largest. int64, never differentiable.
 *
 * Shape: x (*) -> () without dim (all ones with keepdim); along dim d, the dim is removed (or kept as 1).
 * @example argmax(tensor([[1, 5], [4, 2]], { dtype: 'float32' }), 1) // tensor([1, 0])
 */
export function argmax(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argExtreme('argmax', x, dim, keepdim);
}
