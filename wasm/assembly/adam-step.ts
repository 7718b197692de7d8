/*
 * adamStep: one in-place Adam / AdamW update of len floats, PyTorch 1.13 `_single_tensor_adam(w)`
 * semantics and float32 rounding, bit for bit the ref (src/backend/ref/adam.ts; the formula: AdamParams in
 * src/backend/backend.ts). Hyper-parameters are rounded to float32; each fused `x + a * y` is computed in
 * f64 (the product of two floats is exact there) and rounded once; a lone float product, quotient or
 * square root is the f32 operation (correctly rounded, as Math.fround of the f64 one).
 * Layout: param, grad, expAvg, expAvgSq (and maxExpAvgSq with amsgrad) are flat float32 arrays of len.
 * Aliasing: no array overlaps another.
 */

/** x + a * y rounded once to float32. */
// @ts-ignore: decorator
@inline function fusedAdd(x: f32, a: f32, y: f32): f32 {
  return <f32>(<f64>x + <f64>a * <f64>y);
}

/** JS Math.max of two second moments: NaN if either is NaN, +0 over -0. */
// @ts-ignore: decorator
@inline function jsMax(a: f32, b: f32): f32 {
  if (isNaN(a) || isNaN(b)) return NaN;
  if (a == b) return (reinterpret<u32>(a) >> 31) != 0 ? b : a;
  return a > b ? a : b;
}

export function adamStep(
  param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, len: i32,
  lr: f64, beta1: f64, beta2: f64, eps: f64, weightDecay: f64, biasCorrection1: f64, biasCorrection2: f64,
  amsgrad: bool, maximize: bool, decoupled: bool,
): void {
  const b1 = <f32>beta1;
  const b2 = <f32>beta2;
  const oneMinusB1 = <f32>(1 - beta1);
  const oneMinusB2 = <f32>(1 - beta2);
  const epsF = <f32>eps;
  const wd = <f32>weightDecay;
  const decay = <f32>(1 - lr * weightDecay);
  const negStepSize = <f32>(-(lr / biasCorrection1));
  const bc2Sqrt = <f32>Math.sqrt(biasCorrection2);
  const sign: f32 = maximize ? -1 : 1; // exact: g * -1 == -g
  const l2 = !decoupled && weightDecay != 0;
  for (let i = 0; i < len; i++) {
    const off = <usize>i << 2;
    let g = load<f32>(grad + off) * sign;
    let p = load<f32>(param + off);
    if (decoupled) p = p * decay;
    else if (l2) g = fusedAdd(g, wd, p);
    const mi = fusedAdd(load<f32>(expAvg + off) * b1, oneMinusB1, g);
    store<f32>(expAvg + off, mi);
    const vi = fusedAdd(load<f32>(expAvgSq + off) * b2, oneMinusB2 * g, g);
    store<f32>(expAvgSq + off, vi);
    let second = vi;
    if (amsgrad) {
      second = jsMax(load<f32>(maxExpAvgSq + off), vi);
      store<f32>(maxExpAvgSq + off, second);
    }
    const denom = Mathf.sqrt(second) / bc2Sqrt + epsF;
    store<f32>(param + off, p + (negStepSize * mi) / denom);
  }
}
