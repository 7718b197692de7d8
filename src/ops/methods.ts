/**
 * Tensor methods: each delegates to the op of the same name in src/ops (x.add(y) is add(x, y)). The regular
 * ones come from one table, OPS: their types are a mapped type over it (the op's signature without its
 * first argument) and one loop installs them. Only the irregular methods (several spellings of a shape,
 * overloads, argument order, dtype shorthands) are written out.
 */
import { Tensor, type Shape } from '../tensor.js';
import { add, sub } from './add.js';
import { mul } from './mul.js';
import { matmul } from './matmul.js';
import { bmm } from './bmm.js';
import { reshape, view, flatten, squeeze, unsqueeze } from './reshape.js';
import { contiguous } from './contiguous.js';
import { add_, sub_ } from './add-inplace.js';
import { mul_ } from './mul-inplace.js';
import { div_ } from './div-inplace.js';
import { clamp_ } from './clamp-inplace.js';
import { fill_, zero_ } from './fill-inplace.js';
import { copy_ } from './copy-inplace.js';
import { sum, mean } from './sum.js';
import { div } from './div.js';
import { neg } from './neg.js';
import { pow } from './pow.js';
import { exp } from './exp.js';
import { log } from './log.js';
import { sqrt } from './sqrt.js';
import { abs } from './abs.js';
import { clamp } from './clamp.js';
import { max, type ValuesIndices } from './max.js';
import { min } from './min.js';
import { argmax } from './argmax.js';
import { argmin } from './argmin.js';
import { variance } from './var.js';
import { std } from './std.js';
import { transpose, t } from './transpose.js';
import { permute } from './permute.js';
import { split } from './split.js';
import { chunk } from './chunk.js';
import { narrow } from './narrow.js';
import { select } from './select.js';
import { index, slice } from './indexing.js';
import { indexSelect } from './index-select.js';
import { gather } from './gather.js';
import { eq, ne, lt, le, gt, ge } from './compare.js';
import { where } from './where.js';
import { clone } from './clone.js';
import { expand, expandAs, broadcastTo } from './expand.js';
import { toDtype } from './to-dtype.js';
import type { DType } from '../tensor.js';
import type { TensorLike } from './elementwise.js';
import { relu } from './relu.js';
import { sigmoid } from './sigmoid.js';
import { tanh } from './tanh.js';
import { softmax } from './softmax.js';
import { logSoftmax } from './log-softmax.js';

/** Methods that are exactly `op(this, ...rest)`, by method name. */
const OPS = {
  /** Elementwise sum with broadcasting (`alpha` scales the other operand): {@link add}. */
  add,
  /** Elementwise difference with broadcasting: {@link sub}. */
  sub,
  /** Elementwise product with broadcasting: {@link mul}. */
  mul,
  /** Matrix product with torch.matmul's rules (1-D, 2-D and batched): {@link matmul}. */
  matmul,
  /** Batched matrix product of (b, n, m) and (b, m, p): {@link bmm}. */
  bmm,
  /** Flatten dims `startDim..endDim` into one: {@link flatten}. */
  flatten,
  /** Remove size-1 dims (all, or the given one): {@link squeeze}. */
  squeeze,
  /** Insert a size-1 dim at `dim`: {@link unsqueeze}. */
  unsqueeze,
  /** Sum of all elements, or along `dim` (with `keepdim`): {@link sum}. */
  sum,
  /** Mean of all elements, or along `dim` (with `keepdim`): {@link mean}. */
  mean,
  /** Elementwise quotient with broadcasting (`roundingMode` trunc / floor): {@link div}. */
  div,
  /** Elementwise negation: {@link neg}. */
  neg,
  /** Elementwise power: {@link pow}. */
  pow,
  /** Elementwise e^x: {@link exp}. */
  exp,
  /** Elementwise natural logarithm: {@link log}. */
  log,
  /** Elementwise square root: {@link sqrt}. */
  sqrt,
  /** Elementwise absolute value: {@link abs}. */
  abs,
  /** Clamp every element into [min, max]: {@link clamp}. */
  clamp,
  /** Index of the largest element (flattened, or along `dim`): {@link argmax}. */
  argmax,
  /** Index of the smallest element (flattened, or along `dim`): {@link argmin}. */
  argmin,
  /** Variance (unbiased by default), of all elements or along dims: {@link variance}. */
  var: variance,
  /** Standard deviation (unbiased by default), of all elements or along dims: {@link std}. */
  std,
  /** Swap two dims: {@link transpose}. */
  transpose,
  /** Transpose a matrix (0-D and 1-D tensors are returned as they are): {@link t}. */
  t,
  /** Split into chunks of a size (or of the given sizes) along `dim`: {@link split}. */
  split,
  /** Split into `chunks` nearly equal parts along `dim`: {@link chunk}. */
  chunk,
  /** The `length` positions from `start` along `dim`: {@link narrow}. */
  narrow,
  /** The slice at `index` along `dim` (the dim goes away): {@link select}. */
  select,
  /** PyTorch's `x[i0, i1, ...]` (numbers, ranges, null, newaxis, '...', index and mask tensors): {@link index}. */
  index,
  /** Alias of {@link Tensor.index}: {@link slice}. */
  slice,
  /** The entries at `index` along `dim`: {@link indexSelect}. */
  indexSelect,
  /** Values picked along `dim` by an index tensor: {@link gather}. */
  gather,
  /** Elementwise `==` as a bool tensor: {@link eq}. */
  eq,
  /** Elementwise `!=` as a bool tensor: {@link ne}. */
  ne,
  /** Elementwise `<` as a bool tensor: {@link lt}. */
  lt,
  /** Elementwise `<=` as a bool tensor: {@link le}. */
  le,
  /** Elementwise `>` as a bool tensor: {@link gt}. */
  gt,
  /** Elementwise `>=` as a bool tensor: {@link ge}. */
  ge,
  /** A copy with its own storage (differentiable): {@link clone}. */
  clone,
  /** This tensor if contiguous, else a row-major copy: {@link contiguous}. */
  contiguous,
  /** In place: this += alpha * other (returns this): {@link add_}. */
  add_,
  /** In place: this -= alpha * other (returns this): {@link sub_}. */
  sub_,
  /** In place: this *= other (returns this): {@link mul_}. */
  mul_,
  /** In place: this /= other (returns this): {@link div_}. */
  div_,
  /** In place: clamp into [min, max] (returns this): {@link clamp_}. */
  clamp_,
  /** In place: every element set to a value (returns this): {@link fill_}. */
  fill_,
  /** In place: every element set to 0 (returns this): {@link zero_}. */
  zero_,
  /** In place: another tensor's elements copied in, broadcast (returns this): {@link copy_}. */
  copy_,
  /** Broadcast to another tensor's shape: {@link expandAs}. */
  expandAs,
  /** Broadcast to a shape: {@link broadcastTo}. */
  broadcastTo,
  /** max(x, 0) elementwise: {@link relu}. */
  relu,
  /** 1 / (1 + exp(-x)) elementwise: {@link sigmoid}. */
  sigmoid,
  /** Hyperbolic tangent elementwise: {@link tanh}. */
  tanh,
  /** Softmax along `dim`: {@link softmax}. */
  softmax,
  /** log(softmax) along `dim`, computed stably: {@link logSoftmax}. */
  logSoftmax,
} as const;

