/**
 * ONNX translations of the sliding-window and resampling ops over 1 or 2 spatial dims: Conv and
 * ConvTranspose, MaxPool and AveragePool (ceil mode, padding, countIncludePad, divisorOverride),
 * adaptive pooling, Resize (interpolate) and the zero padding of asymmetric 'same' convolutions.
 *
 * The 1-D ops record their window attributes as numbers, the 2-D ops as [h, w] pairs; ONNX's operators
 * need the batch dim, so an unbatched input gets an Unsqueeze / Squeeze pair around them.
 */
import { attr, ExportError, inputOf, type GraphValue, type MapContext, type MapResult, type OnnxMapping } from './builder.js';
import type { OnnxAttr } from './proto.js';

/** A window attribute as one entry per spatial dim (a number stands for every dim). */
function ints(c: MapContext, key: string, nd: number): number[] {
  const v = c.attrs[key];
  if (typeof v === 'number') return new Array<number>(nd).fill(v);
  if (Array.isArray(v) && v.length === nd && v.every((e) => typeof e === 'number')) return [...(v as number[])];
  throw new ExportError(`the op recorded no '${key}' attribute`);
}

/** Spatial dims of a pooling op: the 2-D ops record [h, w] pairs, the 1-D ops numbers. */
const poolDims = (c: MapContext): number => (Array.isArray(c.attrs.kernelSize) ? 2 : 1);

/** Run `body` on a batched (N, C, ...spatial) view of input 0: ONNX Conv, pools and Resize need the batch dim. */
export function batched(c: MapContext, nd: number, body: (x: string, v: GraphValue) => string): string {
  const x = inputOf(c, 0);
  if (x.shape.length === nd + 2) return body(x.name, x);
  if (x.shape.length !== nd + 1) throw new ExportError(`expected a ${nd + 1}-D or ${nd + 2}-D input, got ${x.shape.length}-D`);
  const unsq: GraphValue = { ...x, name: c.node('Unsqueeze', [x.name, c.int64s([0])]), shape: [1, ...x.shape], dyn: [false, ...x.dyn] };
  return c.node('Squeeze', [body(unsq.name, unsq), c.int64s([0])]);
}

/** conv1d / conv2d / their transposes (and, through c.map, the fused conv + relu). */
const conv: OnnxMapping = (c) => {
  const w = inputOf(c, 1);
  const nd = w.shape.length - 2;
  const b = c.inputs[2];
  const transposed = c.attrs.transposed === true;
  const p = ints(c, 'padding', nd);
  const a: Record<string, OnnxAttr> = {
    kernel_shape: attr.ints(w.shape.slice(2)),
    strides: attr.ints(ints(c, 'stride', nd)),
    pads: attr.ints([...p, ...p]),
    dilations: attr.ints(ints(c, 'dilation', nd)),
    group: attr.int(ints(c, 'groups', 1)[0]),
  };
  if (transposed) a.output_padding = attr.ints(ints(c, 'outputPadding', nd));
  return batched(c, nd, (x) => c.node(transposed ? 'ConvTranspose' : 'Conv', b ? [x, w.name, b.name] : [x, w.name], a));
};

/** Zero padding at the end of the last dim (and of the one before it, for 2-D asymmetric 'same'). */
const constantPad: OnnxMapping = (c) => {
  const x = inputOf(c, 0);
  const rank = x.shape.length;
  const pads = new Array<number>(2 * rank).fill(0);
  pads[2 * rank - 1] = (c.attrs.right as number | undefined) ?? 0;
  if (typeof c.attrs.bottom === 'number') pads[2 * rank - 2] = c.attrs.bottom;
  return c.node('Pad', [x.name, c.int64s(pads)]);
};

interface PoolGeometry {
  k: number[];
  stride: number[];
  pad: number[];
  dilation: number[];
  /** Per spatial dim: PyTorch's ceil-mode length differs from the floor-mode one (a dynamic length: assumed). */
  ceil: boolean[];
  /** Per spatial dim: extra padding at the end that gives PyTorch's length in floor mode. */
  extra: number[];
}

