/*
 * adaptiveAvgPool1dForward / adaptiveAvgPool1dBackward over rows of length l pooled to lOut windows, window
 * o = [floor(o * l / lOut), ceil((o + 1) * l / lOut)); exactly src/backend/ref/adaptive-avg-pool1d.ts (the
 * same f64 sums in the same order, so bit for bit). The forward sums four rows side by side (independent
 * add chains); the backward without overlap (lOut divides l) fills each window with its share, four floats
 * per f32x4 store. Window bounds in u64 (o * l may pass 2**32).
 * Aliasing: the output overlaps nothing.
 */

// @ts-ignore: decorator
@inline function windowStart(o: u64, l: u64, lOut: u64): u64 {
  return o * l / lOut;
}

// @ts-ignore: decorator
@inline function windowEnd(o: u64, l: u64, lOut: u64): u64 {
  return ((o + 1) * l + lOut - 1) / lOut;
}

/** y (rows, lOut) = each window's f64 sum in input order / its length, rounded once. */
export function adaptiveAvgPool1dForward(x: usize, y: usize, rows: i32, l: i32, lOut: i32): void {
  const rowBytes = <usize>l << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const x0 = x + <usize>r * rowBytes;
    const x1 = x0 + rowBytes;
    const x2 = x1 + rowBytes;
    const x3 = x2 + rowBytes;
    const y0 = y + ((<usize>r * <usize>lOut) << 2);
    const yStep = <usize>lOut << 2;
    for (let o = 0; o < lOut; o++) {
      const lo = <usize>windowStart(<u64>o, <u64>l, <u64>lOut);
      const hi = <usize>windowEnd(<u64>o, <u64>l, <u64>lOut);
      let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
      for (let q = lo << 2; q < hi << 2; q += 4) {
        s0 += <f64>load<f32>(x0 + q);
        s1 += <f64>load<f32>(x1 + q);
        s2 += <f64>load<f32>(x2 + q);
        s3 += <f64>load<f32>(x3 + q);
      }
      const len = <f64>(hi - lo);
      const at = y0 + (<usize>o << 2);
      store<f32>(at, <f32>(s0 / len));
      store<f32>(at + yStep, <f32>(s1 / len));
      store<f32>(at + 2 * yStep, <f32>(s2 / len));
      store<f32>(at + 3 * yStep, <f32>(s3 / len));
    }
  }
  for (; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    for (let o = 0; o < lOut; o++) {
      const lo = <usize>windowStart(<u64>o, <u64>l, <u64>lOut);
      const hi = <usize>windowEnd(<u64>o, <u64>l, <u64>lOut);
      let s: f64 = 0;
      for (let q = lo << 2; q < hi << 2; q += 4) s += <f64>load<f32>(xr + q);
      store<f32>(y + ((<usize>r * <usize>lOut + <usize>o) << 2), <f32>(s / <f64>(hi - lo)));
    }
  }
}

/** Fill n floats at p with v: f32x4 stores, then one at a time. */
// @ts-ignore: decorator
@inline function fill(p: usize, n: usize, v: f32): void {
  const vv = f32x4.splat(v);
  const end = p + (n << 2);
  let q = p;
  for (; q + 16 <= end; q += 16) v128.store(q, vv);
  for (; q < end; q += 4) store<f32>(q, v);
}

/** gx (rows, l) = +0, then each window's gy / length added to its positions in window order (f32 per add). */
export function adaptiveAvgPool1dBackward(gy: usize, gx: usize, rows: i32, l: i32, lOut: i32): void {
  const tiles = l % lOut == 0;
  const w = <usize>(l / lOut);
  for (let r = 0; r < rows; r++) {
    const g = gy + ((<usize>r * <usize>lOut) << 2);
    const gr = gx + ((<usize>r * <usize>l) << 2);
    if (tiles) {
      // One window per position: fround(+0 + v) = fround(v) + 0 (-0 becomes +0).
      for (let o = 0; o < lOut; o++) {
        const v = <f32>(<f64>load<f32>(g + (<usize>o << 2)) / <f64>w) + <f32>0;
        fill(gr + ((<usize>o * w) << 2), w, v);
      }
      continue;
    }
    memory.fill(gr, 0, <usize>l << 2);
    for (let o = 0; o < lOut; o++) {
      const lo = <usize>windowStart(<u64>o, <u64>l, <u64>lOut);
      const hi = <usize>windowEnd(<u64>o, <u64>l, <u64>lOut);
      const v = <f64>load<f32>(g + (<usize>o << 2)) / <f64>(hi - lo);
      for (let q = gr + (lo << 2); q < gr + (hi << 2); q += 4) store<f32>(q, <f32>(<f64>load<f32>(q) + v));
    }
  }
}
