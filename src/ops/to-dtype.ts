/** toDtype: dtype conversion (torch.Tensor.to(dtype), .float(), .long(), .bool()). */
import { Tensor, storageFor, type DType } from '../tensor.js';
import { tensorArg } from './args.js';
import { describeValue } from '../util/describe.js';

const DTYPES: readonly DType[] = ['float32', 'int64', 'bool'];
/** 2^63: float -> int64 conversions out of range (and NaN) give -2^63, as PyTorch on x86 does. */
const INT64_MIN_ABS = 2 ** 63;

/**
 * x converted to `dtype`. Like PyTorch, converting to the dtype x already has returns x itself (no
 * copy). float32 -> int64 truncates toward zero (NaN, +-inf and values beyond the int64 range become
 * -2^63, as in PyTorch on x86); anything -> bool is `x != 0` (NaN is true). Results of a real
 * conversion never require grad (only float32 can, and float32 -> float32 is x itself).
 *
 * Shape: out has the shape of x.
 * @example toDtype(tensor([1.7, -1.7]), 'int64') // tensor([ 1, -1])
 */
export function toDtype(x: Tensor, dtype: DType): Tensor {
  tensorArg('toDtype', 'input', x);
  if (!DTYPES.includes(dtype)) throw new TypeError(`toDtype: expected dtype to be one of ${DTYPES.map((d) => `'${d}'`).join(', ')}, got ${describeValue(dtype)}`);
  if (dtype === x.dtype) return x;
  const n = x.data.length;
  const xd = x.data;
  const out = storageFor(dtype, n);
  if (dtype === 'int64') {
    for (let i = 0; i < n; i++) {
      const v = Math.trunc(xd[i]);
      out[i] = v >= -INT64_MIN_ABS && v < INT64_MIN_ABS ? v + 0 : -INT64_MIN_ABS; // + 0: no -0 in int64
    }
  } else if (dtype === 'bool') {
    for (let i = 0; i < n; i++) out[i] = xd[i] !== 0 ? 1 : 0;
  } else {
    out.set(xd);
  }
  // Nothing to record: only float32 can require grad, and float32 -> float32 returned x above.
  return new Tensor(out, x.shape, dtype);
}
