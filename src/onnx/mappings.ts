/**
 * ONNX (opset 13-17) translations of the recorded ops, keyed by the name each op passes to record()
 * (src/ops/*.ts). Adding an op = one entry here; its attributes come from record()'s `attrs` argument.
 * An op name missing from the table is an export error, never a silently wrong graph.
 *
 * Where opset 17 has no operator, the op is decomposed (GELU via Erf or Tanh). Ops that only have a
 * batched form in ONNX (Conv, pools) get an Unsqueeze/Squeeze pair around them for unbatched input.
 */
import type { DType, Tensor } from '../tensor.js';
import { attr, ExportError, inputOf, type GraphValue, type MapContext, type MapResult, type OnnxMapping } from './builder.js';
import { ONNX_DTYPE } from './proto.js';
import { reshapeTarget } from './reshape-target.js';
import { LOSS_MAPPINGS } from './loss-mappings.js';

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

/** Run `body` on a batched (N, C, L) view of input 0: ONNX Conv and pools need the batch dim. */
function batched(c: MapContext, body: (x: string) => string): string {
  const x = input(c, 0);
  if (x.shape.length === 3) return body(x.name);
  if (x.shape.length !== 2) throw new ExportError(`expected a 2-D or 3-D input, got ${x.shape.length}-D`);
  const y = body(c.node('Unsqueeze', [x.name, c.int64s([0])]));
  return c.node('Squeeze', [y, c.int64s([0])]);
}

/**
 * ceil_mode only where it changes the traced length. PyTorch drops a last window that would start in the
 * right padding, which the ONNX shape formula does not; in exactly that case the length equals the
 * floor-mode length, so floor mode states it without ambiguity. (A dynamic length keeps ceil_mode.)
 */
function ceilMode(c: MapContext, dilation: number): boolean {
  if (c.attrs.ceilMode !== true) return false;
  const x = inputOf(c, 0);
  const last = x.shape.length - 1;
  if (x.dyn[last]) return true;
  const span = dilation * (num(c, 'kernelSize') - 1) + 1;
  const floorLength = Math.floor((x.shape[last] + 2 * num(c, 'padding') - span) / num(c, 'stride')) + 1;
  return c.out.shape[c.out.shape.length - 1] !== floorLength;
}

function poolAttrs(c: MapContext, withDilation: boolean): Record<string, ReturnType<typeof attr.int>> {
  const p = num(c, 'padding');
  const dilation = withDilation ? num(c, 'dilation') : 1;
  const a = {
    kernel_shape: attr.ints([num(c, 'kernelSize')]),
    strides: attr.ints([num(c, 'stride')]),
    pads: attr.ints([p, p]),
    ceil_mode: attr.int(ceilMode(c, dilation)),
  };
  return withDilation ? { ...a, dilations: attr.ints([dilation]) } : a;
}

/** Adaptive pooling: global when the output length is 1, a plain pool when the windows tile a static length. */
const adaptive = (global: string, plain: string): OnnxMapping => (c) => {
  const v = input(c, 0);
  const size = num(c, 'outputSize');
  const last = v.shape.length - 1;
  const name = batched(c, (x) => {
    if (size === 1) return c.node(global, [x]);
    if (v.dyn[last] || v.shape[last] % size !== 0) {
      throw new ExportError(`adaptive pooling of length ${v.dyn[last] ? 'dynamic' : v.shape[last]} to ${size} has no exact ONNX form (use an output size of 1 or a length divisible by it)`);
    }
    const k = v.shape[last] / size;
    return c.node(plain, [x], { kernel_shape: attr.ints([k]), strides: attr.ints([k]) });
  });
  // The output length is fixed whatever the input length.
  return { name, dyn: v.dyn.map((d, i) => d && i !== last) };
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

const conv: OnnxMapping = (c) => batched(c, (x) => {
  const w = input(c, 1);
  const b = c.inputs[2];
  const p = num(c, 'padding');
  return c.node('Conv', b ? [x, w.name, b.name] : [x, w.name], {
    kernel_shape: attr.ints([w.shape[2]]),
    strides: attr.ints([num(c, 'stride')]),
    pads: attr.ints([p, p]),
    dilations: attr.ints([num(c, 'dilation')]),
    group: attr.int(num(c, 'groups')),
  });
});

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
  const { target, dyn } = reshapeTarget(x.shape, x.dyn, c.out.shape);
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
  ConvolutionBackward0: conv,
  ConstantPadNdBackward0: (c) => {
    const rank = input(c, 0).shape.length;
    const pads = new Array<number>(2 * rank).fill(0);
    pads[2 * rank - 1] = num(c, 'right');
    return c.node('Pad', [input(c, 0).name, c.int64s(pads)]);
  },
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
  MaxPool2DWithIndicesBackward0: (c) => batched(c, (x) => c.node('MaxPool', [x], poolAttrs(c, true))),
  AvgPool2DBackward0: (c) => batched(c, (x) => c.node('AveragePool', [x], {
    ...poolAttrs(c, false), count_include_pad: attr.int(c.attrs.countIncludePad === true),
  })),
  AdaptiveAvgPool2DBackward0: adaptive('GlobalAveragePool', 'AveragePool'),
  AdaptiveMaxPool2DBackward0: adaptive('GlobalMaxPool', 'MaxPool'),
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
  ...LOSS_MAPPINGS,
};

export type { MapResult };
