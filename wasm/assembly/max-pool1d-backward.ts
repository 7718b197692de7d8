/*
 * maxPool1dBackward: gx (n, c, l) = the sum of gy (n, c, lOut) over the windows whose argmax (idx, each in
 * [0, k)) is each position, 0 elsewhere; exactly src/backend/ref/max-pool1d.ts, which zero-fills gx and
 * adds gy[o] at o * stride - padding + idx[o] * dilation for o in order: the float adds here happen in
 * that order, so the sums are bit for bit the ref's. idx is bytes (idx32 = 0) or i32 (idx32 = 1).
 * Method: k = 3, dilation 1 rows run as gathers, four positions per f32x4 with the offsets compared
 * across lanes (no data-dependent branch, no scatter): stride 1 in the positions all three of whose
 * windows lie inside the input, stride 2 padding 1 over whole rows (see each). A window whose argmax is
 * elsewhere adds +0, which changes nothing: a sum that starts at +0 never becomes -0. Everything else is
 * the zero fill and the scatter. Every load stays inside gy's and idx's rows.
 * Aliasing: gx overlaps nothing.
 */
import { idxLoad, interiorHi, interiorLo } from './pool1d';

/** Lanes o .. o + 3 of a row of offsets at ir where the offset is j (i32 masks). */
// @ts-ignore: decorator
@inline function offsetIs<I>(ir: usize, o: usize, j: v128): v128 {
  if (sizeof<I>() == 1) return i32x4.eq(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(ir + o))), j);
  return i32x4.eq(v128.load(ir + (o << 2)), j);
}

/** gy[o .. o + 3] where the offset of window o is j, else +0. */
// @ts-ignore: decorator
@inline function take4<I>(g: usize, ir: usize, o: usize, j: v128): v128 {
  return v128.and(v128.load(g + (o << 2)), offsetIs<I>(ir, o, j));
}

/** gy[o] if window o exists (o < lOut) and its offset is j, else +0. */
// @ts-ignore: decorator
@inline function take<I>(g: usize, ir: usize, o: i32, lo: i32, hi: i32, j: i32): f32 {
  return o >= lo && o < hi && idxLoad<I>(ir, o) == j ? load<f32>(g + (<usize>o << 2)) : 0;
}

/** Eight positions at p: ((0 + a & ma) + b & mb) + c & mc, with the masks as i16 lanes. */
// @ts-ignore: decorator
@inline function sum16(a: usize, b: usize, c: usize, ma: v128, mb: v128, mc: v128, p: usize): void {
  const zero = f32x4.splat(0);
  const lo = f32x4.add(f32x4.add(f32x4.add(zero, v128.and(v128.load(a), i32x4.extend_low_i16x8_s(ma))),
    v128.and(v128.load(b), i32x4.extend_low_i16x8_s(mb))), v128.and(v128.load(c), i32x4.extend_low_i16x8_s(mc)));
  const hi = f32x4.add(f32x4.add(f32x4.add(zero, v128.and(v128.load(a, 16), i32x4.extend_high_i16x8_s(ma))),
    v128.and(v128.load(b, 16), i32x4.extend_high_i16x8_s(mb))), v128.and(v128.load(c, 16), i32x4.extend_high_i16x8_s(mc)));
  v128.store(p, lo);
  v128.store(p, hi, 16);
}

/**
 * The interior windows [lo, hi) of a k = 3, dilation 1, stride 1 row (padding pad), as a gather into gr
 * (zero-filled outside [c0, c1], see below; left border windows already added): position q takes the
 * windows o = q + pad - 2, q + pad - 1, q + pad (offsets 2, 1, 0) in that order, the scatter's. The
 * positions [c0, c1] whose three windows are all interior have no other contribution yet, so their sum
 * starts at +0 without reading gr.
 */
