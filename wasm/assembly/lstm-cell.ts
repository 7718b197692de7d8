/*
 * Vector sigmoid and tanh for the LSTM step kernels (as native/kernels/lstm-inline.h), both through
 * e = exp(-|x|) <= 1 (expNeg, softmax-exp.ts) so nothing overflows: sigmoid(x) = 1 / (1 + e) for x >= 0,
 * e / (1 + e) below; tanh(x) = sign(x) (1 - e2) / (1 + e2), e2 = exp(-2 |x|) (absolute error ~1e-7 near 0).
 * NaN stays NaN.
 */
import { expNeg } from './softmax-exp';

// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  const e = expNeg(f32x4.neg(f32x4.abs(x)));
  const one = f32x4.splat(1);
  const r = f32x4.div(one, f32x4.add(one, e));
  return v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(x, f32x4.splat(0)));
}

// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const e = expNeg(f32x4.mul(f32x4.splat(-2), f32x4.abs(x)));
  const one = f32x4.splat(1);
  const t = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
  return v128.or(t, v128.and(x, i32x4.splat(0x80000000)));
}

/** 4 floats at p, or (`one`) the float at p in every lane: the column tail reuses the vector code. */
// @ts-ignore: decorator
@inline export function load4(p: usize, one: bool): v128 {
  return one ? f32x4.splat(load<f32>(p)) : v128.load(p);
}

/** Store v's 4 floats at p, or (`one`) only its lane 0: the column tail's counterpart of `load4`. */
// @ts-ignore: decorator
@inline export function store4(p: usize, v: v128, one: bool): void {
  if (one) store<f32>(p, f32x4.extract_lane(v, 0));
  else v128.store(p, v);
}
