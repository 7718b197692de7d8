/*
 * Shared by batch-norm-forward.ts and batch-norm-backward.ts: float32 <-> f64x2 conversions and the
 * per-channel sums. The batch norm contract computes in float64 and rounds each result once, so four
 * floats travel as two f64x2. Layout (n, c, inner): channel ch is the rows [(b * c + ch) * inner, + inner).
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
@inline function lanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Float element e of the row at r (bytes). */
// @ts-ignore: decorator
@inline export function at(r: usize, e: i32): f64 {
  return <f64>load<f32>(r + (<usize>e << 2));
}

/** The sums of the last channelSums() call. */
export let sumA: f64 = 0;
export let sumAB: f64 = 0;

/**
 * Over channel ch of (n, c, inner) floats, in float64 (two f64x2 accumulators each, then the row tails):
 * square: sumA = sum (a - sa), sumAB = sum (a - sa)^2 (b unused); otherwise sumA = sum a, sumAB =
 * sum a * (b - sb) (sa unused). Inlined with a constant `square`, so each caller gets its own loop.
 */
// @ts-ignore: decorator
@inline export function channelSums(square: bool, a: usize, sa: f64, b: usize, sb: f64, n: i32, c: i32, inner: i32, ch: i32): void {
  const row = (<usize>c * inner) << 2;
  const vsa = f64x2.splat(sa);
  const vsb = f64x2.splat(sb);
  let s0 = f64x2.splat(0);
  let s1 = s0;
  let d0 = s0;
  let d1 = s0;
  let s = 0.0;
  let d = 0.0;
  for (let r = 0, off = (<usize>ch * inner) << 2; r < n; r++, off += row) {
    const ar = a + off;
    const br = b + off;
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      const o = <usize>i << 2;
      const u0 = square ? f64x2.sub(load2(ar + o, 0), vsa) : load2(ar + o, 0);
      const u1 = square ? f64x2.sub(load2(ar + o, 8), vsa) : load2(ar + o, 8);
      s0 = f64x2.add(s0, u0);
      s1 = f64x2.add(s1, u1);
      d0 = f64x2.add(d0, f64x2.mul(u0, square ? u0 : f64x2.sub(load2(br + o, 0), vsb)));
      d1 = f64x2.add(d1, f64x2.mul(u1, square ? u1 : f64x2.sub(load2(br + o, 8), vsb)));
    }
    for (; i < inner; i++) {
      const u = square ? at(ar, i) - sa : at(ar, i);
      s += u;
      d += u * (square ? u : at(br, i) - sb);
    }
  }
  sumA = s + lanes(f64x2.add(s0, s1));
  sumAB = d + lanes(f64x2.add(d0, d1));
}
