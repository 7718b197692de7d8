/*
 * add: out = a + b over len floats, each sum rounded to float32 (the autograd engine sums gradient
 * contributions with it). Aliasing: out may be a or b itself (in place: each vector of both operands is
 * read before it is written); no other overlap.
 */

/** out[0 .. len) = a + b, four floats per f32x4, then one at a time. */
export function add(a: usize, b: usize, out: usize, len: i32): void {
  const n = <usize>len << 2;
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) v128.store(out + i, f32x4.add(v128.load(a + i), v128.load(b + i)));
  for (; i < n; i += 4) store<f32>(out + i, load<f32>(a + i) + load<f32>(b + i));
}
