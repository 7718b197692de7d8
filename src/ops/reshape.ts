/** reshape / view / flatten / squeeze / unsqueeze: same storage, new shape (contiguous tensors only). */
import { Tensor, shapeSize, shapeStr, normalizeDim, type Shape } from '../tensor.js';
import { record } from '../autograd/record.js';
import { tensorArg } from './args.js';
import { describeValue } from '../util/describe.js';

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

/** A tensor with the same elements and storage in a new shape (one dim may be -1). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  tensorArg('reshape', 'input', x);
  const s = inferShape('reshape', shape, x.numel());
  const out = new Tensor(x.data, s, x.dtype);
  return record(out, 'ViewBackward0', [x], (g) => [new Tensor(g.data, x.shape)]);
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

/** Remove dims of size 1 (all, or the given one if it has size 1). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  tensorArg('squeeze', 'input', x);
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const d = normalizeDim('squeeze', dim, x.ndim);
  if (x.ndim === 0 || x.shape[d] !== 1) return reshape(x, x.shape);
  return reshape(x, x.shape.filter((_, i) => i !== d));
}

/** Insert a dim of size 1 at `dim` (range [-ndim-1, ndim]). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  tensorArg('unsqueeze', 'input', x);
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}
