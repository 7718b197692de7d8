/**
 * ONNX translations of the losses (opset 13-17): MSE and L1 by Sub/Mul/Abs, BCE and BCE-with-logits by
 * their formulas (the same clamping and stable softplus as src/ops), NLL and cross entropy by
 * LogSoftmax and NegativeLogLikelihoodLoss (class targets, plus PyTorch's label-smoothing term) or by
 * the weighted sum over classes (probability targets).
 * A class-index target is a graph input (an int64 sample input); it is recorded as an attribute because
 * it takes no gradient.
 */
import { attr, ExportError, inputOf, type MapContext, type MapResult, type OnnxMapping } from './builder.js';
import type { Tensor } from '../tensor.js';

const value = (c: MapContext, i: number): string => inputOf(c, i).name;

/** 'none' keeps the per-element losses; 'mean' and 'sum' reduce them all to a scalar. */
function reduce(c: MapContext, perElement: string): MapResult {
  const r = c.attrs.reduction;
  if (r === 'none') return perElement;
  const opType = r === 'sum' ? 'ReduceSum' : 'ReduceMean';
  return { name: c.node(opType, [perElement], { keepdims: attr.int(0) }), dyn: [] };
}

/** The optional weight attribute (a tensor), multiplied in. */
function weighted(c: MapContext, loss: string): string {
  const w = c.attrs.weight as Tensor | null | undefined;
  return w ? c.node('Mul', [loss, c.tensor(w)]) : loss;
}

const pointwise = (power: 1 | 2): OnnxMapping => (c) => {
  const d = c.node('Sub', [value(c, 0), value(c, 1)]);
  return reduce(c, power === 2 ? c.node('Mul', [d, d]) : c.node('Abs', [d]));
};

/** -(t log x + (1 - t) log(1 - x)) with each log clamped at -100, as PyTorch does. */
const bce: OnnxMapping = (c) => {
  const x = value(c, 0);
  const t = value(c, 1);
  const one = c.scalar(1);
  const floor = c.scalar(-100);
  const logX = c.node('Max', [c.node('Log', [x]), floor]);
  const log1mX = c.node('Max', [c.node('Log', [c.node('Sub', [one, x])]), floor]);
  const l = c.node('Neg', [c.node('Add', [c.node('Mul', [t, logX]), c.node('Mul', [c.node('Sub', [one, t]), log1mX])])]);
  return reduce(c, weighted(c, l));
};

/** (1 - t) x + (1 + (posWeight - 1) t) softplus(-x), the stable form of src/ops/bce-with-logits-loss.ts. */
const bceWithLogits: OnnxMapping = (c) => {
  const x = value(c, 0);
  const t = value(c, 1);
  const one = c.scalar(1);
  const sp = c.node('Softplus', [c.node('Neg', [x])]);
  const pw = c.attrs.posWeight as Tensor | null | undefined;
  const lw = pw ? c.node('Add', [one, c.node('Mul', [c.node('Sub', [c.tensor(pw), one]), t])]) : null;
  const l = c.node('Add', [c.node('Mul', [c.node('Sub', [one, t]), x]), lw ? c.node('Mul', [lw, sp]) : sp]);
  return reduce(c, weighted(c, l));
};

/** Inputs of the ONNX class losses: scores, the int64 target, and the optional class weight. */
function classInputs(c: MapContext, scores: string): string[] {
  if ((c.inputs[0]?.shape.length ?? 0) < 2) throw new ExportError('unbatched input (C,) has no ONNX class-loss form: add a batch dim');
  const target = c.attrs.target as Tensor;
  if (target.dtype !== 'int64') throw new ExportError(`expected an int64 class target, got ${target.dtype}`);
  const w = c.attrs.weight as Tensor | null | undefined;
  return w ? [scores, c.tensor(target), c.tensor(w)] : [scores, c.tensor(target)];
}

function classLossAttrs(c: MapContext): Record<string, ReturnType<typeof attr.int>> {
  return { reduction: attr.string(c.attrs.reduction as string), ignore_index: attr.int(c.attrs.ignoreIndex as number) };
}

const nll: OnnxMapping = (c) => {
  const y = c.node('NegativeLogLikelihoodLoss', classInputs(c, value(c, 0)), classLossAttrs(c));
  return c.attrs.reduction === 'none' ? { name: y, dyn: (c.inputs[0]?.dyn ?? []).filter((_, i) => i !== 1) } : { name: y, dyn: [] };
};

/** logp * weight, the (C) weight broadcast along dim 1 of logp's rank (or logp alone without a weight). */
function classWeighted(c: MapContext, logp: string, rank: number): string {
  const w = c.attrs.weight as Tensor | null | undefined;
  if (!w) return logp;
  const shaped = rank > 2 ? c.node('Reshape', [c.tensor(w), c.int64s([w.numel(), ...new Array<number>(rank - 2).fill(1)])]) : c.tensor(w);
  return c.node('Mul', [logp, shaped]);
}

/** -sum over dim 1 (the classes), keeping the position dims. */
const negClassSum = (c: MapContext, v: string): string => c.node('Neg', [c.node('ReduceSum', [v, c.int64s([1])], { keepdims: attr.int(0) })]);

/**
 * Class targets with label smoothing eps, PyTorch 1.13's formula: (1 - eps) nll + eps / C * smooth, where
 * smooth = -sum_c w_c logp_c at each non-ignored position; 'mean' divides both terms by the summed
 * weight of the non-ignored targets (their count without a weight), as NegativeLogLikelihoodLoss does.
 */
