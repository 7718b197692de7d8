/*
 * Shared by batch-norm-forward.ts and batch-norm-backward.ts: float32 <-> f64x2 conversions. The batch
 * norm contract computes in float64 and rounds each result once, so four floats travel as two f64x2.
 */

/** Floats p[0], p[1] as an f64x2. */
// @ts-ignore: decorator
@inline export function load2(p: usize, offset: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p + offset));
}

/** The f64x2 lo and hi rounded to float32 and packed as [lo0, lo1, hi0, hi1]. */
// @ts-ignore: decorator
@inline export function round4(lo: v128, hi: v128): v128 {
  return i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
}

/** Lane 0 + lane 1 of an f64x2. */
// @ts-ignore: decorator
@inline export function lanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Float element e of the row at r (bytes). */
// @ts-ignore: decorator
@inline export function at(r: usize, e: i32): f64 {
  return <f64>load<f32>(r + (<usize>e << 2));
}
