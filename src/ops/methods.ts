/**
 * Tensor methods: each delegates to the op of the same name in src/ops (x.add(y) is add(x, y)).
 * Declaration merging adds the types; Object.assign adds the implementations.
 */
import { Tensor, type Shape } from '../tensor.js';
import { add, sub } from './add.js';
import { mul } from './mul.js';
import { matmul } from './matmul.js';
import { reshape, flatten, squeeze, unsqueeze } from './reshape.js';
import { sum, mean } from './sum.js';
import { div, type DivOptions } from './div.js';
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
import { variance, type VarOptions } from './var.js';
import { std } from './std.js';
import { transpose, t } from './transpose.js';
import { permute } from './permute.js';
import { split } from './split.js';
import { chunk } from './chunk.js';
import { narrow } from './narrow.js';
import { select } from './select.js';
import { index, type IndexLike } from './indexing.js';
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

declare module '../tensor.js' {
  interface Tensor {
    add(other: TensorLike, alpha?: number): Tensor;
    sub(other: TensorLike, alpha?: number): Tensor;
    mul(other: TensorLike): Tensor;
    matmul(other: Tensor): Tensor;
    reshape(...shape: number[] | [Shape]): Tensor;
    view(...shape: number[] | [Shape]): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    squeeze(dim?: number): Tensor;
    unsqueeze(dim: number): Tensor;
    sum(dim?: number | number[], keepdim?: boolean): Tensor;
    mean(dim?: number | number[], keepdim?: boolean): Tensor;
    div(other: TensorLike, opts?: DivOptions): Tensor;
    neg(): Tensor;
    pow(exponent: TensorLike): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    abs(): Tensor;
    clamp(min?: number | null, max?: number | null): Tensor;
    max(): Tensor;
    max(dim: number, keepdim?: boolean): ValuesIndices;
    min(): Tensor;
    min(dim: number, keepdim?: boolean): ValuesIndices;
    argmax(dim?: number | null, keepdim?: boolean): Tensor;
    argmin(dim?: number | null, keepdim?: boolean): Tensor;
    var(dim?: number | number[] | null, opts?: VarOptions): Tensor;
    std(dim?: number | number[] | null, opts?: VarOptions): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    permute(...dims: number[] | [Shape]): Tensor;
    split(splitSize: number | number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    index(idx: IndexLike): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    where(condition: Tensor, other: TensorLike): Tensor;
    clone(): Tensor;
    expand(...size: number[] | [Shape]): Tensor;
    expandAs(other: Tensor): Tensor;
    broadcastTo(shape: Shape): Tensor;
    to(dtype: DType): Tensor;
    float(): Tensor;
    long(): Tensor;
    bool(): Tensor;
    relu(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    softmax(dim: number): Tensor;
    logSoftmax(dim: number): Tensor;
  }
}

/** reshape(2, 3) and reshape([2, 3]) both work, like PyTorch. */
function shapeArgs(args: number[] | [Shape]): Shape {
  return Array.isArray(args[0]) ? (args[0] as Shape) : (args as number[]);
}

Object.assign(Tensor.prototype, {
  add(this: Tensor, other: TensorLike, alpha?: number) { return add(this, other, alpha); },
  sub(this: Tensor, other: TensorLike, alpha?: number) { return sub(this, other, alpha); },
  mul(this: Tensor, other: TensorLike) { return mul(this, other); },
  matmul(this: Tensor, other: Tensor) { return matmul(this, other); },
  reshape(this: Tensor, ...shape: number[] | [Shape]) { return reshape(this, shapeArgs(shape)); },
  view(this: Tensor, ...shape: number[] | [Shape]) { return reshape(this, shapeArgs(shape)); },
  flatten(this: Tensor, startDim?: number, endDim?: number) { return flatten(this, startDim, endDim); },
  squeeze(this: Tensor, dim?: number) { return squeeze(this, dim); },
  unsqueeze(this: Tensor, dim: number) { return unsqueeze(this, dim); },
  sum(this: Tensor, dim?: number | number[], keepdim?: boolean) { return sum(this, dim, keepdim); },
  mean(this: Tensor, dim?: number | number[], keepdim?: boolean) { return mean(this, dim, keepdim); },
  div(this: Tensor, other: TensorLike, opts?: DivOptions) { return div(this, other, opts); },
  neg(this: Tensor) { return neg(this); },
  pow(this: Tensor, exponent: TensorLike) { return pow(this, exponent); },
  exp(this: Tensor) { return exp(this); },
  log(this: Tensor) { return log(this); },
  sqrt(this: Tensor) { return sqrt(this); },
  abs(this: Tensor) { return abs(this); },
  clamp(this: Tensor, lo?: number | null, hi?: number | null) { return clamp(this, lo, hi); },
  max(this: Tensor, dim?: number, keepdim?: boolean) { return dim === undefined ? max(this) : max(this, dim, keepdim); },
  min(this: Tensor, dim?: number, keepdim?: boolean) { return dim === undefined ? min(this) : min(this, dim, keepdim); },
  argmax(this: Tensor, dim?: number | null, keepdim?: boolean) { return argmax(this, dim, keepdim); },
  argmin(this: Tensor, dim?: number | null, keepdim?: boolean) { return argmin(this, dim, keepdim); },
  var(this: Tensor, dim?: number | number[] | null, opts?: VarOptions) { return variance(this, dim, opts); },
  std(this: Tensor, dim?: number | number[] | null, opts?: VarOptions) { return std(this, dim, opts); },
  transpose(this: Tensor, dim0: number, dim1: number) { return transpose(this, dim0, dim1); },
  t(this: Tensor) { return t(this); },
  permute(this: Tensor, ...dims: number[] | [Shape]) { return permute(this, shapeArgs(dims)); },
  split(this: Tensor, splitSize: number | number[], dim?: number) { return split(this, splitSize, dim); },
  chunk(this: Tensor, chunks: number, dim?: number) { return chunk(this, chunks, dim); },
  narrow(this: Tensor, dim: number, start: number, length: number) { return narrow(this, dim, start, length); },
  select(this: Tensor, dim: number, i: number) { return select(this, dim, i); },
  index(this: Tensor, idx: IndexLike) { return index(this, idx); },
  indexSelect(this: Tensor, dim: number, i: Tensor) { return indexSelect(this, dim, i); },
  gather(this: Tensor, dim: number, i: Tensor) { return gather(this, dim, i); },
  eq(this: Tensor, other: TensorLike) { return eq(this, other); },
  ne(this: Tensor, other: TensorLike) { return ne(this, other); },
  lt(this: Tensor, other: TensorLike) { return lt(this, other); },
  le(this: Tensor, other: TensorLike) { return le(this, other); },
  gt(this: Tensor, other: TensorLike) { return gt(this, other); },
  ge(this: Tensor, other: TensorLike) { return ge(this, other); },
  where(this: Tensor, condition: Tensor, other: TensorLike) { return where(condition, this, other); },
  clone(this: Tensor) { return clone(this); },
  expand(this: Tensor, ...size: number[] | [Shape]) { return expand(this, shapeArgs(size)); },
  expandAs(this: Tensor, other: Tensor) { return expandAs(this, other); },
  broadcastTo(this: Tensor, shape: Shape) { return broadcastTo(this, shape); },
  to(this: Tensor, dtype: DType) { return toDtype(this, dtype); },
  float(this: Tensor) { return toDtype(this, 'float32'); },
  long(this: Tensor) { return toDtype(this, 'int64'); },
  bool(this: Tensor) { return toDtype(this, 'bool'); },
  relu(this: Tensor) { return relu(this); },
  sigmoid(this: Tensor) { return sigmoid(this); },
  tanh(this: Tensor) { return tanh(this); },
  softmax(this: Tensor, dim: number) { return softmax(this, dim); },
  logSoftmax(this: Tensor, dim: number) { return logSoftmax(this, dim); },
});
