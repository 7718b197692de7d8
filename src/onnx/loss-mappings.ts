/**
 * ONNX translations of the losses (opset 13-17): MSE and L1 by Sub/Mul/Abs, BCE and BCE-with-logits by
 * their formulas (the same clamping and stable softplus as src/ops), NLL and cross entropy by
 * NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (class targets) or LogSoftmax (probabilities).
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

const crossEntropy: OnnxMapping = (c) => {
  if (c.attrs.labelSmoothing !== 0) throw new ExportError('labelSmoothing > 0 has no mapping yet');
  const x = inputOf(c, 0);
  if (c.attrs.probTarget === true) {
    // Class probabilities: -sum_c w_c t_c logsoftmax(x)_c over dim 1, then the reduction over positions.
    if (c.attrs.weight) throw new ExportError('class-probability targets with a weight have no mapping yet');
    const logp = c.node('LogSoftmax', [x.name], { axis: attr.int(1) });
    const l = c.node('Neg', [c.node('ReduceSum', [c.node('Mul', [value(c, 1), logp]), c.int64s([1])], { keepdims: attr.int(0) })]);
    return c.attrs.reduction === 'none' ? { name: l, dyn: x.dyn.filter((_, i) => i !== 1) } : reduce(c, l);
  }
  const y = c.node('SoftmaxCrossEntropyLoss', classInputs(c, x.name), classLossAttrs(c));
  return c.attrs.reduction === 'none' ? { name: y, dyn: x.dyn.filter((_, i) => i !== 1) } : { name: y, dyn: [] };
};

export const LOSS_MAPPINGS: Readonly<Record<string, OnnxMapping>> = {
  MseLossBackward0: pointwise(2),
  L1LossBackward0: pointwise(1),
  BinaryCrossEntropyBackward0: bce,
  BinaryCrossEntropyWithLogitsBackward0: bceWithLogits,
  NllLossBackward0: nll,
  CrossEntropyLossBackward0: crossEntropy,
};
