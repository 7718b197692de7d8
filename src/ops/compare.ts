/** Elementwise comparisons eq, ne, lt, le, gt, ge: bool results, never differentiable. */
import { Tensor } from '../tensor.js';
import { asTensor, type TensorLike } from './elementwise.js';
import { broadcastPair } from './broadcast.js';
import { tensorArg } from './args.js';

type CmpOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

function compare(op: CmpOp, input: TensorLike, b: TensorLike): Tensor {
  const a = tensorArg(op, 'input', input);
  const tb = asTensor(b, op, a, 'other');
  const { shape, n, fa, fb, ia, ib } = broadcastPair(op, a, tb);
  const ad = a.data;
  const bd = tb.data;
  const out = new Uint8Array(n);
  // one loop per comparison keeps the hot path free of closures
  const A = (i: number) => (fa ? 0 : ia ? ia[i] : i);
  const B = (i: number) => (fb ? 0 : ib ? ib[i] : i);
  switch (op) {
    case 'eq': for (let i = 0; i < n; i++) out[i] = ad[A(i)] === bd[B(i)] ? 1 : 0; break;
    case 'ne': for (let i = 0; i < n; i++) out[i] = ad[A(i)] !== bd[B(i)] ? 1 : 0; break;
    case 'lt': for (let i = 0; i < n; i++) out[i] = ad[A(i)] < bd[B(i)] ? 1 : 0; break;
    case 'le': for (let i = 0; i < n; i++) out[i] = ad[A(i)] <= bd[B(i)] ? 1 : 0; break;
    case 'gt': for (let i = 0; i < n; i++) out[i] = ad[A(i)] > bd[B(i)] ? 1 : 0; break;
    case 'ge': for (let i = 0; i < n; i++) out[i] = ad[A(i)] >= bd[B(i)] ? 1 : 0; break;
  }
  return new Tensor(out, shape, 'bool');
}

/**
 * input == other elementwise with broadcasting (other may be a number); NaN equals nothing.
 *
 * Shape: broadcast of both shapes; dtype 'bool'.
 * @example eq(tensor([1, 2], { dtype: 'float32' }), 2) // tensor([False,  True])
 */
export function eq(input: Tensor, other: TensorLike): Tensor {
  return compare('eq', input, other);
}

/** input != other elementwise (NaN differs from everything). Shape: broadcast; dtype 'bool'. */
export function ne(input: Tensor, other: TensorLike): Tensor {
  return compare('ne', input, other);
}

/** input < other elementwise. Shape: broadcast; dtype 'bool'. */
export function lt(input: Tensor, other: TensorLike): Tensor {
  return compare('lt', input, other);
}

/** input <= other elementwise. Shape: broadcast; dtype 'bool'. */
export function le(input: Tensor, other: TensorLike): Tensor {
  return compare('le', input, other);
}

/** input > other elementwise. Shape: broadcast; dtype 'bool'. */
export function gt(input: Tensor, other: TensorLike): Tensor {
  return compare('gt', input, other);
}

/** input >= other elementwise. Shape: broadcast; dtype 'bool'. */
export function ge(input: Tensor, other: TensorLike): Tensor {
  return compare('ge', input, other);
}