function smoothedClassLoss(c: MapContext, logp: string, eps: number): MapResult {
  const x = inputOf(c, 0);
  const classes = x.shape[1];
  const nll = c.node('NegativeLogLikelihoodLoss', classInputs(c, logp), classLossAttrs(c));
  const target = c.tensor(c.attrs.target as Tensor);
  const kept = c.node('Not', [c.node('Equal', [target, c.constI64Scalar(c.attrs.ignoreIndex as number)])]);
  const keptF = c.node('Cast', [kept], { to: attr.int(1) });
  const smooth = c.node('Mul', [negClassSum(c, classWeighted(c, logp, x.shape.length)), keptF]);
  const mix = (a: string, b: string): string => c.node('Add', [c.node('Mul', [a, c.scalar(1 - eps)]), c.node('Mul', [b, c.scalar(eps / classes)])]);
  const r = c.attrs.reduction;
  if (r === 'none') return { name: mix(nll, smooth), dyn: x.dyn.filter((_, i) => i !== 1) };
  const total = c.node('ReduceSum', [smooth], { keepdims: attr.int(0) });
  if (r === 'sum') return { name: mix(nll, total), dyn: [] };
  const w = c.attrs.weight as Tensor | null | undefined;
  const perTarget = w ? c.node('Mul', [c.node('Gather', [c.tensor(w), c.node('Where', [kept, target, c.constI64Scalar(0)])]), keptF]) : keptF;
  const weightSum = c.node('ReduceSum', [perTarget], { keepdims: attr.int(0) });
  return { name: mix(nll, c.node('Div', [total, weightSum])), dyn: [] };
}

const crossEntropy: OnnxMapping = (c) => {
  const x = inputOf(c, 0);
  const eps = c.attrs.labelSmoothing as number;
  const logp = c.node('LogSoftmax', [x.name], { axis: attr.int(1) });
  if (c.attrs.probTarget === true) {
    // Class probabilities (smoothed: t (1 - eps) + eps / C): -sum_c w_c t_c logp_c, then the reduction.
    let t = value(c, 1);
    if (eps > 0) t = c.node('Add', [c.node('Mul', [t, c.scalar(1 - eps)]), c.scalar(eps / x.shape[1])]);
    const l = negClassSum(c, classWeighted(c, c.node('Mul', [t, logp]), x.shape.length));
    return c.attrs.reduction === 'none' ? { name: l, dyn: x.dyn.filter((_, i) => i !== 1) } : reduce(c, l);
  }
  if (eps > 0) return smoothedClassLoss(c, logp, eps);
  const y = c.node('NegativeLogLikelihoodLoss', classInputs(c, logp), classLossAttrs(c));
  return c.attrs.reduction === 'none' ? { name: y, dyn: x.dyn.filter((_, i) => i !== 1) } : { name: y, dyn: [] };
};

/** |x - t| and x - t. */
function absDiff(c: MapContext): [string, string] {
  const d = c.node('Sub', [value(c, 0), value(c, 1)]);
  return [c.node('Abs', [d]), d];
}

/** Huber: 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta). */
const huber: OnnxMapping = (c) => {
  const delta = c.attrs.delta as number;
  const [a, d] = absDiff(c);
  const quad = c.node('Mul', [c.node('Mul', [d, d]), c.scalar(0.5)]);
  const lin = c.node('Mul', [c.node('Sub', [a, c.scalar(0.5 * delta)]), c.scalar(delta)]);
  return reduce(c, c.node('Where', [c.node('Less', [a, c.scalar(delta)]), quad, lin]));
};

/** Smooth L1: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (beta 0: never the quadratic branch). */
const smoothL1: OnnxMapping = (c) => {
  const beta = c.attrs.beta as number;
  const [a, d] = absDiff(c);
  const lin = c.node('Sub', [a, c.scalar(0.5 * beta)]);
  if (beta === 0) return reduce(c, lin);
  const quad = c.node('Mul', [c.node('Mul', [d, d]), c.scalar(0.5 / beta)]);
  return reduce(c, c.node('Where', [c.node('Less', [a, c.scalar(beta)]), quad, lin]));
};

/**
 * KL divergence of log-probabilities x from the target: t (log t - x) with t log t = 0 at t = 0
 * (exp(t) (t - x) with logTarget); 'batchmean' divides the sum by the batch size (dim 0, dynamic-safe).
 */
const klDiv: OnnxMapping = (c) => {
  const x = value(c, 0);
  const t = value(c, 1);
  let l: string;
  if (c.attrs.logTarget === true) {
    l = c.node('Mul', [c.node('Exp', [t]), c.node('Sub', [t, x])]);
  } else {
    const tLogT = c.node('Where', [c.node('Equal', [t, c.scalar(0)]), c.scalar(0), c.node('Mul', [t, c.node('Log', [t])])]);
    l = c.node('Sub', [tLogT, c.node('Mul', [t, x])]);
  }
  if (c.attrs.reduction !== 'batchmean') return reduce(c, l);
  const total = c.node('ReduceSum', [l], { keepdims: attr.int(0) });
  const batch = c.node('Cast', [c.node('Gather', [c.node('Shape', [x]), c.constI64Scalar(0)], { axis: attr.int(0) })], { to: attr.int(1) });
  return { name: c.node('Div', [total, batch]), dyn: [] };
};

export const LOSS_MAPPINGS: Readonly<Record<string, OnnxMapping>> = {
  MseLossBackward0: pointwise(2),
  L1LossBackward0: pointwise(1),
  BinaryCrossEntropyBackward0: bce,
  BinaryCrossEntropyWithLogitsBackward0: bceWithLogits,
  NllLossBackward0: nll,
  CrossEntropyLossBackward0: crossEntropy,
  HuberLossBackward0: huber,
  SmoothL1LossBackward0: smoothL1,
  KlDivBackward0: klDiv,
};
