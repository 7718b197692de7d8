/** Argument checks, forward loop, reduction and backward shared by bceLoss and bceWithLogitsLoss. */
import { Tensor, shapeStr, type Shape } from '../tensor.js';
import { record, type OpAttrs } from '../autograd/record.js';
import { checkFloatTensor, checkReduction, reduceLoss, weightIndex, type Reduction } from './loss-reduction.js';

export interface BceArgs {
  reduction: Reduction;
  /** The weight broadcast to the input's shape (one value per element), or null without one. */
  weight: Float32Array | null;
  /** The positive-class weight broadcast to the input's shape, or null without one. */
  posWeight: Float32Array | null;
}

/** Values of `t` (already checked broadcastable to `shape`) for each flat index of `shape`. */
function expandTo(t: Tensor, idx: Int32Array | null): Float32Array {
  const d = t.data as Float32Array;
  if (idx === null) return d;
  const out = new Float32Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = d[idx[i]];
  return out;
}

/**
 * Checks float32 input and target of the same shape, the reduction, and the optional weight and
 * posWeight (float32, broadcastable to the input's shape), in that order; returns the weights
 * expanded to the input's shape.
 */
export function checkBceArgs(
  op: string, input: Tensor, target: Tensor, reduction: unknown, weight: Tensor | null | undefined, posWeight?: Tensor | null,
): BceArgs {
  checkFloatTensor(op, 'input', input);
  checkFloatTensor(op, 'target', target);
  const red = checkReduction(op, reduction);
  if (target.ndim !== input.ndim || target.shape.some((d, i) => d !== input.shape[i])) {
    throw new RangeError(`${op}: expected target of the input's shape ${shapeStr(input.shape)}, got ${shapeStr(target.shape)}`);
  }
  const w = weight ?? null;
  const pw = posWeight ?? null;
  if (w !== null) checkFloatTensor(op, 'weight', w);
  if (pw !== null) checkFloatTensor(op, 'posWeight', pw);
  const shape: Shape = input.shape;
  const iw = w ? weightIndex(op, 'weight', w, shape) : null;
  const ip = pw ? weightIndex(op, 'posWeight', pw, shape) : null;
  return { reduction: red, weight: w ? expandTo(w, iw) : null, posWeight: pw ? expandTo(pw, ip) : null };
}

/**
 * An elementwise loss of input and target (one shape): the per-element losses loss(i), reduced by
 * `reduction`, recorded as `gradName`. Its backward gives each of [input, target] that requires grad
 * the gradient grad(i, gi) at element i, where gi is g[i] (reduction 'none') or g * scale (scale from
 * reduceLoss), times weight[i] when there is a weight.
 */
export function elementwiseLoss(
  gradName: string, input: Tensor, target: Tensor, reduction: Reduction, weight: Float32Array | null,
  loss: (i: number) => number, gradInput: (i: number, gi: number) => number, gradTarget: (i: number, gi: number) => number,
  attrs?: OpAttrs,
): Tensor {
  const le = new Float64Array(input.data.length);
  for (let i = 0; i < le.length; i++) le[i] = loss(i);
  const { out, scale } = reduceLoss(le, input.shape, reduction);
  return record(out, gradName, [input, target], (g) => {
    const gd = g.data;
    const s = reduction === 'none' ? 0 : gd[0] * scale;
    const grad = (t: Tensor, f: (i: number, gi: number) => number): Tensor | null => {
      if (!t.requiresGrad) return null;
      const buf = new Float32Array(t.data.length);
      for (let i = 0; i < buf.length; i++) buf[i] = f(i, (reduction === 'none' ? gd[i] : s) * (weight ? weight[i] : 1));
      return new Tensor(buf, t.shape);
    };
    return [grad(input, gradInput), grad(target, gradTarget)];
  }, attrs);
}
