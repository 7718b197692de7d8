/** Shared pieces of the loss ops: the reduction argument, broadcasting a weight, reducing per-element losses. */
import { Tensor, shapeSize, shapeStr, type Shape } from '../tensor.js';
import { broadcastIndex, broadcastShapes } from './broadcast.js';
import { tensorArg } from './args.js';

/** How a loss combines its per-element values: 'mean' (default), 'sum' or 'none' (no reduction). */
export type Reduction = 'mean' | 'sum' | 'none';

export function checkReduction(op: string, reduction: unknown): Reduction {
  if (reduction === undefined) return 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new RangeError(`${op}: expected reduction to be 'none', 'mean' or 'sum', got '${String(reduction)}'`);
  }
  return reduction;
}

export function checkFloatTensor(op: string, name: string, v: unknown): Tensor {
  const t = tensorArg(op, name, v);
  if (t.dtype !== 'float32') throw new TypeError(`${op}: expected ${name} to be float32, got ${t.dtype}`);
  return t;
}

/**
 * For an optional tensor `t` that must broadcast to `shape` (a weight), the index of t's element for each
 * flat index of `shape`; null when t already has that shape.
 */
export function weightIndex(op: string, name: string, t: Tensor, shape: Shape): Int32Array | null {
  const b = broadcastShapes(op, t.shape, shape);
  if (b.length !== shape.length || b.some((d, i) => d !== shape[i])) {
    throw new RangeError(`${op}: expected ${name} broadcastable to the input's shape ${shapeStr(shape)}, got ${shapeStr(t.shape)}`);
  }
  return broadcastIndex(t.shape, shape);
}

/**
 * Reduce per-element losses `le` (of `shape`): the loss tensor and, for the backward, the factor each
 * element's gradient gets from the reduction (1/numel for 'mean', 1 otherwise).
 */
export function reduceLoss(le: Float64Array, shape: Shape, reduction: Reduction): { out: Tensor; scale: number } {
  if (reduction === 'none') return { out: new Tensor(Float32Array.from(le), shape), scale: 1 };
  let s = 0;
  for (let i = 0; i < le.length; i++) s += le[i];
  const n = shapeSize(shape);
  const v = reduction === 'sum' ? s : s / n;
  return { out: new Tensor(new Float32Array([v]), []), scale: reduction === 'sum' ? 1 : 1 / n };
}
