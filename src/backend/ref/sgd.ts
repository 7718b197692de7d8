import type { SgdParams } from '../backend.js';

/**
 * Reference SGD step, PyTorch 1.13 `_single_tensor_sgd`, one element at a time with PyTorch's float32
 * rounding: hyper-parameters are cast to float32, `mul_` rounds its product, and every `add(x, alpha=a)`
 * is computed as one fused `x + a * y` rounded once (ATen's vectorised add uses fmadd). Products of two
 * float32 values are exact in float64, so `Math.fround(x + a * y)` is that fused result.
 */
export function sgdStep(param: Float32Array, grad: Float32Array, buf: Float32Array | null, p: SgdParams): void {
  const { nesterov, maximize, firstStep } = p;
  const f = Math.fround;
  const negLr = f(-p.lr);
  const momentum = f(p.momentum);
  const damp = f(1 - p.dampening);
  const weightDecay = f(p.weightDecay);
  for (let i = 0; i < param.length; i++) {
    let d = maximize ? -grad[i] : grad[i];
    if (weightDecay !== 0) d = f(d + weightDecay * param[i]);
    if (momentum !== 0) {
      const b = buf!;
      b[i] = firstStep ? d : f(f(b[i] * momentum) + damp * d);
      d = nesterov ? f(d + momentum * b[i]) : b[i];
    }
    param[i] = f(param[i] + negLr * d);
  }
}
