/*
 * The bias gradient of the conv kernels (not an exported kernel): gb[o] = sum_{b, t} gy[b, o, t] for gy
 * (n, cOut, len), each row summed in f32x4 partial sums (rowSum) with a scalar tail, the rows added in order.
 */

/**
 * Sum of len floats at p: four f32x4 partial sums (16 floats a step, so that four adds are in flight
 * instead of each waiting on the last one's latency: about 3x faster on rows in cache), added pairwise,
 * then a f32x4 step and a scalar tail.
 */
function rowSum(p: usize, len: i32): f32 {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let t = 0;
  for (; t + 16 <= len; t += 16) {
    const q = p + (<usize>t << 2);
    a0 = f32x4.add(a0, v128.load(q));
    a1 = f32x4.add(a1, v128.load(q, 16));
    a2 = f32x4.add(a2, v128.load(q, 32));
    a3 = f32x4.add(a3, v128.load(q, 48));
  }
  let acc = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
  for (; t + 4 <= len; t += 4) acc = f32x4.add(acc, v128.load(p + (<usize>t << 2)));
  let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; t < len; t++) s += load<f32>(p + (<usize>t << 2));
  return s;
}

export function biasGrad(gy: usize, gb: usize, n: i32, cOut: i32, len: i32): void {
  for (let o = 0; o < cOut; o++) {
    let s: f32 = 0;
    for (let b = 0; b < n; b++) s += rowSum(gy + ((<usize>(b * cOut + o) * len) << 2), len);
    store<f32>(gb + (<usize>o << 2), s);
  }
}
