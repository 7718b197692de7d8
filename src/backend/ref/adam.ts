import type { AdamParams } from '../backend.js';

/**
 * Reference Adam / AdamW step, PyTorch 1.13 `_single_tensor_adam(w)`, one element at a time with PyTorch's
 * float32 rounding (see `AdamParams`): hyper-parameters are cast to float32, `mul_` rounds its product,
 * and each fused `x + a * y` (add with alpha, addcmul) is computed in float64, where the product of two
 * float32 values is exact, and rounded once. Scalars PyTorch keeps in double (the bias corrections, the
 * step size) stay doubles until they meet a float32 kernel.
 */
export function adamStep(
  param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array, maxExpAvgSq: Float32Array | null,
  p: AdamParams,
): void {
  const f = Math.fround;
  const { lr, weightDecay, maximize, decoupled } = p;
  const b1 = f(p.beta1);
  const b2 = f(p.beta2);
  const oneMinusB1 = f(1 - p.beta1);
  const oneMinusB2 = f(1 - p.beta2);
  const epsF = f(p.eps);
  const wd = f(weightDecay);
  const decay = f(1 - lr * weightDecay);
  const negStepSize = f(-(lr / p.biasCorrection1));
  const bc2Sqrt = f(Math.sqrt(p.biasCorrection2));
  const vMax = p.amsgrad ? maxExpAvgSq! : null;
  for (let i = 0; i < param.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (decoupled) param[i] = f(param[i] * decay);
    else if (weightDecay !== 0) g = f(g + wd * param[i]);
    const mi = f(f(expAvg[i] * b1) + oneMinusB1 * g);
    expAvg[i] = mi;
    const vi = f(f(expAvgSq[i] * b2) + f(oneMinusB2 * g) * g);
    expAvgSq[i] = vi;
    let second = vi;
    if (vMax !== null) {
      second = Math.max(vMax[i], vi);
      vMax[i] = second;
    }
    const denom = f(f(f(Math.sqrt(second)) / bc2Sqrt) + epsF);
    param[i] = f(param[i] + f(f(negStepSize * mi) / denom));
  }
}
