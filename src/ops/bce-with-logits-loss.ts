/** bceWithLogitsLoss: sigmoid + binary cross entropy in one stable op, like torch.nn.functional.binary_cross_entropy_with_logits. */
import { Tensor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { weightIndex, checkFloatTensor, checkReduction, reduceLoss, type Reduction } from './loss-reduction.js';

export interface BceWithLogitsLossOptions {
  /** Rescaling weight, broadcastable to the input's shape. */
  weight?: Tensor | null;
  /** Weight of positive examples, broadcastable to the input's shape (typically (C) for (N, C) input). */
  posWeight?: Tensor | null;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/**
 * weight * ((1 - t) * x + (1 + (posWeight - 1) * t) * log(1 + exp(-x))), computed without overflow
 * (log(1 + exp(-x)) = max(-x, 0) + log(exp(-max) + exp(-x - max))).
 *
 * Shape: input and target of the same shape S; output () or S for reduction 'none'.
 * @example bceWithLogitsLoss(logits, targets, { posWeight: tensor([3]) })
 */
export function bceWithLogitsLoss(input: Tensor, target: Tensor, opts: BceWithLogitsLossOptions = {}): Tensor {
  const op = 'bceWithLogitsLoss';
  checkFloatTensor(op, 'input', input);
  checkFloatTensor(op, 'target', target);
  const reduction = checkReduction(op, opts.reduction);
  if (target.ndim !== input.ndim || target.shape.some((d, i) => d !== input.shape[i])) {
    throw new RangeError(`${op}: expected target of the input's shape ${shapeStr(input.shape)}, got ${shapeStr(target.shape)}`);
  }
  const weight = opts.weight ?? null;
  const posWeight = opts.posWeight ?? null;
  if (weight !== null) checkFloatTensor(op, 'weight', weight);
  if (posWeight !== null) checkFloatTensor(op, 'posWeight', posWeight);
  const iw = weight ? weightIndex(op, 'weight', weight, input.shape) : null;
  const ip = posWeight ? weightIndex(op, 'posWeight', posWeight, input.shape) : null;
  const wd = weight ? (weight.data as Float32Array) : null;
  const pd = posWeight ? (posWeight.data as Float32Array) : null;
  const xd = input.data as Float32Array;
  const td = target.data as Float32Array;
  const n = xd.length;
  const le = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = xd[i];
    const t = td[i];
    const m = Math.max(-x, 0);
    const sp = m + Math.log(Math.exp(-m) + Math.exp(-x - m)); // log(1 + exp(-x))
    const lw = pd ? 1 + (pd[ip ? ip[i] : i] - 1) * t : 1;
    const w = wd ? wd[iw ? iw[i] : i] : 1;
    le[i] = w * ((1 - t) * x + lw * sp);
  }
  const { out, scale } = reduceLoss(le, input.shape, reduction);
  return record(out, 'BinaryCrossEntropyWithLogitsBackward0', [input, target], (g) => {
    const gd = g.data;
    const s = reduction === 'none' ? 0 : gd[0] * scale;
    let gx: Tensor | null = null;
    let gt: Tensor | null = null;
    if (input.requiresGrad) {
      // posWeight: ((pw * t) + 1 - t) * sigmoid(x) - pw * t; else sigmoid(x) - t
      const buf = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const x = xd[i];
        const t = td[i];
        const sig = 1 / (1 + Math.exp(-x));
        const w = wd ? wd[iw ? iw[i] : i] : 1;
        const gi = (reduction === 'none' ? gd[i] : s) * w;
        if (pd) {
          const pt = pd[ip ? ip[i] : i] * t;
          buf[i] = gi * ((pt + 1 - t) * sig - pt);
        } else buf[i] = gi * (sig - t);
      }
      gx = new Tensor(buf, input.shape);
    }
    if (target.requiresGrad) {
      // d/dt = -x + (posWeight - 1) * log(1 + exp(-x))
      const buf = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const x = xd[i];
        const m = Math.max(-x, 0);
        const sp = m + Math.log(Math.exp(-m) + Math.exp(-x - m));
        const w = wd ? wd[iw ? iw[i] : i] : 1;
        const gi = (reduction === 'none' ? gd[i] : s) * w;
        buf[i] = gi * (-x + (pd ? pd[ip ? ip[i] : i] - 1 : 0) * sp);
      }
      gt = new Tensor(buf, target.shape);
    }
    return [gx, gt];
  });
}
