/*
 * Softmax helpers shared by softmax-forward.ts and softmax-backward.ts: expNeg, the Cephes expf scheme on
 * f32x4 (as native/kernels/softmax-inline.h): x = n ln2 + r (ln2 split in two), a degree-6 polynomial for
 * exp(r), 2^n put into the exponent bits; n rounded with the 1.5 * 2^23 trick. Arguments below -87 (and
 * -inf) give +0, NaN stays NaN; relative error ~2 ulp.
 */

// @ts-ignore: decorator
@inline export function expNeg(x: v128): v128 {
  const lo = f32x4.splat(-87.0);
  const magic = f32x4.splat(12582912.0);
  const below = f32x4.lt(x, lo);
  const xc = v128.bitselect(lo, x, below);
  const t = f32x4.add(f32x4.mul(xc, f32x4.splat(1.44269504088896341)), magic);
  const n = f32x4.sub(t, magic);
  const r = f32x4.add(f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375))), f32x4.mul(n, f32x4.splat(2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const e = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1.0));
  const bits = i32x4.shl(i32x4.add(i32x4.sub(t, magic), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(e, bits), below);
}
