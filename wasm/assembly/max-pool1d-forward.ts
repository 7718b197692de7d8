/*
 * maxPool1dForward: y (n, c, lOut) = the max of each window of x (n, c, l), idx (n, c, lOut) = its offset j
 * in the window (input position o * stride - padding + j * dilation); exactly src/backend/ref/max-pool1d.ts.
 * Ties keep the first maximum; a NaN wins (the last NaN of a window, PyTorch's `v > max || isnan(v)`); -0
 * and +0 tie; padding is -inf. idx is bytes (idx32 = 0, only when k <= 256) or i32 (idx32 = 1).
 * Method: windows lying inside the input are branch-free (a data-dependent branch mispredicts on real
 * activations). k = 3, dilation 1, stride 1 or 2 (the reference model's pools) run four windows per f32x4
 * as compare-and-selects across lanes: for each window (a, b, c), b beats a if greater or NaN; c wins if
 * NaN or greater than both (the same as greater than max(a, b), which is NaN, and so never exceeded, when
 * a or b is), so every comparison is independent of the others and y is one of the loaded values (bits
 * kept). The offsets (0, 1, 2 in i32 lanes) narrow to bytes, 16 windows per store. Other interior windows
 * take scalar selects; windows touching the padding take the plain loop. Every load stays inside x's row.
 * Aliasing: y and idx overlap nothing.
 */
import { idxStore, interiorHi, interiorLo } from './pool1d';

/** A window touching the padding, starting at p0 (relative to the row at xr): skips padded positions. */
function borderWindow<I>(xr: usize, yo: usize, ir: usize, o: i32, p0: i32, l: i32, k: i32, dilation: i32): void {
  let q = p0;
  let j = 0;
  if (q < 0) { // the first j with q + j * dilation >= 0
    j = (-q + dilation - 1) / dilation;
    q += j * dilation;
  }
  let best = j;
  let m: f32 = -Infinity;
  for (; j < k && q < l; j++, q += dilation) {
    const v = load<f32>(xr + (<usize>q << 2));
    if (v > m || v != v) {
      m = v;
      best = j;
    }
  }
  store<f32>(yo, m);
  idxStore<I>(ir, o, best);
}

/** Windows [o, e) inside the input, any k, stride and dilation: scalar selects. s: first window's start. */
function interiorAny<I>(s: usize, yr: usize, ir: usize, o: i32, e: i32, k: i32, stride: i32, dilation: i32): void {
  const step = <usize>stride << 2;
  const dStep = <usize>dilation << 2;
  for (; o < e; o++, s += step) {
    let m = load<f32>(s);
    let j = 0;
    let q = s + dStep;
    for (let t = 1; t < k; t++, q += dStep) {
      const v = load<f32>(q);
      const take = v > m || v != v;
      j = select<i32>(t, j, take);
      m = select<f32>(v, m, take);
    }
    store<f32>(yr + (<usize>o << 2), m);
    idxStore<I>(ir, o, j);
  }
}

/** Four k = 3 windows with lanes a, b, c: stores their maxima at yp and returns their offsets (i32 lanes). */
// @ts-ignore: decorator
@inline function max3(a: v128, b: v128, c: v128, yp: usize): v128 {
  const pb = v128.or(f32x4.gt(b, a), f32x4.ne(b, b));
  const qc = v128.or(v128.and(f32x4.gt(c, a), f32x4.gt(c, b)), f32x4.ne(c, c));
  v128.store(yp, v128.bitselect(c, v128.bitselect(b, a, pb), qc));
  return v128.bitselect(i32x4.splat(2), v128.and(pb, i32x4.splat(1)), qc);
}

/** Windows 4w .. 4w + 3 of a k = 3, dilation 1 run whose first window starts at s (stride S); returns offsets. */
// @ts-ignore: decorator
@inline function four3<S>(s: usize, yr: usize, w: usize): v128 {
  if (sizeof<S>() == 1) { // stride 1: three shifted loads
    const p = s + (w << 4);
    return max3(v128.load(p), v128.load(p, 4), v128.load(p, 8), yr + (w << 4));
  }
  // stride 2: deinterleave x[8w .. 8w + 8] into a = even, b = odd, c = even shifted by one
  const p = s + (w << 5);
  const lo = v128.load(p);
  const hi = v128.load(p, 16);
  const a = f32x4.shuffle(lo, hi, 0, 2, 4, 6);
  const b = f32x4.shuffle(lo, hi, 1, 3, 5, 7);
  const c = f32x4.shuffle(a, v128.load32_zero(p, 32), 1, 2, 3, 4);
  return max3(a, b, c, yr + (w << 4));
}

