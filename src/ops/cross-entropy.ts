/**
 * crossEntropy: log-softmax over the class dim followed by the negative log-likelihood, fused, like
 * torch.nn.functional.cross_entropy — class-index or class-probability targets, class weights,
 * ignoreIndex and label smoothing with PyTorch 1.13's exact reduction semantics.
 */
import { Tensor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { checkReduction, type Reduction } from './loss-reduction.js';
import { checkClassTarget, checkClassWeight, checkIgnoreIndex, classLayout } from './nll-loss.js';
import { logSoftmaxInto } from './log-softmax.js';
import { tensorArg, optionsArg } from './args.js';
import { getBackend } from '../backend/select.js';
import { gradBuffer } from '../util/grad-pool.js';

/** softmax over each of `rows` rows of `c` logits, on the backend's kernel, into a gradient-pool array. */
function softmaxRows(x: Float32Array, rows: number, c: number): Float32Array {
  const y = gradBuffer(rows * c);
  getBackend().softmaxForward(x, null, y, { rows, d: c, maskRows: 1 });
  return y;
}

/** Options of `nn.functional.crossEntropy`: class weights, ignoreIndex, reduction and labelSmoothing. */
export interface CrossEntropyOptions {
  /** Per-class weight (C). */
  weight?: Tensor | null;
  /** Class-index target value that contributes nothing (default -100). Not allowed (>= 0) with probability targets. */
  ignoreIndex?: number;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
  /** In [0, 1]: mix the target with the uniform distribution, target * (1 - s) + s / C. Default 0. */
  labelSmoothing?: number;
}

/**
 * Cross entropy between logits and targets. The class dim is 1 (0 for (C) input).
 *
 * Targets are either class indices (int64, shape (N) / (N, d1, ...) / ()) or class probabilities (float32,
 * the input's shape, e.g. one-hot). Reductions follow PyTorch exactly:
 * - indices, 'mean': sum_i w[y_i] * nll_i / sum_i w[y_i] over non-ignored i (NaN if none); with label
 *   smoothing s, loss_i = (1 - s) * nll_i + s / C * sum_c w_c * -logp_ic, and the smoothing term is divided
 *   by the same weight sum (the count of non-ignored targets without a weight);
 * - probabilities, 'mean': the sum over all positions divided by the number of positions (N * d1 * ...).
 *
 * Shape: input (C), (N, C) or (N, C, d1, ...); output () or the target-position shape for 'none'.
 * @example crossEntropy(logits, labels, { labelSmoothing: 0.1 })
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  opts = optionsArg('crossEntropy', opts) as typeof opts;
  const op = 'crossEntropy';
  const lay = classLayout(op, input);
  tensorArg(op, 'target', target);
  const reduction = checkReduction(op, opts.reduction);
  const ignoreIndex = checkIgnoreIndex(op, opts.ignoreIndex);
  const eps = opts.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1)) {
    throw new RangeError(`${op}: expected labelSmoothing to be between 0.0 and 1.0, got ${String(eps)}`);
  }
  const wd = checkClassWeight(op, opts.weight, lay.c);
  const { n, c, inner, positions } = lay;
  const numel = input.numel();
  const probTarget = target.ndim === input.ndim && target.shape.every((d, i) => d === input.shape[i]);

  let td!: Float32Array | Float64Array; // class indices here, or the probabilities (assigned below)
  if (!probTarget) {
    if (target.dtype !== 'int64') {
      throw new TypeError(
        `${op}: expected target of dtype int64 with shape ${shapeStr(lay.targetShape)} (class indices) or float32 with the input's shape ${shapeStr(input.shape)} (class probabilities), got ${target.dtype} of shape ${shapeStr(target.shape)}`,
      );
    }
    td = checkClassTarget(op, input, target, lay, ignoreIndex);
    // the common case needs neither the float64 log-probabilities nor the coefficients below
    if (inner === 1 && numel > 0 && wd === null && eps === 0) {
      return plainIndexCrossEntropy(input, td, target, lay.targetShape, n, c, ignoreIndex, reduction, opts.weight ?? null);
    }
  }

  // log-probabilities in float64
  const logp = new Float64Array(numel);
  logSoftmaxInto(input.data as Float32Array, n, c, inner, logp);

  // The loss is linear in logp: loss_pos = sum_c coef[pos, c] * logp[pos, c] (with the reduction's
  // scale folded into coef for 'mean'). The backward reuses coef.
  const coef = new Float64Array(numel);
  let scalarDivisor = 1; // applied to the summed loss after the fact (keeps NaN for an empty 'mean')
  if (probTarget) {
    if (target.dtype !== 'float32') {
      throw new TypeError(`${op}: expected a float32 target for class probabilities (target shape equals input shape ${shapeStr(input.shape)}), got ${target.dtype}`);
    }
    if (opts.ignoreIndex !== undefined && ignoreIndex >= 0) {
      throw new RangeError(`${op}: ignoreIndex is not supported for class-probability targets, got ignoreIndex=${ignoreIndex}`);
    }
    td = target.data as Float32Array;
    const s = reduction === 'mean' ? 1 / positions : 1;
    for (let o = 0; o < n; o++) {
      for (let k = 0; k < c; k++) {
        const w = wd ? wd[k] : 1;
        for (let j = 0, e = (o * c + k) * inner; j < inner; j++, e++) {
          const t = eps > 0 ? td[e] * (1 - eps) + eps / c : td[e];
          coef[e] = -t * w * s;
        }
      }
    }
    if (reduction === 'mean' && positions === 0) scalarDivisor = 0;
  } else {
    let totalWeight = 0;
    for (let p = 0; p < positions; p++) {
      const y = td[p];
      if (y !== ignoreIndex) totalWeight += wd ? wd[y] : 1;
    }
    // 'mean' divides both the nll term and the smoothing term by the summed weight of the non-ignored
    // targets (their count without a weight).
    const s = reduction === 'mean' ? 1 / totalWeight : 1;
    const nllF = -(1 - eps) * s;
    const smoothF = (-eps / c) * s;
    for (let p = 0; p < positions; p++) {
      const y = td[p];
      if (y === ignoreIndex) continue;
      const o = Math.floor(p / inner);
      const j = p - o * inner;
      const base = o * c * inner + j;
      if (eps > 0) {
        for (let k = 0; k < c; k++) coef[base + k * inner] = smoothF * (wd ? wd[k] : 1);
      }
      coef[base + y * inner] += nllF * (wd ? wd[y] : 1);
    }
    if (reduction === 'mean' && totalWeight === 0) scalarDivisor = 0;
  }

  // Per-position losses: sum over classes of coef * logp (skipping zero coefficients of index targets,
  // so a -inf logit of a class that plays no part stays harmless, as in nll_loss).
  const perPos = new Float64Array(positions);
  const rowCoef = new Float64Array(positions);
  for (let o = 0; o < n; o++) {
    for (let j = 0; j < inner; j++) {
      let s = 0;
      let rc = 0;
      for (let k = 0, e = o * c * inner + j; k < c; k++, e += inner) {
        const a = coef[e];
        if (a !== 0 || probTarget) s += a * logp[e];
        rc += a;
      }
      perPos[o * inner + j] = s;
      rowCoef[o * inner + j] = rc;
    }
  }
  let out: Tensor;
  if (reduction === 'none') out = new Tensor(Float32Array.from(perPos), lay.targetShape);
  else {
    let s = 0;
    for (let p = 0; p < positions; p++) s += perPos[p];
    out = new Tensor(new Float32Array([scalarDivisor === 0 ? Number.NaN : s]), []);
  }

  const inputs = probTarget ? [input, target] : [input];
  const classesLast = inner === 1 && numel > 0;
  return record(out, 'CrossEntropyLossBackward0', inputs, (g) => {
    const gd = g.data;
    // d loss / d x = gp * (coef - softmax * sum_c coef)
    const gx = classesLast ? softmaxRows(input.data as Float32Array, n, c) : new Float32Array(numel);
    if (classesLast) {
      // (N, C): the softmax from the backend's kernel (float32, SIMD) instead of exp(logp) per logit
      for (let o = 0, e = 0; o < n; o++) {
        const gp = reduction === 'none' ? gd[o] : gd[0];
        const rc = rowCoef[o];
        for (let k = 0; k < c; k++, e++) gx[e] = gp * (coef[e] - gx[e] * rc);
      }
    } else {
      // classes strided by inner (N, C, d1, ...): softmax = exp(logp)
      for (let o = 0; o < n; o++) {
        for (let j = 0; j < inner; j++) {
          const p = o * inner + j;
          const gp = reduction === 'none' ? gd[p] : gd[0];
          const rc = rowCoef[p];
          for (let k = 0, e = o * c * inner + j; k < c; k++, e += inner) gx[e] = gp * (coef[e] - Math.exp(logp[e]) * rc);
        }
      }
    }
    let gt: Tensor | null = null;
    if (probTarget && target.requiresGrad) {
      // d loss / d t = -logp * w * (1 - labelSmoothing) * reduction scale
      const s = (reduction === 'mean' ? 1 / positions : 1) * (1 - eps);
      const buf = new Float32Array(numel);
      for (let o = 0; o < n; o++) {
        for (let k = 0; k < c; k++) {
          const w = wd ? wd[k] : 1;
          for (let j = 0, e = (o * c + k) * inner; j < inner; j++, e++) {
            const gp = reduction === 'none' ? gd[o * inner + j] : gd[0];
            buf[e] = -logp[e] * w * s * gp;
          }
        }
      }
      gt = new Tensor(buf, target.shape);
    }
    return [new Tensor(gx, input.shape), gt];
  }, { target, weight: opts.weight ?? null, ignoreIndex, reduction, labelSmoothing: eps, probTarget });
}

/**
 * The common case of crossEntropy (class indices, classes last (N, C), no class weight, no label
 * smoothing: a language model's or a classifier's loss) without the general path's full float64
 * log-probability and coefficient arrays: only each row's log-sum-exp is kept, and the loss reads the
 * target's logit. The arithmetic is the general path's with its zero coefficients left out, so the values
 * are the same to the bit: loss_p = -s * (x[p, y_p] - lse_p), gx = gp * (coef - softmax * rowCoef) with
 * coef = rowCoef = -s at the target (0 on ignored rows).
 */
function plainIndexCrossEntropy(
  input: Tensor, td: Float32Array | Float64Array, target: Tensor, targetShape: readonly number[], n: number, c: number,
  ignoreIndex: number, reduction: Reduction, weight: Tensor | null,
): Tensor {
  const xd = input.data as Float32Array;
  let count = 0;
  for (let o = 0; o < n; o++) if (td[o] !== ignoreIndex) count++;
  const s = reduction === 'mean' ? 1 / count : 1;
  const perPos = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    const y = td[o];
    if (y === ignoreIndex) continue;
    const base = o * c;
    const m = rowMax(xd, base, c);
    let sum = 0;
    for (let k = 0; k < c; k++) sum += Math.exp(xd[base + k] - m);
    perPos[o] = -s * (xd[base + y] - (m + Math.log(sum)));
  }
  let out: Tensor;
  if (reduction === 'none') out = new Tensor(Float32Array.from(perPos), targetShape);
  else {
    let total = 0;
    for (let o = 0; o < n; o++) total += perPos[o];
    out = new Tensor(new Float32Array([reduction === 'mean' && count === 0 ? Number.NaN : total]), []);
  }
  return record(out, 'CrossEntropyLossBackward0', [input], (g) => {
    const gd = g.data;
    const gx = softmaxRows(input.data as Float32Array, n, c);
    for (let o = 0, e = 0; o < n; o++) {
      const gp = reduction === 'none' ? gd[o] : gd[0];
      const y = td[o];
      const rc = y === ignoreIndex ? 0 : -s;
      for (let k = 0; k < c; k++, e++) gx[e] = gp * ((k === y ? rc : 0) - gx[e] * rc);
    }
    return [new Tensor(gx, input.shape), null];
  }, { target, weight, ignoreIndex, reduction, labelSmoothing: 0, probTarget: false });
}

/**
 * maxAlong over one contiguous float32 row (the same values, NaN if any is NaN), kept apart so that its
 * element reads stay monomorphic: maxAlong also serves float64 and plain arrays.
 */
function rowMax(xd: Float32Array, base: number, c: number): number {
  let m = -Infinity;
  for (let k = base; k < base + c; k++) {
    const v = xd[k];
    if (v > m || v !== v) m = v;
  }
  return m;
}
