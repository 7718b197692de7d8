/** Shared machinery for reductions over a set of dims (sum, mean, max, var, ...). */
import { Tensor } from '../tensor.js';
import { stridedIndex } from './strided-index.js';
import { dimArg, tensorArg } from './args.js';
import { describeValue } from '../util/describe.js';

export interface ReducePlan {
  /** Sorted, normalised dims reduced over. */
  dims: number[];
  /** Output shape (with or without kept singleton dims). */
  outShape: number[];
  /** Output shape with reduced dims kept as 1 (for broadcasting gradients back). */
  keptShape: number[];
  /** Elements reduced into each output. */
  count: number;
  /** For each input flat index, its output flat index. */
  outIndex: Int32Array;
}

/** dims undefined or [] means all dims (like torch.sum(x)). */
export function planReduce(op: string, x: Tensor, dim: number | readonly number[] | undefined, keepdim: boolean): ReducePlan {
  tensorArg(op, 'input', x);
  const nd = x.ndim;
  let dims: number[];
  // null is PyTorch's None: every dim.
  if (dim === undefined || dim === null || (Array.isArray(dim) && dim.length === 0)) dims = [...Array(nd).keys()];
  else if (typeof dim !== 'number' && !Array.isArray(dim)) {
    throw new TypeError(`${op}: expected dim to be an integer or an array of integers, got ${describeValue(dim)}`);
  } else dims = (typeof dim === 'number' ? [dim] : [...dim]).map((d) => dimArg(op, 'dimension', d, nd));
  if (typeof keepdim !== 'boolean') throw new TypeError(`${op}: expected keepdim to be a boolean, got ${describeValue(keepdim)}`);
  for (let i = 0; i < dims.length; i++) {
    if (dims.indexOf(dims[i]) !== i) throw new RangeError(`${op}: dim ${dims[i]} appears multiple times in the list of dims`);
  }
  dims = dims.sort((a, b) => a - b);
  if (nd === 0) dims = [];
  const keptShape = x.shape.map((d, i) => (dims.includes(i) ? 1 : d));
  const outShape = keepdim ? keptShape : x.shape.filter((_, i) => !dims.includes(i));
  const count = dims.reduce((a, d) => a * x.shape[d], 1);
  // out flat index for each input element: strides of keptShape with 0 on reduced dims
  const strides = new Array<number>(nd).fill(0);
  let s = 1;
  for (let i = nd - 1; i >= 0; i--) {
    strides[i] = dims.includes(i) ? 0 : s;
    s *= keptShape[i];
  }
  return { dims, outShape, keptShape, count, outIndex: stridedIndex(x.shape, strides) };
}

/** Broadcast a reduced gradient (keptShape) back over the input: out[f] = g[outIndex[f]] * scale. */
export function expandReduced(g: Tensor, plan: ReducePlan, inShape: readonly number[], scale = 1): Tensor {
  const out = new Float32Array(plan.outIndex.length);
  const gd = g.data;
  const idx = plan.outIndex;
  for (let f = 0; f < out.length; f++) out[f] = gd[idx[f]] * scale;
  return new Tensor(out, inShape);
}
