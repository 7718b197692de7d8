/**
 * view / reshape / flatten / squeeze / unsqueeze: the same storage in a new shape. `view` needs strides
 * that express the new shape (PyTorch's rule, below); `reshape` is a view when they exist, else a copy.
 * squeeze and unsqueeze are always views.
 */
import { Tensor, shapeSize, shapeStr, normalizeDim, type Shape, type ViewLayout } from '../tensor.js';
import { record } from '../autograd/record.js';
import { tensorArg } from './args.js';
import { describeValue } from '../util/describe.js';
import { contiguousStrides } from '../util/strided-copy.js';
import { viewOf } from './as-view.js';
import { contiguous } from './contiguous.js';

/** Resolve one -1 in `shape` against numel, PyTorch's error if impossible. */
export function inferShape(op: string, shape: Shape, numel: number): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${op}: expected shape to be an array of integers, got ${describeValue(shape)}`);
  for (let i = 0; i < shape.length; i++) {
    if (typeof shape[i] !== 'number') throw new TypeError(`${op}: expected shape to hold integers, got ${describeValue(shape[i])} at position ${i}`);
  }
  const out = [...shape];
  const neg = out.reduce<number[]>((acc, d, i) => (d === -1 ? [...acc, i] : acc), []);
  if (neg.length > 1) throw new RangeError(`${op}: only one dimension can be inferred`);
  for (const d of out) {
    if (!Number.isInteger(d) || d < -1) throw new RangeError(`${op}: invalid shape dimension ${d} in ${shapeStr(shape)}`);
  }
  if (neg.length === 1) {
    const rest = out.reduce((a, d) => (d === -1 ? a : a * d), 1);
    if (rest === 0 || numel % rest !== 0) throw new RangeError(`${op}: shape ${shapeStr(shape)} is invalid for input of size ${numel}`);
    out[neg[0]] = numel / rest;
  }
  if (shapeSize(out) !== numel) throw new RangeError(`${op}: shape ${shapeStr(shape)} is invalid for input of size ${numel}`);
  return out;
}

/**
 * Strides that lay `newShape` over a tensor of `shape` and `strides` without moving elements, or null
 * when none exist (PyTorch's computeStride rule, restated): the old dims fall into runs that are
 * contiguous among themselves; each run must be cut into whole new dims, which then get strides within
 * the run. Size-1 dims fit anywhere.
 */
export function viewStrides(shape: Shape, strides: readonly number[], newShape: Shape): number[] | null {
  if (shape.length === 0) return newShape.map(() => 1);
  const numel = shapeSize(shape);
  if (numel === 0) return shape.length === newShape.length && shape.every((d, i) => d === newShape[i]) ? [...strides] : contiguousStrides(newShape.map((d) => Math.max(d, 1)));
  const out = new Array<number>(newShape.length);
  let v = newShape.length - 1;
  let runStride = strides[strides.length - 1];
  let runNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    runNumel *= shape[d];
    // A run ends at dim 0 or where the next outer dim does not continue it.
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== runNumel * runStride)) {
      while (v >= 0 && (viewNumel < runNumel || newShape[v] === 1)) {
        out[v] = viewNumel * runStride;
        viewNumel *= newShape[v];
        v--;
      }
      if (viewNumel !== runNumel) return null;
      if (d > 0) {
        runStride = strides[d - 1];
        runNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return v === -1 ? out : null;
}

/** x in shape s as a view (strides already known to exist), recorded as ViewBackward0. */
function viewAs(x: Tensor, s: number[], strides: number[]): Tensor {
  const layout: ViewLayout = { shape: s, strides, offset: x.storageOffset() };
  const out = Tensor._alias(x, layout, true);
  if (x.dtype !== 'float32') return out;
  return record(out, 'ViewBackward0', [x], (g) => [new Tensor(g.data, x.shape)], undefined, { savesNothing: true });
}

/** Strides for shape s over x: row-major for a contiguous x, else PyTorch's rule (null: none). */
function stridesFor(x: Tensor, s: number[]): number[] | null {
  return x.isContiguous() ? contiguousStrides(s) : viewStrides(x.shape, x.stride(), s);
}

/**
 * The same elements in a new shape (one dim may be -1): a view sharing x's storage when strides for it
 * exist (always for a contiguous x), else a contiguous copy, as torch.reshape.
 *
 * Shape: x (*) -> shape, same number of elements.
 * @example reshape(arange(6), [2, 3]) // a view of the same storage
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  tensorArg('reshape', 'input', x);
  const s = inferShape('reshape', shape, x.numel());
  const strides = stridesFor(x, s);
  if (strides !== null) return viewAs(x, s, strides);
  return viewAs(contiguous(x), s, contiguousStrides(s));
}

/**
 * x in a new shape as a view of its storage (torch.Tensor.view); one dim may be -1. RangeError, in
 * PyTorch's words, when x's strides cannot express the shape (e.g. after a transpose): use reshape.
 *
 * Shape: x (*) -> shape, same number of elements.
 * @example arange(6).view([3, 2]).t().reshape([6]) // view() would throw here
 */
export function view(x: Tensor, shape: Shape): Tensor {
  tensorArg('view', 'input', x);
  const s = inferShape('view', shape, x.numel());
  const strides = stridesFor(x, s);
  if (strides === null) {
    throw new RangeError(
      "view: view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  return viewAs(x, s, strides);
}

/** Flatten dims startDim..endDim into one (torch.flatten). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  tensorArg('flatten', 'input', x);
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.ndim);
  const e = normalizeDim('flatten', endDim, x.ndim);
  if (s > e) throw new RangeError(`flatten: startDim (${startDim}) cannot come after endDim (${endDim})`);
  const shape = [...x.shape.slice(0, s), shapeSize(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** Remove dims of size 1 (all, or the given one if it has size 1), as a view of x. */
export function squeeze(x: Tensor, dim?: number): Tensor {
  tensorArg('squeeze', 'input', x);
  const keep = (i: number) => x.shape[i] !== 1 || (dim !== undefined && i !== d);
  const d = dim === undefined ? -1 : normalizeDim('squeeze', dim, x.ndim);
  return viewOf('ViewBackward0', x, (l) => ({
    shape: l.shape.filter((_, i) => keep(i)),
    strides: l.strides.filter((_, i) => keep(i)),
    offset: l.offset,
  }), undefined, true);
}

/** Insert a dim of size 1 at `dim` (range [-ndim-1, ndim]), as a view of x. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  tensorArg('unsqueeze', 'input', x);
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  return viewOf('ViewBackward0', x, (l) => {
    const shape = [...l.shape];
    const strides = [...l.strides];
    // PyTorch's stride for the new dim: what stepping over the dim after it would take.
    strides.splice(d, 0, d < l.shape.length ? l.shape[d] * l.strides[d] : 1);
    shape.splice(d, 0, 1);
    return { shape, strides, offset: l.offset };
  }, undefined, true);
}