function gatherK3S1<I>(g: usize, ir: usize, gr: usize, lo: i32, hi: i32, pad: i32): void {
  const q0 = lo - pad;
  const q1 = hi + 1 - pad; // every position an interior window covers
  const c0 = lo - pad + 2;
  const c1 = hi - 1 - pad; // positions all three of whose windows are interior
  let q = q0;
  for (; q < c0 && q <= q1; q++) {
    const p = gr + (<usize>q << 2);
    const o = q + pad;
    store<f32>(p, ((load<f32>(p) + take<I>(g, ir, o - 2, lo, hi, 2)) + take<I>(g, ir, o - 1, lo, hi, 1)) + take<I>(g, ir, o, lo, hi, 0));
  }
  const zero = f32x4.splat(0);
  const j0 = i32x4.splat(0);
  const j1 = i32x4.splat(1);
  const j2 = i32x4.splat(2);
  if (sizeof<I>() == 1) {
    for (; q + 15 <= c1; q += 16) {
      const o = <usize>(q + pad);
      const m2 = i8x16.eq(v128.load(ir + o - 2), i8x16.splat(2));
      const m1 = i8x16.eq(v128.load(ir + o - 1), i8x16.splat(1));
      const m0 = i8x16.eq(v128.load(ir + o), i8x16.splat(0));
      const p = gr + (<usize>q << 2);
      sum16(g + ((o - 2) << 2), g + ((o - 1) << 2), g + (o << 2), i16x8.extend_low_i8x16_s(m2), i16x8.extend_low_i8x16_s(m1), i16x8.extend_low_i8x16_s(m0), p);
      sum16(g + ((o + 6) << 2), g + ((o + 7) << 2), g + ((o + 8) << 2), i16x8.extend_high_i8x16_s(m2), i16x8.extend_high_i8x16_s(m1), i16x8.extend_high_i8x16_s(m0), p + 32);
    }
  }
  for (; q + 3 <= c1; q += 4) {
    const o = <usize>(q + pad);
    const a = take4<I>(g, ir, o - 2, j2);
    const b = take4<I>(g, ir, o - 1, j1);
    const c = take4<I>(g, ir, o, j0);
    v128.store(gr + (<usize>q << 2), f32x4.add(f32x4.add(f32x4.add(zero, a), b), c));
  }
  for (; q <= c1; q++) {
    const o = q + pad;
    const a = idxLoad<I>(ir, o - 2) == 2 ? load<f32>(g + (<usize>(o - 2) << 2)) : 0;
    const b = idxLoad<I>(ir, o - 1) == 1 ? load<f32>(g + (<usize>(o - 1) << 2)) : 0;
    const c = idxLoad<I>(ir, o) == 0 ? load<f32>(g + (<usize>o << 2)) : 0;
    store<f32>(gr + (<usize>q << 2), ((<f32>0 + a) + b) + c);
  }
  for (; q <= q1; q++) {
    const p = gr + (<usize>q << 2);
    const o = q + pad;
    store<f32>(p, ((load<f32>(p) + take<I>(g, ir, o - 2, lo, hi, 2)) + take<I>(g, ir, o - 1, lo, hi, 1)) + take<I>(g, ir, o, lo, hi, 0));
  }
}

/**
 * A whole k = 3, stride 2, padding 1, dilation 1 row as a gather (no zero fill, no scatter): window m
 * covers 2m - 1, 2m, 2m + 1, so position 2m takes window m (offset 1) alone and 2m + 1 takes window m
 * (offset 2), then window m + 1 (offset 0): the scatter's order. Windows that do not exist, and argmaxes
 * in the padding, contribute nothing, as in the scatter. Four windows per step in the middle, their eight
 * positions interleaved from the even and odd sums.
 */
