/**
 * ONNX (opset 13-17) translations of the recorded ops, keyed by the name each op passes to record()
 * (src/ops/*.ts). Adding an op = one entry here; its attributes come from record()'s `attrs` argument.
 * An op name missing from the table is an export error, never a silently wrong graph.
 *
 * Where opset 17 has no operator, the op is decomposed (GELU via Erf or Tanh). Convolutions, pools and
 * resampling are in ./spatial-mappings.ts, normalisation, embedding and the other activations in
 * ./layer-mappings.ts, recurrent layers in ./rnn-mappings.ts, losses in ./loss-mappings.ts.
 */
import type { DType, Tensor } from '../tensor.js';
import { attr, ExportError, inputOf, type GraphValue, type MapContext, type MapResult, type OnnxMapping } from './builder.js';
import { ONNX_DTYPE } from './proto.js';
import { probedTarget, reshapeTarget } from './reshape-target.js';
import { LOSS_MAPPINGS } from './loss-mappings.js';
import { SPATIAL_MAPPINGS } from './spatial-mappings.js';
import { LAYER_MAPPINGS } from './layer-mappings.js';
import { RNN_MAPPINGS } from './rnn-mappings.js';

const input = inputOf;

/** Input i as a value of the op's output dtype (a Cast where they differ, e.g. an int64 constant in float math). */
function asOutDtype(c: MapContext, i: number, dtype: DType = c.out.dtype): string {
  const v = input(c, i);
  return v.dtype === dtype ? v.name : c.node('Cast', [v.name], { to: attr.int(ONNX_DTYPE[dtype]) });
}

const num = (c: MapContext, key: string): number => {
  const v = c.attrs[key];
  if (typeof v !== 'number') throw new ExportError(`the op recorded no '${key}' attribute`);
  return v;
};

const unary = (opType: string): OnnxMapping => (c) => c.node(opType, [asOutDtype(c, 0)]);

const binary = (opType: string): OnnxMapping => (c) => c.node(opType, [asOutDtype(c, 0), asOutDtype(c, 1)]);

/** a + alpha * b or a - alpha * b. */
const addSub = (opType: 'Add' | 'Sub'): OnnxMapping => (c) => {
  const alpha = (c.attrs.alpha as number | undefined) ?? 1;
  let b = asOutDtype(c, 1);
  if (alpha !== 1) b = c.node('Mul', [b, c.out.dtype === 'float32' ? c.scalar(alpha) : c.int64s([alpha])]);
  return c.node(opType, [asOutDtype(c, 0), b]);
};

/** Reductions whose opset-17 form takes axes as an attribute (ReduceMean, ReduceMax, ReduceMin). */
const reduceAttr = (opType: string): OnnxMapping => (c) => {
  const x = input(c, 0);
  const dims = (c.attrs.dims as number[] | undefined) ?? (typeof c.attrs.dim === 'number' ? [c.attrs.dim] : null);
  const keepdim = c.attrs.keepdim === true;
  const a: Record<string, ReturnType<typeof attr.int>> = { keepdims: attr.int(keepdim) };
  if (dims !== null) a.axes = attr.ints(dims);
  if (x.shape.length === 0) return c.node('Identity', [x.name]);
  return { name: c.node(opType, [x.name], a), dyn: reducedDyn(x, dims, keepdim) };
};

function reducedDyn(x: GraphValue, dims: readonly number[] | null, keepdim: boolean): boolean[] {
  const all = dims ?? x.shape.map((_, i) => i);
  if (keepdim) return x.dyn.map((d, i) => d && !all.includes(i));
  return x.dyn.filter((_, i) => !all.includes(i));
}

/** nn.Linear: Gemm for 2-D input, else MatMul with the transposed weight plus the bias. */
const linear: OnnxMapping = (c) => {
  const x = input(c, 0);
  const w = input(c, 1).name;
  const b = c.inputs[2];
  if (x.shape.length === 2) return c.node('Gemm', b ? [x.name, w, b.name] : [x.name, w], { transB: attr.int(1) });
  const y = c.node('MatMul', [x.name, c.node('Transpose', [w], { perm: attr.ints([1, 0]) })]);
  return b ? c.node('Add', [y, b.name]) : y;
};

const batchNorm: OnnxMapping = (c) => {
  if (c.attrs.training === true) throw new ExportError('batch norm in training mode has no inference form (call model.eval(), or pass training: false)');
  const x = input(c, 0);
  const ch = x.shape[1];
  const scale = c.inputs[1]?.name ?? c.constF32([ch], new Array<number>(ch).fill(1));
  const bias = c.inputs[2]?.name ?? c.constF32([ch], new Array<number>(ch).fill(0));
  const stats = [c.attrs.runningMean, c.attrs.runningVar].map((t) => c.tensor(t as Tensor));
  return c.node('BatchNormalization', [x.name, scale, bias, ...stats], { epsilon: attr.float(num(c, 'eps')) });
};

/** Fused ops (src/nn/fusion.ts) record as ReluBackward0 with `fused` naming the op before the relu. */
const relu: OnnxMapping = (c) => {
  const fused = c.attrs.fused;
  if (typeof fused !== 'string') return c.node('Relu', [input(c, 0).name]);
  const inner = c.map(fused);
  return { name: c.node('Relu', [typeof inner === 'string' ? inner : inner.name]), dyn: typeof inner === 'string' ? input(c, 0).dyn : inner.dyn };
};

