/**
 * The machinery of the in-place methods (add_, sub_, mul_, div_, clamp_, fill_, zero_, copy_; one file
 * each): compute the result out of place with the op that has the same maths, write it into the
 * tensor's elements (through to the storage its views share, src/util/strided-copy.ts), bump the shared
 * version counter, and under autograd give the tensor (and, for a view, its base) the new history
 * (src/autograd/inplace-history.ts).
 */
import { Tensor } from '../tensor.js';
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { rebaseThroughView, regionInBase, retireHistory } from '../autograd/inplace-history.js';
import { tensorArg } from './args.js';

const TORCH_TYPE = { float32: 'Float', int64: 'Long', bool: 'Bool' } as const;

/** PyTorch's refusals of an in-place op on `t` (a leaf or a view of a leaf that requires grad, a broadcast view). */
function checkWritable(op: string, t: Tensor): void {
  if (isGradEnabled()) {
    if (t.isLeaf && t.requiresGrad) throw new Error(`${op}: a leaf Variable that requires grad is being used in an in-place operation.`);
    const base = t._base;
    if (base !== null && base.isLeaf && base.requiresGrad) {
      throw new Error(`${op}: a view of a leaf Variable that requires grad is being used in an in-place operation.`);
    }
  }
  const strides = t.stride();
  if (t.shape.some((n, d) => n > 1 && strides[d] === 0)) {
    throw new RangeError(
      `${op}: unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.`,
    );
  }
}

/** The result must fit t: same shape (no broadcasting of t itself) and a dtype t can hold. */
function checkResult(op: string, t: Tensor, r: Tensor): void {
  if (r.ndim !== t.ndim || r.shape.some((d, i) => d !== t.shape[i])) {
    throw new RangeError(`${op}: output with shape [${t.shape.join(', ')}] doesn't match the broadcast shape [${r.shape.join(', ')}]`);
  }
  if (r.dtype !== t.dtype && !(t.dtype === 'float32' || (t.dtype === 'int64' && r.dtype === 'bool'))) {
    throw new TypeError(`${op}: result type ${TORCH_TYPE[r.dtype]} can't be cast to the desired output type ${TORCH_TYPE[t.dtype]}`);
  }
}

/** Messages of the out-of-place op `inner` renamed to start with the in-place op the user called. */
function asOp<T>(op: string, inner: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${inner}:`)) e.message = op + e.message.slice(inner.length);
    throw e;
  }
}

/**
 * Run in-place op `op` on t: `compute(self)` is the out-of-place result (named `inner` in its errors),
 * computed from a tensor holding t's current values and history; `others` are the other tensor operands.
 * Returns t.
 */
export function inPlace(op: string, inner: string, t: Tensor, others: readonly unknown[], compute: (self: Tensor) => Tensor): Tensor {
  tensorArg(op, 'input', t);
  checkWritable(op, t);
  const tracking = isGradEnabled() && (t.requiresGrad || others.some((o) => o instanceof Tensor && o.requiresGrad));
  const before = t._version;
  if (!tracking) {
    const r = asOp(op, inner, () => noGrad(() => compute(t)));
    checkResult(op, t, r);
    t._write(r.data);
    t._bumpVersion();
    return t;
  }
  const base = t._base;
  const region = base === null ? null : regionInBase(base, t);
  if (base !== null && region === null) {
    throw new Error(`${op}: in-place operations under autograd on a view of a non-contiguous detached tensor are not supported; clone() it first`);
  }
  // The old values in a holder of their own: the op's backward may read them after t changes.
  const old = retireHistory(t, before, t.data.slice());
  const r = asOp(op, inner, () => compute(old));
  checkResult(op, t, r);
  // The base's old history; nothing reads its values, so the holder shares them.
  const baseOld = base === null ? null : retireHistory(base, before, base.data);
  t._write(r.data);
  t._bumpVersion();
  if (base === null) {
    if (r.gradFn !== null) t._setHistory(r.gradFn);
  } else {
    rebaseThroughView(base, t, region!, r, baseOld!, before);
  }
  return t;
}
