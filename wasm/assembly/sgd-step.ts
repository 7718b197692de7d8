/*
 * sgdStep: one in-place SGD update of len floats, PyTorch 1.13 `_single_tensor_sgd` semantics:
 *   d = maximize ? -g : g
 *   if weightDecay != 0: d = d + weightDecay * p
 *   if momentum != 0: buf = firstStep ? d : momentum * buf + (1 - dampening) * d
 *                     d = nesterov ? d + momentum * buf : buf
 *   p = p - lr * d
 * Layout: param, grad, buf are flat float32 arrays of len. buf is read and written only when momentum != 0,
 *   and only written when firstStep.
 * Numerics: bit-identical to the ref backend (and to PyTorch): hyper-parameters are rounded to float32; each
 *   `x + a * y` is computed in f64 (the product of two floats is exact there) and rounded once, like ATen's
 *   fused add-with-alpha; `buf * momentum` is rounded on its own, two lanes at a time in f64x2
 *   (f32 pairs promoted / demoted), with a one-float tail.
 * Aliasing: grad must not overlap param or buf; param and buf must not overlap.
 */

/** Round each f64 lane to float32 and back: Math.fround on two lanes. */
// @ts-ignore: decorator
@inline function fround2(v: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v));
}

/** Load 2 floats (wide) or 1 float (lane 1 = 0) as f64x2. */
// @ts-ignore: decorator
@inline function load2(ptr: usize, wide: bool): v128 {
  return f64x2.promote_low_f32x4(wide ? v128.load64_zero(ptr) : v128.load32_zero(ptr));
}

/** Store the f64x2 v as 2 floats (wide) or its lane 0 as 1 float. v holds float32-representable values. */
// @ts-ignore: decorator
@inline function store2(ptr: usize, v: v128, wide: bool): void {
  const f = f32x4.demote_f64x2_zero(v);
  if (wide) v128.store64_lane(ptr, f, 0);
  else v128.store32_lane(ptr, f, 0);
}

/** Update the 2 (wide) or 1 elements at byte offset off. Flags are loop invariant (predictable branches). */
// @ts-ignore: decorator
@inline function update(
  param: usize, grad: usize, buf: usize, off: usize, wide: bool,
  negLr: v128, momentum: v128, damp: v128, weightDecay: v128,
  hasDecay: bool, hasMomentum: bool, nesterov: bool, maximize: bool, firstStep: bool,
): void {
  const p = load2(param + off, wide);
  let d = load2(grad + off, wide);
  if (maximize) d = f64x2.neg(d);
  if (hasDecay) d = fround2(f64x2.add(d, f64x2.mul(weightDecay, p)));
  if (hasMomentum) {
    let b = d;
    if (!firstStep) {
      const old = load2(buf + off, wide);
      b = fround2(f64x2.add(fround2(f64x2.mul(old, momentum)), f64x2.mul(damp, d)));
    }
    store2(buf + off, b, wide);
    d = nesterov ? fround2(f64x2.add(d, f64x2.mul(momentum, b))) : b;
  }
  store2(param + off, fround2(f64x2.add(p, f64x2.mul(negLr, d))), wide);
}

export function sgdStep(
  param: usize, grad: usize, buf: usize, len: i32,
  lr: f64, momentum: f64, dampening: f64, weightDecay: f64,
  nesterov: bool, maximize: bool, firstStep: bool,
): void {
  const vNegLr = f64x2.splat(<f64><f32>(-lr)); // hyper-parameters are float32, as in PyTorch
  const vMomentum = f64x2.splat(<f64><f32>momentum);
  const vDamp = f64x2.splat(<f64><f32>(1 - dampening)); // the ref rounds (1 - dampening) once
  const vDecay = f64x2.splat(<f64><f32>weightDecay);
  const hasDecay = weightDecay != 0;
  const hasMomentum = momentum != 0;
  let i = 0;
  for (; i + 2 <= len; i += 2) {
    update(param, grad, buf, <usize>i << 2, true, vNegLr, vMomentum, vDamp, vDecay,
      hasDecay, hasMomentum, nesterov, maximize, firstStep);
  }
  if (i < len) {
    update(param, grad, buf, <usize>i << 2, false, vNegLr, vMomentum, vDamp, vDecay,
      hasDecay, hasMomentum, nesterov, maximize, firstStep);
  }
}