function gatherK3S2P1<I>(g: usize, ir: usize, gr: usize, l: i32, lOut: i32): void {
  const mEnd = min(lOut - 1, (l - 1) >> 1); // m + 1 < lOut and 2m + 1 < l
  const zero = f32x4.splat(0);
  const j0 = i32x4.splat(0);
  const j1 = i32x4.splat(1);
  const j2 = i32x4.splat(2);
  let m = 0;
  for (; m + 4 <= mEnd; m += 4) {
    const o = <usize>m;
    const even = f32x4.add(zero, take4<I>(g, ir, o, j1));
    const odd = f32x4.add(f32x4.add(zero, take4<I>(g, ir, o, j2)), take4<I>(g, ir, o + 1, j0));
    const p = gr + (o << 3);
    v128.store(p, f32x4.shuffle(even, odd, 0, 4, 1, 5));
    v128.store(p, f32x4.shuffle(even, odd, 2, 6, 3, 7), 16);
  }
  for (let q = m << 1; q < l; q++) {
    const mm = q >> 1;
    const v = (q & 1) == 0
      ? <f32>0 + take<I>(g, ir, mm, 0, lOut, 1)
      : (<f32>0 + take<I>(g, ir, mm, 0, lOut, 2)) + take<I>(g, ir, mm + 1, 0, lOut, 0);
    store<f32>(gr + (<usize>q << 2), v);
  }
}

/** gr[o * stride - pad + idx[o] * dilation] += gy[o] for o in [o0, o1), skipping positions outside [0, l). */
function scatterChecked<I>(g: usize, ir: usize, gr: usize, o0: i32, o1: i32, l: i32, stride: i32, pad: i32, dilation: i32): void {
  for (let o = o0; o < o1; o++) {
    const q = o * stride - pad + idxLoad<I>(ir, o) * dilation;
    if (q >= 0 && q < l) {
      const p = gr + (<usize>q << 2);
      store<f32>(p, load<f32>(p) + load<f32>(g + (<usize>o << 2)));
    }
  }
}

function unpoolRows<I>(
  gy: usize, idx: usize, gx: usize, rows: i32, l: i32, k: i32, stride: i32, padding: i32, dilation: i32, lOut: i32,
): void {
  const k3 = k == 3 && dilation == 1;
  const lo = interiorLo(stride, padding, lOut);
  const hi = interiorHi(l, k, stride, padding, dilation, lOut);
  for (let r = 0; r < rows; r++) {
    const g = gy + ((<usize>r * lOut) << 2);
    const ir = idx + <usize>r * lOut * sizeof<I>();
    const gr = gx + ((<usize>r * l) << 2);
    if (k3 && stride == 2 && padding == 1) {
      gatherK3S2P1<I>(g, ir, gr, l, lOut);
      continue;
    }
    const gather = k3 && stride == 1 && hi > lo;
    // The stride-1 gather writes [c0, c1] without reading it: zero only the rest.
    const c0 = gather ? max(0, lo - padding + 2) : 0;
    const c1 = gather ? max(c0 - 1, hi - 1 - padding) : -1;
    memory.fill(gr, 0, <usize>c0 << 2);
    memory.fill(gr + (<usize>(c1 + 1) << 2), 0, <usize>(l - c1 - 1) << 2);
    scatterChecked<I>(g, ir, gr, 0, lo, l, stride, padding, dilation);
    if (gather) {
      gatherK3S1<I>(g, ir, gr, lo, hi, padding);
    } else {
      for (let o = lo; o < hi; o++) {
        const p = gr + (<usize>(o * stride - padding + idxLoad<I>(ir, o) * dilation) << 2);
        store<f32>(p, load<f32>(p) + load<f32>(g + (<usize>o << 2)));
      }
    }
    scatterChecked<I>(g, ir, gr, hi, lOut, l, stride, padding, dilation);
  }
}

export function maxPool1dBackward(
  gy: usize, idx: usize, idx32: i32, gx: usize,
  n: i32, c: i32, l: i32, k: i32, stride: i32, padding: i32, dilation: i32, lOut: i32,
): void {
  if (idx32) unpoolRows<i32>(gy, idx, gx, n * c, l, k, stride, padding, dilation, lOut);
  else unpoolRows<u8>(gy, idx, gx, n * c, l, k, stride, padding, dilation, lOut);
}
