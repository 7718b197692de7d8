/**
 * ONNX translations of the normalisation layers (LayerNorm, GroupNorm), Embedding, where and the
 * activations without an exact one-node ONNX form in opset 17 (SiLU, Mish, Softplus with beta and
 * threshold, Hardtanh), plus ELU.
 */
import { attr, ExportError, inputOf, type MapContext, type MapResult, type OnnxMapping } from './builder.js';
import { ONNX_DTYPE } from './proto.js';
import type { Tensor } from '../tensor.js';

const num = (c: MapContext, key: string): number => {
  const v = c.attrs[key];
  if (typeof v !== 'number') throw new ExportError(`the op recorded no '${key}' attribute`);
  return v;
};

/** The op's optional affine input i, or a constant of `fill` with the given shape. */
function affineOr(c: MapContext, i: number, shape: readonly number[], fill: number): string {
  const v = c.inputs[i];
  if (v) return v.name;
  const n = shape.reduce((s, d) => s * d, 1);
  return c.constF32(shape, new Array<number>(n).fill(fill));
}

/** (x - mean) / sqrt(biased variance + eps) over `axes` (ReduceMean with axes as an attribute: opset 13-17). */
function normalize(c: MapContext, x: string, axes: number[], eps: number): string {
  const keep = { axes: attr.ints(axes), keepdims: attr.int(1) };
  const d = c.node('Sub', [x, c.node('ReduceMean', [x], keep)]);
  const variance = c.node('ReduceMean', [c.node('Mul', [d, d])], keep);
  return c.node('Div', [d, c.node('Sqrt', [c.node('Add', [variance, c.scalar(eps)])])]);
}

/**
 * layerNorm over the last k dims: LayerNormalization from opset 17, before it the same statistics over
 * axes -k..-1 by ReduceMean, then the elementwise weight and bias.
 */
const layerNorm: OnnxMapping = (c) => {
  const x = inputOf(c, 0);
  const k = num(c, 'normalizedDims');
  const shape = x.shape.slice(x.shape.length - k);
  if (c.opset < 17) {
    let y = normalize(c, x.name, Array.from({ length: k }, (_, i) => i - k), num(c, 'eps'));
    if (c.inputs[1]) y = c.node('Mul', [y, c.inputs[1].name]);
    return c.inputs[2] ? c.node('Add', [y, c.inputs[2].name]) : y;
  }
  return c.node('LayerNormalization', [x.name, affineOr(c, 1, shape, 1), affineOr(c, 2, shape, 0)], {
    axis: attr.int(-k), epsilon: attr.float(num(c, 'eps')),
  });
};

/**
 * groupNorm: (N, C, *) viewed as (N, G, rest), normalised over rest with the biased variance, viewed back
 * by the input's own shape (so the batch may be dynamic), then the per-channel weight and bias.
 */
const groupNorm: OnnxMapping = (c) => {
  const x = inputOf(c, 0);
  const groups = num(c, 'numGroups');
  const eps = num(c, 'eps');
  const grouped = c.node('Reshape', [x.name, c.int64s([0, groups, -1])]);
  const normed = normalize(c, grouped, [2], eps);
  let y = c.node('Reshape', [normed, c.node('Shape', [x.name])]);
  const perChannel = [x.shape[1], ...new Array<number>(x.shape.length - 2).fill(1)];
  const w = c.inputs[1];
  const b = c.inputs[2];
  if (w) y = c.node('Mul', [y, c.node('Reshape', [w.name, c.int64s(perChannel)])]);
  if (b) y = c.node('Add', [y, c.node('Reshape', [b.name, c.int64s(perChannel)])]);
  return { name: y, dyn: x.dyn };
};

/**
 * embedding: Gather of the weight's rows at the int64 indices (recorded as an attribute, a graph input).
 * With maxNorm, the looked-up rows are scaled as the in-place renorm leaves them: by maxNorm / (norm + 1e-7)
 * where their normType-norm exceeds maxNorm.
 */
