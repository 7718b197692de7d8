/*
 * softmaxBackward: gx = y * (gy - sum(gy * y)) per row of d floats (src/backend/backend.ts SoftmaxParams),
 * the dot in float32 f32x4 lanes (src/backend/ref/softmax.ts sums in float64).
 * Aliasing: gx may be gy itself (a row's dot is taken before its gx is written); nothing else.
 */
export function softmaxBackward(y: usize, gy: usize, gx: usize, rows: i32, d: i32, maskRows: i32): void {
  const bytes = <usize>d << 2;
  for (let r = 0; r < rows; r++) {
    const yr = y + <usize>r * bytes;
    const gr = gy + <usize>r * bytes;
    const xr = gx + <usize>r * bytes;
    let acc = f32x4.splat(0);
    let i: usize = 0;
    for (; i + 16 <= bytes; i += 16) acc = f32x4.add(acc, f32x4.mul(v128.load(gr + i), v128.load(yr + i)));
    let dot: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; i < bytes; i += 4) dot += load<f32>(gr + i) * load<f32>(yr + i);
    const dv = f32x4.splat(dot);
    i = 0;
    for (; i + 16 <= bytes; i += 16) v128.store(xr + i, f32x4.mul(v128.load(yr + i), f32x4.sub(v128.load(gr + i), dv)));
    for (; i < bytes; i += 4) store<f32>(xr + i, load<f32>(yr + i) * (load<f32>(gr + i) - dot));
  }
}
