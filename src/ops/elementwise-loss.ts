/**
 * The shared body of the losses that are a sum of one term per element of broadcast input and target
 * (mseLoss, l1Loss, huberLoss, smoothL1Loss, klDiv): checks, broadcasting, the per-element term and
 * its two partial derivatives, the reduction, and the backward.
 */
import { Tensor } from '../tensor.js';
import { record, type OpAttrs } from '../autograd/record.js';
import { broadcastIndex, broadcastShapes, sumToShape } from './broadcast.js';
import { checkFloatTensor, reduceLoss, type Reduction } from './loss-reduction.js';

/**
 * One element's term: writes out[0] = loss(x, t), out[1] = d loss / d x, out[2] = d loss / d t, all in
 * float64.
 */
export type ElementLoss = (x: number, t: number, out: Float64Array) => void;

/**
 * sum / mean / none of elem(input[i], target[i]) over the broadcast shape; 'batchmean' divides the sum by
 * the size of the first dim (klDiv). `reduction` must already be checked.
 *
 * Shape: input and target broadcastable to one shape S; output () or S for 'none'.
 */
export function elementwiseLoss(
  op: string, gradName: string, input: Tensor, target: Tensor, reduction: Reduction | 'batchmean', elem: ElementLoss,
  attrs?: OpAttrs,
): Tensor {
  checkFloatTensor(op, 'input', input);
  checkFloatTensor(op, 'target', target);
  const shape = broadcastShapes(op, input.shape, target.shape);
  const ia = broadcastIndex(input.shape, shape);
  const it = broadcastIndex(target.shape, shape);
  const xd = input.data as Float32Array;
  const td = target.data as Float32Array;
  const n = ia ? ia.length : it ? it.length : xd.length;
  const le = new Float64Array(n);
  const dx = new Float64Array(n);
  const dt = new Float64Array(n);
  const term = new Float64Array(3);
  for (let i = 0; i < n; i++) {
    elem(xd[ia ? ia[i] : i], td[it ? it[i] : i], term);
    le[i] = term[0];
    dx[i] = term[1];
    dt[i] = term[2];
  }
  let out: Tensor;
  let scale: number;
  if (reduction === 'batchmean') {
    let s = 0;
    for (let i = 0; i < n; i++) s += le[i];
    scale = shape.length === 0 ? 1 : 1 / shape[0]; // PyTorch divides a 0-d input by nothing
    out = new Tensor(new Float32Array([s * scale]), []);
  } else {
    ({ out, scale } = reduceLoss(le, shape, reduction));
  }
  return record(out, gradName, [input, target], (g) => {
    const gd = g.data;
    const s = reduction === 'none' ? 0 : gd[0] * scale;
    const grad = (d: Float64Array, like: Tensor): Tensor => {
      const full = new Float32Array(n);
      for (let i = 0; i < n; i++) full[i] = d[i] * (reduction === 'none' ? gd[i] : s);
      return new Tensor(sumToShape(new Tensor(full, shape), like.shape).data, like.shape);
    };
    return [input.requiresGrad ? grad(dx, input) : null, target.requiresGrad ? grad(dt, target) : null];
  }, { reduction, ...attrs });
}

/** sign(d) with sign(0) = 0 and NaN kept (the gradient of |d|, as in PyTorch). */
export function signOf(d: number): number {
  return d > 0 ? 1 : d < 0 ? -1 : d === 0 ? 0 : d;
}