const embedding: OnnxMapping = (c): MapResult => {
  const indices = c.tensorValue(c.attrs.input as Tensor);
  const idx = indices.name;
  let y = c.node('Gather', [inputOf(c, 0).name, idx], { axis: attr.int(0) });
  const maxNorm = c.attrs.maxNorm;
  if (typeof maxNorm === 'number') {
    const p = num(c, 'normType');
    // Opset 17: ReduceL2 takes its axes as an attribute, ReduceSum as an input.
    const keep = { keepdims: attr.int(1) };
    const norm = p === 2 ? c.node('ReduceL2', [y], { ...keep, axes: attr.ints([-1]) })
      : c.node('Pow', [c.node('ReduceSum', [c.node('Pow', [c.node('Abs', [y]), c.scalar(p)]), c.int64s([-1])], keep), c.scalar(1 / p)]);
    const scale = c.node('Div', [c.scalar(maxNorm), c.node('Add', [norm, c.scalar(1e-7)])]);
    y = c.node('Mul', [y, c.node('Where', [c.node('Greater', [norm, c.scalar(maxNorm)]), scale, c.scalar(1)])]);
  }
  // The output's leading dims are the indices' (a dynamic batch of tokens stays dynamic).
  return { name: y, dyn: [...indices.dyn, false] };
};

/** x * sigmoid(x). */
const silu: OnnxMapping = (c) => {
  const x = inputOf(c, 0).name;
  return c.node('Mul', [x, c.node('Sigmoid', [x])]);
};

/** Softplus(beta x) / beta, and x itself where beta x > threshold (PyTorch's linear region). */
function softplusOf(c: MapContext, x: string, beta: number, threshold: number): string {
  const bx = beta === 1 ? x : c.node('Mul', [x, c.scalar(beta)]);
  let sp = c.node('Softplus', [bx]);
  if (beta !== 1) sp = c.node('Div', [sp, c.scalar(beta)]);
  return c.node('Where', [c.node('Greater', [bx, c.scalar(threshold)]), x, sp]);
}

/** x * tanh(softplus(x)), with PyTorch's softplus threshold of 20. */
const mish: OnnxMapping = (c) => {
  const x = inputOf(c, 0).name;
  return c.node('Mul', [x, c.node('Tanh', [softplusOf(c, x, 1, 20)])]);
};

/** where(condition, input, other): the condition is recorded as an attribute (it takes no gradient). */
const where: OnnxMapping = (c) => {
  const cond = c.tensorValue(c.attrs.condition as Tensor);
  const side = (i: number): string => {
    const v = inputOf(c, i);
    return v.dtype === c.out.dtype ? v.name : c.node('Cast', [v.name], { to: attr.int(ONNX_DTYPE[c.out.dtype]) });
  };
  // Dynamic dims broadcast from all three, aligned from the right.
  const rank = c.out.shape.length;
  const dyn = new Array<boolean>(rank).fill(false);
  for (const v of [cond, inputOf(c, 0), inputOf(c, 1)]) v.dyn.forEach((d, i) => { if (d) dyn[rank - v.dyn.length + i] = true; });
  return { name: c.node('Where', [cond.name, side(0), side(1)]), dyn };
};

/** scaledDotProductAttention's isCausal mask: a constant of the traced sizes (0 on and below the diagonal, -Infinity above). */
const causalMask: OnnxMapping = (c) => {
  const rows = num(c, 'rows');
  const cols = num(c, 'cols');
  const m = Array.from({ length: rows * cols }, (_, k) => (k % cols > Math.floor(k / cols) ? Number.NEGATIVE_INFINITY : 0));
  return { name: c.constF32([rows, cols], m), dyn: [false, false] };
};

export const LAYER_MAPPINGS: Readonly<Record<string, OnnxMapping>> = {
  NativeLayerNormBackward0: layerNorm,
  NativeGroupNormBackward0: groupNorm,
  EmbeddingBackward0: embedding,
  SiluBackward0: silu,
  MishBackward0: mish,
  SoftplusBackward0: (c) => softplusOf(c, inputOf(c, 0).name, num(c, 'beta'), num(c, 'threshold')),
  EluBackward0: (c) => c.node('Elu', [inputOf(c, 0).name], { alpha: attr.float(num(c, 'alpha')) }),
  HardtanhBackward0: (c) => c.node('Clip', [inputOf(c, 0).name, c.scalar(num(c, 'minVal')), c.scalar(num(c, 'maxVal'))]),
  WhereBackward0: where,
  CausalMask: causalMask,
};
