/*
 * softmaxForward: softmax over `rows` rows of d floats (src/backend/backend.ts SoftmaxParams). Per row,
 * z = x + mask row r % maskRows (rounded to float32) or x; m = max z (NaN if any is NaN); y = exp(z - m) *
 * (1 / sum) in float32 with expNeg (softmax-exp.ts). Matches src/backend/ref/softmax.ts (float64 there)
 * within ~1e-6 relative; a row of all -inf gives NaN. mask == 0 means no mask.
 * Aliasing: y may be x itself (each element is read before it is written); nothing else.
 */
import { expNeg } from './softmax-exp';

/** The largest of the n floats at z (n >= 1), NaN if any is NaN. */
function rowMax(z: usize, n: i32): f32 {
  let m = f32x4.splat(-Infinity);
  let nan = i32x4.splat(0);
  const bytes = <usize>n << 2;
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) {
    const v = v128.load(z + i);
    m = f32x4.pmax(m, v);
    nan = v128.or(nan, f32x4.ne(v, v));
  }
  let r = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  let anyNan = v128.any_true(nan);
  for (; i < bytes; i += 4) {
    const v = load<f32>(z + i);
    if (v > r) r = v;
    if (v != v) anyNan = true;
  }
  return anyNan ? NaN : r;
}

export function softmaxForward(x: usize, mask: usize, y: usize, rows: i32, d: i32, maskRows: i32): void {
  if (d == 0) return;
  const bytes = <usize>d << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * bytes;
    const yr = y + <usize>r * bytes;
    let z = xr;
    if (mask != 0) {
      const mr = mask + <usize>(r % maskRows) * bytes;
      for (let i: usize = 0; i < bytes; i += 4) store<f32>(yr + i, load<f32>(xr + i) + load<f32>(mr + i));
      z = yr;
    }
    const m = rowMax(z, d);
    const mv = f32x4.splat(m);
    let acc = f32x4.splat(0);
    let i: usize = 0;
    for (; i + 16 <= bytes; i += 16) {
      const e = expNeg(f32x4.sub(v128.load(z + i), mv));
      v128.store(yr + i, e);
      acc = f32x4.add(acc, e);
    }
    let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; i < bytes; i += 4) {
      const e = f32x4.extract_lane(expNeg(f32x4.splat(load<f32>(z + i) - m)), 0);
      store<f32>(yr + i, e);
      s += e;
    }
    const inv = f32x4.splat(<f32>1 / s);
    i = 0;
    for (; i + 16 <= bytes; i += 16) v128.store(yr + i, f32x4.mul(v128.load(yr + i), inv));
    const invS: f32 = <f32>1 / s;
    for (; i < bytes; i += 4) store<f32>(yr + i, load<f32>(yr + i) * invS);
  }
}
