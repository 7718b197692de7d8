/** bceLoss: binary cross entropy of probabilities, like torch.nn.functional.binary_cross_entropy. */
import { Tensor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { weightIndex, checkFloatTensor, checkReduction, reduceLoss, type Reduction } from './loss-reduction.js';

export interface BceLossOptions {
  /** Rescaling weight, broadcastable to the input's shape. */
  weight?: Tensor | null;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/**
 * -weight * (t * log(x) + (1 - t) * log(1 - x)), each log clamped to >= -100 as in PyTorch (so x = 0 or 1
 * gives a finite loss). Input values must lie in [0, 1].
 *
 * Shape: input and target of the same shape S; output () or S for reduction 'none'.
 * @example bceLoss(sigmoid(logits), targets)
 */
export function bceLoss(input: Tensor, target: Tensor, opts: BceLossOptions = {}): Tensor {
  const op = 'bceLoss';
  checkFloatTensor(op, 'input', input);
  checkFloatTensor(op, 'target', target);
  const reduction = checkReduction(op, opts.reduction);
  if (target.ndim !== input.ndim || target.shape.some((d, i) => d !== input.shape[i])) {
    throw new RangeError(`${op}: expected target of the input's shape ${shapeStr(input.shape)}, got ${shapeStr(target.shape)}`);
  }
  const weight = opts.weight ?? null;
  if (weight !== null) checkFloatTensor(op, 'weight', weight);
  const iw = weight ? weightIndex(op, 'weight', weight, input.shape) : null;
  const wd = weight ? (weight.data as Float32Array) : null;
  const xd = input.data as Float32Array;
  const td = target.data as Float32Array;
  const n = xd.length;
  const le = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = xd[i];
    if (!(x >= 0 && x <= 1)) throw new RangeError(`${op}: all elements of input should be between 0 and 1, got ${x} at flat index ${i}`);
    const t = td[i];
    const w = wd ? wd[iw ? iw[i] : i] : 1;
    le[i] = w * ((t - 1) * Math.max(Math.log1p(-x), -100) - t * Math.max(Math.log(x), -100));
  }
  const { out, scale } = reduceLoss(le, input.shape, reduction);
  return record(out, 'BinaryCrossEntropyBackward0', [input, target], (g) => {
    const gd = g.data;
    const s = reduction === 'none' ? 0 : gd[0] * scale;
    let gx: Tensor | null = null;
    let gt: Tensor | null = null;
    if (input.requiresGrad) {
      // PyTorch: g * (x - t) / max((1 - x) * x, 1e-12) * w
      const buf = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const x = xd[i];
        const w = wd ? wd[iw ? iw[i] : i] : 1;
        buf[i] = ((reduction === 'none' ? gd[i] : s) * w * (x - td[i])) / Math.max((1 - x) * x, 1e-12);
      }
      gx = new Tensor(buf, input.shape);
    }
    if (target.requiresGrad) {
      // d/dt = w * (log(1 - x) - log(x)), logs clamped like the forward
      const buf = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const x = xd[i];
        const w = wd ? wd[iw ? iw[i] : i] : 1;
        buf[i] = (reduction === 'none' ? gd[i] : s) * w * (Math.max(Math.log1p(-x), -100) - Math.max(Math.log(x), -100));
      }
      gt = new Tensor(buf, target.shape);
    }
    return [gx, gt];
  });
}