/**
 * The window of a traced pool. PyTorch drops a ceil-mode window that would start in the right padding,
 * which ONNX's ceil formula does not; where that happens, the ceil and floor lengths agree, so per dim
 * the length says which mode matches (or how much end padding makes floor mode match).
 */
function poolGeometry(c: MapContext, nd: number, withDilation: boolean): PoolGeometry {
  const x = inputOf(c, 0);
  const k = ints(c, 'kernelSize', nd);
  const stride = ints(c, 'stride', nd);
  const pad = ints(c, 'padding', nd);
  const dilation = withDilation ? ints(c, 'dilation', nd) : new Array<number>(nd).fill(1);
  const ceil: boolean[] = [];
  const extra: number[] = [];
  for (let i = 0; i < nd; i++) {
    const axis = x.shape.length - nd + i;
    const outLen = c.out.shape[c.out.shape.length - nd + i];
    const span = dilation[i] * (k[i] - 1) + 1;
    const padded = x.shape[axis] + 2 * pad[i];
    const floorLen = Math.floor((padded - span) / stride[i]) + 1;
    ceil.push(c.attrs.ceilMode === true && (x.dyn[axis] || outLen !== floorLen));
    extra.push(Math.max(0, (outLen - 1) * stride[i] + span - padded));
  }
  return { k, stride, pad, dilation, ceil, extra };
}

function windowAttrs(g: PoolGeometry, ceil: boolean, endExtra: boolean): Record<string, OnnxAttr> {
  const end = g.pad.map((p, i) => p + (endExtra ? g.extra[i] : 0));
  return {
    kernel_shape: attr.ints(g.k),
    strides: attr.ints(g.stride),
    pads: attr.ints([...g.pad, ...end]),
    ceil_mode: attr.int(ceil),
  };
}

/** One ceil_mode for all dims; where the dims disagree, floor mode with extra end padding (ignored by max). */
const maxPool: OnnxMapping = (c) => {
  const nd = poolDims(c);
  const g = poolGeometry(c, nd, true);
  const mixed = g.ceil.some((v) => v) && !g.ceil.every((v) => v);
  const a = { ...windowAttrs(g, !mixed && g.ceil[0], mixed), dilations: attr.ints(g.dilation) };
  return batched(c, nd, (x) => c.node('MaxPool', [x], a));
};

const avgPool: OnnxMapping = (c) => {
  const nd = poolDims(c);
  const g = poolGeometry(c, nd, false);
  const include = c.attrs.countIncludePad === true;
  const divisor = c.attrs.divisorOverride;
  const anyCeil = g.ceil.some((v) => v);
  const mixed = anyCeil && !g.ceil.every((v) => v);
  if (mixed && include) throw new ExportError('ceilMode with countIncludePad where only some dims gain a window has no exact AveragePool form');
  if (typeof divisor === 'number') {
    // sum / divisor = (mean over the full window, padding included) * window size / divisor, where no window is clipped.
    if (anyCeil) throw new ExportError('divisorOverride with ceil-mode windows past the input has no exact AveragePool form');
    const area = g.k.reduce((s, v) => s * v, 1);
    const y = batched(c, nd, (x) => c.node('AveragePool', [x], { ...windowAttrs(g, false, false), count_include_pad: attr.int(1) }));
    return c.node('Mul', [y, c.scalar(area / divisor)]);
  }
  const a = { ...windowAttrs(g, !mixed && g.ceil[0], mixed), count_include_pad: attr.int(include) };
  return batched(c, nd, (x) => c.node('AveragePool', [x], a));
};

/** PyTorch's adaptive windows along one dim: [floor(i L / n), ceil((i + 1) L / n)). */
function adaptiveWindows(len: number, n: number): [number, number][] {
  return Array.from({ length: n }, (_, i) => [Math.floor((i * len) / n), Math.ceil(((i + 1) * len) / n)]);
}

/**
 * Adaptive pooling: global when every output size is 1; a plain pool when the windows tile each static
 * length; otherwise, per dim, one Slice + reduction per window and a Concat (max and mean over a
 * rectangle are the max and mean over its rows of those over its columns).
 */
