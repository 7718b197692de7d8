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
import { reshape, flatten, squeeze, unsqueeze } from './reshape.js';
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
import { index } from './indexing.js';
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
  add, sub, mul, matmul, flatten, squeeze, unsqueeze, sum, mean, div, neg, pow, exp, log, sqrt, abs, clamp,
  argmax, argmin, var: variance, std, transpose, t, split, chunk, narrow, select, index, indexSelect, gather,
  eq, ne, lt, le, gt, ge, clone, expandAs, broadcastTo, relu, sigmoid, tanh, softmax, logSoftmax,
} as const;

/** An op's signature as a method: its first argument (the tensor) dropped. */
type AsMethod<F> = F extends (self: Tensor, ...rest: infer R) => infer T ? (...rest: R) => T : never;
type OpMethods = { [K in keyof typeof OPS]: AsMethod<(typeof OPS)[K]> };

declare module '../tensor.js' {
  interface Tensor extends OpMethods {
    reshape(...shape: number[] | [Shape]): Tensor;
    view(...shape: number[] | [Shape]): Tensor;
    max(): Tensor;
    max(dim: number, keepdim?: boolean): ValuesIndices;
    min(): Tensor;
    min(dim: number, keepdim?: boolean): ValuesIndices;
    permute(...dims: number[] | [Shape]): Tensor;
    where(condition: Tensor, other: TensorLike): Tensor;
    expand(...size: number[] | [Shape]): Tensor;
    to(dtype: DType): Tensor;
    float(): Tensor;
    long(): Tensor;
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
  view(this: Tensor, ...shape: number[] | [Shape]) { return reshape(this, shapeArgs(shape)); },
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