/** GELU: 0.5 x (1 + erf(x / sqrt 2)), or with approximate 'tanh' 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))). */
const gelu: OnnxMapping = (c) => {
  const x = input(c, 0).name;
  let inner: string;
  if (c.attrs.approximate === 'tanh') {
    const cube = c.node('Mul', [c.node('Mul', [x, x]), x]);
    const u = c.node('Mul', [c.node('Add', [x, c.node('Mul', [cube, c.scalar(0.044715)])]), c.scalar(Math.sqrt(2 / Math.PI))]);
    inner = c.node('Tanh', [u]);
  } else {
    inner = c.node('Erf', [c.node('Div', [x, c.scalar(Math.SQRT2)])]);
  }
  return c.node('Mul', [c.node('Mul', [x, c.node('Add', [inner, c.scalar(1)])]), c.scalar(0.5)]);
};

const reshape: OnnxMapping = (c) => {
  const x = input(c, 0);
  const { target, dyn } = c.probe ? probedTarget(x.shape, c.out.shape, c.probe) : reshapeTarget(x.shape, x.dyn, c.out.shape);
  return { name: c.node('Reshape', [x.name, c.int64s(target)]), dyn };
};

/** narrow / split / chunk / select: Slice along one dim (select then drops it). */
const slice = (squeeze: boolean): OnnxMapping => (c) => {
  const x = input(c, 0);
  const d = num(c, 'dim');
  const start = num(c, 'start');
  const y = c.node('Slice', [x.name, c.int64s([start]), c.int64s([start + num(c, 'length')]), c.int64s([d])]);
  const dyn = x.dyn.map((v, i) => v && i !== d);
  if (!squeeze) return { name: y, dyn };
  return { name: c.node('Squeeze', [y, c.int64s([d])]), dyn: dyn.filter((_, i) => i !== d) };
};

const transpose: OnnxMapping = (c) => {
  const x = input(c, 0);
  const perm = c.attrs.perm as number[];
  return { name: c.node('Transpose', [x.name], { perm: attr.ints(perm) }), dyn: perm.map((p) => x.dyn[p]) };
};

const clip: OnnxMapping = (c) => {
  const bound = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    return c.out.dtype === 'float32' ? c.scalar(v as number) : c.constI64Scalar(v as number);
  };
  return c.node('Clip', [asOutDtype(c, 0), bound(c.attrs.min), bound(c.attrs.max)]);
};

/** Expand to the traced shape, with 1 where the input already has the size so dynamic dims stay dynamic. */
const expand: OnnxMapping = (c) => {
  const x = input(c, 0);
  const off = c.out.shape.length - x.shape.length;
  const target = c.out.shape.map((s, i) => (i >= off && x.shape[i - off] === s ? 1 : s));
  return c.node('Expand', [x.name, c.int64s(target)]);
};

/** The table: recorded op name -> ONNX translation. */
export const ONNX_MAPPINGS: Readonly<Record<string, OnnxMapping>> = {
  NativeBatchNormBackward0: batchNorm,
  AddmmBackward0: linear,
  MmBackward0: binary('MatMul'),
  ReluBackward0: relu,
  LeakyReluBackward0: (c) => c.node('LeakyRelu', [input(c, 0).name], { alpha: attr.float(num(c, 'negativeSlope')) }),
  GeluBackward0: gelu,
  SigmoidBackward0: unary('Sigmoid'),
  TanhBackward0: unary('Tanh'),
  SoftmaxBackward0: (c) => c.node('Softmax', [input(c, 0).name], { axis: attr.int(num(c, 'dim')) }),
  LogSoftmaxBackward0: (c) => c.node('LogSoftmax', [input(c, 0).name], { axis: attr.int(num(c, 'dim')) }),
  ViewBackward0: reshape,
  CatBackward0: (c) => c.node('Concat', c.inputs.map((_, i) => asOutDtype(c, i)), { axis: attr.int(num(c, 'dim')) }),
  AddBackward0: addSub('Add'),
  SubBackward0: addSub('Sub'),
  MulBackward0: (c) => {
    if (c.attrs.dropout !== undefined) throw new ExportError('dropout in training mode is random (call model.eval())');
    return binary('Mul')(c);
  },
  DivBackward0: (c) => {
    if (c.attrs.roundingMode !== null && c.attrs.roundingMode !== undefined) throw new ExportError(`div with roundingMode '${String(c.attrs.roundingMode)}'`);
    return binary('Div')(c);
  },
  PowBackward0: binary('Pow'),
  ExpBackward0: unary('Exp'),
  LogBackward0: unary('Log'),
  SqrtBackward0: unary('Sqrt'),
  AbsBackward0: unary('Abs'),
  NegBackward0: unary('Neg'),
  CloneBackward0: unary('Identity'),
  ClampBackward1: clip,
  TransposeBackward0: transpose,
  PermuteBackward0: transpose,
  ExpandBackward0: expand,
  SumBackward1: (c) => {
    const x = input(c, 0);
    const dims = c.attrs.dims as number[];
    if (x.shape.length === 0) return c.node('Identity', [x.name]);
    const y = c.node('ReduceSum', [asOutDtype(c, 0), c.int64s(dims)], { keepdims: attr.int(c.attrs.keepdim === true) });
    return { name: y, dyn: reducedDyn(x, dims, c.attrs.keepdim === true) };
  },
  MeanBackward1: reduceAttr('ReduceMean'),
  MaxBackward0: reduceAttr('ReduceMax'),
  MinBackward0: reduceAttr('ReduceMin'),
  MaxBackward1: reduceAttr('ReduceMax'),
  MinBackward1: reduceAttr('ReduceMin'),
  NarrowBackward0: slice(false),
  SplitBackward0: slice(false),
  SelectBackward0: slice(true),
  BackwardHookFunctionBackward: unary('Identity'),
  ...SPATIAL_MAPPINGS,
  ...LAYER_MAPPINGS,
  ...RNN_MAPPINGS,
  ...LOSS_MAPPINGS,
};

export type { MapResult };
