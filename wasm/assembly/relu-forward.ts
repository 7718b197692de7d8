/*
 * reluForward: y = x where !(x < 0), else +0 (torch.relu: NaN of either sign and -0 pass through), over
 * len floats. f32x4.pmax(x, 0) is exactly that select (`x < 0 ? 0 : x`), so the bits are the ref's.
 * Aliasing: y may be x itself (in place: each vector is read before it is written); no other overlap.
 */

/** y[0 .. len) = relu(x[0 .. len)), four floats per f32x4, then one at a time. */
export function reluForward(x: usize, y: usize, len: i32): void {
  const zero = f32x4.splat(0);
  const n = <usize>len << 2;
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) v128.store(y + i, f32x4.pmax(v128.load(x + i), zero));
  for (; i < n; i += 4) {
    const v = load<f32>(x + i);
    store<f32>(y + i, v < 0 ? 0 : v);
  }
}
