/** mseLoss: mean squared error, like torch.nn.functional.mse_loss (input and target broadcast). */
import { optionsArg } from './args.js';
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { broadcastIndex, broadcastShapes, sumToShape } from './broadcast.js';
import { checkFloatTensor, checkReduction, reduceLoss, type Reduction } from './loss-reduction.js';

export interface PointwiseLossOptions {
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/**
 * (input - target)^2, reduced.
 *
 * Shape: input and target broadcastable to one shape S; output () or S for reduction 'none'.
 * @example mseLoss(pred, target) // scalar
 */
export function mseLoss(input: Tensor, target: Tensor, opts: PointwiseLossOptions = {}): Tensor {
  opts = optionsArg('mseLoss', opts) as typeof opts;
  return pointwiseLoss('mseLoss', 'MseLossBackward0', input, target, opts, 2);
}

/** Shared body of mseLoss (power 2) and l1Loss (power 1). */
export function pointwiseLoss(op: string, name: string, input: Tensor, target: Tensor, opts: PointwiseLossOptions, power: 1 | 2): Tensor {
  checkFloatTensor(op, 'input', input);
  checkFloatTensor(op, 'target', target);
  const reduction = checkReduction(op, opts.reduction);
  const shape = broadcastShapes(op, input.shape, target.shape);
  const ia = broadcastIndex(input.shape, shape);
  const it = broadcastIndex(target.shape, shape);
  const xd = input.data as Float32Array;
  const td = target.data as Float32Array;
  const n = ia ? ia.length : it ? it.length : xd.length;
  const diff = new Float64Array(n);
  const le = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = xd[ia ? ia[i] : i] - td[it ? it[i] : i];
    diff[i] = d;
    le[i] = power === 2 ? d * d : Math.abs(d);
  }
  const { out, scale } = reduceLoss(le, shape, reduction);
  return record(out, name, [input, target], (g) => {
    const gd = g.data;
    const full = new Float32Array(n);
    const s = reduction === 'none' ? 0 : gd[0] * scale;
    for (let i = 0; i < n; i++) {
      const gi = reduction === 'none' ? gd[i] : s;
      const d = diff[i];
      full[i] = power === 2 ? 2 * d * gi : d > 0 ? gi : d < 0 ? -gi : d === 0 ? 0 : d;
    }
    const gFull = new Tensor(full, shape);
    const neg = (): Tensor => {
      const m = new Float32Array(n);
      for (let i = 0; i < n; i++) m[i] = -full[i];
      return new Tensor(m, shape);
    };
    return [
      input.requiresGrad ? new Tensor(sumToShape(gFull, input.shape).data, input.shape) : null,
      target.requiresGrad ? new Tensor(sumToShape(neg(), target.shape).data, target.shape) : null,
    ];
  });
}