/**
 * Windows [0, count) of a k = 3, dilation 1 run (stride 1 for S = u8, 2 for S = u16), the first starting at
 * s, maxima to yr, offsets to ir (I = u8 or i32): 16 windows per step, then 4, then one at a time.
 */
function window3<S, I>(s: usize, yr: usize, ir: usize, count: i32): void {
  const n = <usize>count;
  let w: usize = 0; // in groups of 4 windows
  for (; (w + 4) << 2 <= n; w += 4) {
    const j0 = four3<S>(s, yr, w);
    const j1 = four3<S>(s, yr, w + 1);
    const j2 = four3<S>(s, yr, w + 2);
    const j3 = four3<S>(s, yr, w + 3);
    if (sizeof<I>() == 1) {
      v128.store(ir + (w << 2), i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(j0, j1), i16x8.narrow_i32x4_u(j2, j3)));
    } else {
      v128.store(ir + (w << 4), j0);
      v128.store(ir + (w << 4), j1, 16);
      v128.store(ir + (w << 4), j2, 32);
      v128.store(ir + (w << 4), j3, 48);
    }
  }
  for (; (w + 1) << 2 <= n; w++) {
    const j = four3<S>(s, yr, w);
    if (sizeof<I>() == 1) {
      const b = i16x8.narrow_i32x4_u(j, j);
      v128.store32_lane(ir + (w << 2), i8x16.narrow_i16x8_u(b, b), 0);
    } else {
      v128.store(ir + (w << 4), j);
    }
  }
  const step = <usize>sizeof<S>() << 2;
  for (let o = <i32>(w << 2), p = s + (w << 2) * step; o < count; o++, p += step) {
    const a = load<f32>(p);
    const b = load<f32>(p, 4);
    const c = load<f32>(p, 8);
    const pb = b > a || b != b;
    const qc = (c > a && c > b) || c != c;
    store<f32>(yr + (<usize>o << 2), select<f32>(c, select<f32>(b, a, pb), qc));
    idxStore<I>(ir, o, select<i32>(2, <i32>pb, qc));
  }
}

function poolRows<I>(
  x: usize, y: usize, idx: usize, rows: i32, l: i32, k: i32, stride: i32, padding: i32, dilation: i32, lOut: i32,
): void {
  const lo = interiorLo(stride, padding, lOut);
  const hi = interiorHi(l, k, stride, padding, dilation, lOut);
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>r * l) << 2);
    const yr = y + ((<usize>r * lOut) << 2);
    const ir = idx + <usize>r * lOut * sizeof<I>();
    for (let o = 0; o < lo; o++) borderWindow<I>(xr, yr + (<usize>o << 2), ir, o, o * stride - padding, l, k, dilation);
    const s = xr + (<usize>(lo * stride - padding) << 2);
    const yo = yr + (<usize>lo << 2);
    const io = ir + <usize>lo * sizeof<I>();
    if (k == 3 && dilation == 1 && stride == 1) window3<u8, I>(s, yo, io, hi - lo);
    else if (k == 3 && dilation == 1 && stride == 2) window3<u16, I>(s, yo, io, hi - lo);
    else interiorAny<I>(s, yr, ir, lo, hi, k, stride, dilation);
    for (let o = hi; o < lOut; o++) borderWindow<I>(xr, yr + (<usize>o << 2), ir, o, o * stride - padding, l, k, dilation);
  }
}

export function maxPool1dForward(
  x: usize, y: usize, idx: usize, idx32: i32,
  n: i32, c: i32, l: i32, k: i32, stride: i32, padding: i32, dilation: i32, lOut: i32,
): void {
  if (idx32) poolRows<i32>(x, y, idx, n * c, l, k, stride, padding, dilation, lOut);
  else poolRows<u8>(x, y, idx, n * c, l, k, stride, padding, dilation, lOut);
}
