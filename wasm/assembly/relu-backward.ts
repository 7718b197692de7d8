/*
 * reluBackward: gx = gy where the relu output y is > 0 or NaN, else +0 (PyTorch's threshold_backward,
 * `y <= 0 ? 0 : gy`), over len floats: gy's bits with the lanes where y <= 0 cleared.
 * Aliasing: gx may be gy itself (in place: each vector is read before it is written); no other overlap.
 */

/** gx[0 .. len) = y > 0 or NaN ? gy : +0, four floats per f32x4, then one at a time. */
export function reluBackward(y: usize, gy: usize, gx: usize, len: i32): void {
  const zero = f32x4.splat(0);
  const n = <usize>len << 2;
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) v128.store(gx + i, v128.andnot(v128.load(gy + i), f32x4.le(v128.load(y + i), zero)));
  for (; i < n; i += 4) store<u32>(gx + i, load<f32>(y + i) <= 0 ? 0 : load<u32>(gy + i));
}
