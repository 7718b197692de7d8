/** hardtanh(x) = clamp(x, minVal, maxVal), like torch.nn.functional.hardtanh. */
import type { Tensor } from '../tensor.js';
import { activationOp } from './float-unary.js';
import { numberArg } from './args.js';

/**
 * x clamped to [minVal, maxVal] (default [-1, 1]). Gradient: g strictly inside the interval, 0 at and
 * beyond the bounds (PyTorch's hardtanh_backward).
 *
 * Shape: any; the output has the input's shape.
 * @example hardtanh(tensor([-3, 0.5, 3])) // tensor([-1.0000, 0.5000, 1.0000])
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  numberArg('hardtanh', 'minVal', minVal);
  numberArg('hardtanh', 'maxVal', maxVal);
  if (!(minVal <= maxVal)) throw new RangeError(`hardtanh: minVal cannot be greater than maxVal, got minVal=${minVal}, maxVal=${maxVal}`);
  return activationOp(
    'hardtanh', 'HardtanhBackward0', x,
    (v) => (v < minVal ? minVal : v > maxVal ? maxVal : v),
    (g, v) => (v <= minVal || v >= maxVal ? 0 : g),
    { minVal, maxVal },
  );
}