const adaptive = (global: string, plain: string, reduce: string): OnnxMapping => (c) => {
  const v = inputOf(c, 0);
  const nd = Array.isArray(c.attrs.outputSize) ? 2 : 1;
  const size = ints(c, 'outputSize', nd);
  const rank = v.shape.length;
  const axes = size.map((_, i) => rank - nd + i);
  const name = batched(c, nd, (x, bv) => {
    if (size.every((s) => s === 1)) return c.node(global, [x]);
    const at = (i: number): number => bv.shape.length - nd + i;
    if (axes.some((a) => v.dyn[a])) throw new ExportError(`adaptive pooling of a dynamic length to ${size.join(' x ')} has no exact ONNX form (use an output size of 1)`);
    if (size.every((s, i) => bv.shape[at(i)] % s === 0)) {
      const k = size.map((s, i) => bv.shape[at(i)] / s);
      return c.node(plain, [x], { kernel_shape: attr.ints(k), strides: attr.ints(k) });
    }
    let y = x;
    size.forEach((s, i) => {
      const axis = at(i);
      const parts = adaptiveWindows(bv.shape[axis], s).map(([lo, hi]) => {
        const piece = c.node('Slice', [y, c.int64s([lo]), c.int64s([hi]), c.int64s([axis])]);
        return c.node(reduce, [piece], { axes: attr.ints([axis]), keepdims: attr.int(1) });
      });
      y = parts.length === 1 ? parts[0] : c.node('Concat', parts, { axis: attr.int(axis) });
    });
    return y;
  });
  // The output lengths are fixed whatever the input lengths.
  return { name, dyn: v.dyn.map((d, i) => d && !axes.includes(i)) };
};

/**
 * interpolate as Resize: 'nearest' is PyTorch's floor(o * in / out) ('asymmetric', 'floor'); 'bilinear'
 * is 'linear' with 'pytorch_half_pixel' (alignCorners false) or 'align_corners'. A scaleFactor is passed
 * as scales (PyTorch then maps by 1 / scaleFactor, as Resize does), a size as sizes (the batch and
 * channel taken from the input's shape, so a dynamic batch stays dynamic).
 */
const resize = (mode: 'nearest' | 'linear'): OnnxMapping => (c): MapResult => {
  const x = inputOf(c, 0);
  const scale = c.attrs.scaleFactor as [number, number] | null;
  const a: Record<string, OnnxAttr> = mode === 'nearest'
    ? { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor') }
    : { mode: attr.string('linear'), coordinate_transformation_mode: attr.string(c.attrs.alignCorners === true ? 'align_corners' : 'pytorch_half_pixel') };
  let y: string;
  if (scale) {
    y = c.node('Resize', [x.name, '', c.constF32([4], [1, 1, scale[0], scale[1]])], a);
  } else {
    const lead = c.node('Slice', [c.node('Shape', [x.name]), c.int64s([0]), c.int64s([2]), c.int64s([0])]);
    const sizes = c.node('Concat', [lead, c.int64s(c.out.shape.slice(2))], { axis: attr.int(0) });
    y = c.node('Resize', [x.name, '', '', sizes], a);
  }
  return { name: y, dyn: [x.dyn[0], x.dyn[1], false, false] };
};

export const SPATIAL_MAPPINGS: Readonly<Record<string, OnnxMapping>> = {
  ConvolutionBackward0: conv,
  ConstantPadNdBackward0: constantPad,
  MaxPool2DWithIndicesBackward0: maxPool,
  AvgPool2DBackward0: avgPool,
  AdaptiveAvgPool2DBackward0: adaptive('GlobalAveragePool', 'AveragePool', 'ReduceMean'),
  AdaptiveMaxPool2DBackward0: adaptive('GlobalMaxPool', 'MaxPool', 'ReduceMax'),
  UpsampleNearest2DBackward0: resize('nearest'),
  UpsampleBilinear2DBackward0: resize('linear'),
};