/** An op's signature as a method: its first argument (the tensor) dropped. */
type AsMethod<F> = F extends (self: Tensor, ...rest: infer R) => infer T ? (...rest: R) => T : never;
type OpMethods = { [K in keyof typeof OPS]: AsMethod<(typeof OPS)[K]> };

declare module '../tensor.js' {
  interface Tensor extends OpMethods {
/** The same elements in a new shape (`reshape(2, 3)` or `reshape([2, 3])`; one size may be -1): {@link reshape}. */
    reshape(...shape: number[] | [Shape]): Tensor;
/** The same storage in a new shape; throws where reshape would have to copy: {@link view}. */
    view(...shape: number[] | [Shape]): Tensor;
/** The largest element as a 0-d tensor: {@link max}. */
    max(): Tensor;
/** The largest values along `dim` and their indices: {@link max}. */
    max(dim: number, keepdim?: boolean): ValuesIndices;
/** The smallest element as a 0-d tensor: {@link min}. */
    min(): Tensor;
/** The smallest values along `dim` and their indices: {@link min}. */
    min(dim: number, keepdim?: boolean): ValuesIndices;
/** Reorder the dims (`permute(2, 0, 1)`): {@link permute}. */
    permute(...dims: number[] | [Shape]): Tensor;
/** This tensor where `condition` holds, else `other` (torch.Tensor.where): {@link where}. */
    where(condition: Tensor, other: TensorLike): Tensor;
/** Broadcast size-1 dims to `size` (-1 keeps a dim): {@link expand}. */
    expand(...size: number[] | [Shape]): Tensor;
/** Convert to `dtype` (a copy): {@link toDtype}. */
    to(dtype: DType): Tensor;
/** Convert to float32 (`to('float32')`). */
    float(): Tensor;
/** Convert to int64 (`to('int64')`). */
    long(): Tensor;
/** Convert to bool (`to('bool')`): nonzero is true. */
    bool(): Tensor;
  }
}

/** reshape(2, 3) and reshape([2, 3]) both work, like PyTorch. */
function shapeArgs(args: number[] | [Shape]): Shape {
  return Array.isArray(args[0]) ? (args[0] as Shape) : (args as number[]);
}

const proto = Tensor.prototype as unknown as Record<string, unknown>;
for (const [name, op] of Object.entries(OPS) as [string, (self: Tensor, ...rest: unknown[]) => unknown][]) {
  // Named after the op (a computed key names the function), so that stack traces, and the op names that
  // errors take from them (src/util/op-name.ts), read `Tensor.sum` rather than an anonymous wrapper.
  proto[name] = { [name](this: Tensor, ...rest: unknown[]) { return op(this, ...rest); } }[name];
}

Object.assign(Tensor.prototype, {
  reshape(this: Tensor, ...shape: number[] | [Shape]) { return reshape(this, shapeArgs(shape)); },
  view(this: Tensor, ...shape: number[] | [Shape]) { return view(this, shapeArgs(shape)); },
  max(this: Tensor, dim?: number, keepdim?: boolean) { return dim === undefined ? max(this) : max(this, dim, keepdim); },
  min(this: Tensor, dim?: number, keepdim?: boolean) { return dim === undefined ? min(this) : min(this, dim, keepdim); },
  permute(this: Tensor, ...dims: number[] | [Shape]) { return permute(this, shapeArgs(dims)); },
  where(this: Tensor, condition: Tensor, other: TensorLike) { return where(condition, this, other); },
  expand(this: Tensor, ...size: number[] | [Shape]) { return expand(this, shapeArgs(size)); },
  to(this: Tensor, dtype: DType) { return toDtype(this, dtype); },
  float(this: Tensor) { return toDtype(this, 'float32'); },
  long(this: Tensor) { return toDtype(this, 'int64'); },
  bool(this: Tensor) { return toDtype(this, 'bool'); },
});
