/** index: x[idx] along dim 0 with an integer index tensor or a boolean mask (advanced indexing). */
import { Tensor, storageFor, shapeSize, shapeStr, type NestedArray } from '../tensor.js';
import { record } from '../autograd/record.js';
import { tensor } from '../creation.js';
import { tensorArg } from './args.js';
import { select } from './select.js';
import { describeValue } from '../util/describe.js';

/** Index argument: an int64 (or bool mask) tensor, nested arrays of integers/booleans, or one integer. */
export type IndexLike = Tensor | number | readonly NestedArray[];

/** Rows of x (flattened over its first `lead` dims) picked by `rows`, then shaped `outShape`. */
function gatherRows(x: Tensor, rows: Float64Array, lead: number, outShape: number[], name: string): Tensor {
  const inner = shapeSize(x.shape.slice(lead));
  const out = storageFor(x.dtype, rows.length * inner);
  const xd = x.data;
  for (let r = 0; r < rows.length; r++) out.set(xd.subarray(rows[r] * inner, (rows[r] + 1) * inner), r * inner);
  return record(new Tensor(out, outShape, x.dtype), name, [x], (g) => {
    const gx = new Float32Array(x.numel());
    const gd = g.data;
    for (let r = 0; r < rows.length; r++) {
      const dst = rows[r] * inner;
      const src = r * inner;
      for (let i = 0; i < inner; i++) gx[dst + i] += gd[src + i]; // repeated rows accumulate
    }
    return [new Tensor(gx, x.shape)];
  });
}

/**
 * `x[idx]` as in PyTorch, for an index on the first dim:
 * - an int64 tensor (or nested arrays of integers) picks rows; negative values count from the end;
 *   the result has shape idx.shape + x.shape[1:]; repeated rows get their gradients summed;
 * - a bool tensor (or nested arrays of booleans) is a mask over the first mask.ndim dims of x, which
 *   it must match; the result stacks the selected elements/rows: (count, ...x.shape[mask.ndim:]);
 * - a number is `select(x, 0, idx)`.
 * Always a copy.
 *
 * Shape: x (n, *rest), idx (*I) -> (*I, *rest).
 * @example index(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0]) // tensor([[5., 6.], [1., 2.]])
 * @example index(tensor([1, 2, 3]), tensor([true, false, true])) // tensor([1., 3.])
 */
export function index(x: Tensor, idx: IndexLike): Tensor {
  tensorArg('index', 'input', x);
  if (typeof idx === 'number') {
    // select's checks, in index's name
    if (!Number.isInteger(idx)) throw new TypeError(`index: expected idx to be an integer, got ${idx}`);
    if (x.ndim === 0) throw new RangeError('index: cannot index a 0-d tensor (input) with an integer');
    if (idx < -x.shape[0] || idx >= x.shape[0]) {
      throw new RangeError(`index: index ${idx} is out of bounds for dimension 0 with size ${x.shape[0]}`);
    }
    return select(x, 0, idx);
  }
  let it: Tensor;
  if (idx instanceof Tensor) it = idx;
  else if (Array.isArray(idx)) {
    try {
      it = tensor(idx as NestedArray);
    } catch (e) {
      throw new TypeError(`index: expected idx to hold integers or booleans (${(e as Error).message.replace(/^tensor: /, '')})`);
    }
    if (it.dtype !== 'bool') {
      if (!Array.from(it.data).every(Number.isInteger)) throw new TypeError('index: expected idx to hold integers or booleans');
      it = new Tensor(Float64Array.from(it.data), it.shape, 'int64');
    }
  } else throw new TypeError(`index: expected idx to be a Tensor, an array or an integer, got ${describeValue(idx)}`);
  if (it.dtype === 'float32') throw new TypeError('index: tensors used as indices (idx) must be int64 or bool, got float32');
  if (x.ndim === 0) throw new RangeError('index: cannot index a 0-d tensor (input) with a tensor idx');

  if (it.dtype === 'bool') {
    const k = it.ndim;
    if (k === 0 || k > x.ndim || it.shape.some((s, i) => s !== x.shape[i])) {
      throw new RangeError(`index: the shape of the mask idx ${shapeStr(it.shape)} does not match the shape of the indexed tensor ${shapeStr(x.shape)}`);
    }
    const md = it.data;
    let count = 0;
    for (let i = 0; i < md.length; i++) if (md[i]) count++;
    const rows = new Float64Array(count);
    for (let i = 0, r = 0; i < md.length; i++) if (md[i]) rows[r++] = i;
    return gatherRows(x, rows, k, [count, ...x.shape.slice(k)], 'IndexBackward0');
  }

  const size = x.shape[0];
  const rows = new Float64Array(it.numel());
  const id = it.data;
  for (let r = 0; r < rows.length; r++) {
    const v = id[r];
    if (v < -size || v >= size) throw new RangeError(`index: index ${v} in idx is out of bounds for dimension 0 with size ${size}`);
    rows[r] = v < 0 ? v + size : v;
  }
  return gatherRows(x, rows, 1, [...it.shape, ...x.shape.slice(1)], 'IndexBackward0');
}
