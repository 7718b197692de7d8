/*
 * Pack-free building blocks of the conv1d kernels (not an exported kernel).
 *
 * The columns matrix of conv1d (rows r = c * k + j, columns t: x[c, t * stride - padding + j * dilation]) is
 * never materialised: at stride 1 without padding its rows are the input rows themselves (read in place);
 * otherwise buildRows copies each input row once into zero-padded "phase" rows (one per residue of
 * the position mod stride), after which every column row r is a contiguous slice of them, reached through a
 * table of K row pointers. The copy is cinG * stride * phaseLen floats instead of the cinG * k * lOut of an
 * im2col; when the stride or dilation is so large that the im2col is smaller, it builds that instead.
 *
 *   directGemm: C (m x n) = A (m x K, packed by gemm.ts packA4) @ rows (K x n) [+ bias per row], overwriting
 *     C (the rows through a table, or, for conv2d, packed panels). gemm.ts's 4 x NR micro-tile in its table form reads NR floats of every row in place; the rows must be readable
 *     (any value) up to the next multiple of NR past n, only the first n columns of C are written.
 *   dotAccumulate: acc (ma x mb f32x4 vectors) += lane-wise sum over t < len of a-row[t] * b-row[t] (or over
 *     several row segments of a 2-d window); the caller sums the lanes once at the end.
 * Float32 accumulation throughout.
 */
import { NR, tile4, tile1 } from './gemm';

/** Length in floats of one phase row: positions up to the next multiple of NR past lOut, plus the taps. */
function phaseLen(lOut: f64, k: f64, stride: f64, dilation: f64): f64 {
  return Math.ceil(lOut / <f64>NR) * <f64>NR + Math.floor(((k - 1) * dilation) / stride) + 1;
}

/** Length in floats of one tap row: positions up to the next multiple of NR past lOut. */
function tapLen(lOut: f64): f64 {
  return Math.ceil(lOut / <f64>NR) * <f64>NR;
}

/**
 * Whether buildRows copies each input row into k "tap" rows (an im2col) rather than `stride` phase rows:
 * whichever is smaller. Phase rows cost stride * phaseLen floats per input row, which grows with the stride
 * and the dilation even when few positions are computed (stride 1e8 and one output asked for 800 MB);
 * tap rows cost k * lOut, proportional to the work. f64 so that hostile sizes compare, not wrap.
 */
export function useTapRows(lOut: f64, k: f64, stride: f64, dilation: f64): bool {
  return k * tapLen(lOut) < stride * phaseLen(lOut, k, stride, dilation);
}

/** Floats of row buffer buildRows needs per input row (phase or tap rows, whichever is smaller). */
export function rowFloats(lOut: f64, k: f64, stride: f64, dilation: f64): f64 {
  return useTapRows(lOut, k, stride, dilation) ? k * tapLen(lOut) : stride * phaseLen(lOut, k, stride, dilation);
}

/**
 * Whether the column rows can be read straight from the input rows: stride 1 and no padding make column row
 * (c, j) the input row c from element j * dilation on, with no zeros to insert (the 1x1 convs of a model are
 * the common case). The tile reads each row up to roundUp(lOut, NR) floats, i.e. up to NR - 1 floats past the
 * block's last row: those lanes only feed columns that are never stored, so any value will do as long as the
 * bytes are inside linear memory (checked; the adapter places other arrays after the input anyway).
 */
function rowsInPlace(x: usize, cinG: i32, l: i32, k: i32, stride: i32, padding: i32, dilation: i32, lOut: i32): bool {
  if (stride != 1 || padding != 0) return false;
  const lastByte = <f64>x + 4 * (<f64>(cinG - 1) * <f64>l + <f64>(k - 1) * <f64>dilation + tapLen(lOut));
  return lastByte <= <f64>memory.size() * 65536;
}

/**
 * Fill buf with rowFloats(...) floats per input row of the cinG input rows at x (row length l) and
 * tab[c * k + j] (byte pointers) with the row whose element t is x[c, t * stride - padding + j * dilation]
 * (0 outside [0, l)), for t < roundUp(lOut, NR). Phase row ph holds x[c, ph + stride * i - padding]; tap
 * row j holds x[c, j * dilation + stride * i - padding] (see useTapRows).
 */
export function buildRows(
  x: usize, cinG: i32, l: i32, k: i32, stride: i32, padding: i32, dilation: i32, lOut: i32, buf: usize, tab: usize,
): void {
  if (rowsInPlace(x, cinG, l, k, stride, padding, dilation, lOut)) {
    for (let c = 0; c < cinG; c++) {
      for (let j = 0; j < k; j++) {
        store<usize>(tab + (<usize>(c * k + j) << 2), x + ((<usize>c * l + <usize>(j * dilation)) << 2));
      }
    }
    return;
  }
  const taps = useTapRows(lOut, k, stride, dilation);
  const rows = taps ? k : stride; // rows per input row
  const lp = <i32>(taps ? tapLen(lOut) : phaseLen(lOut, k, stride, dilation));
  for (let c = 0; c < cinG; c++) {
    const src = x + ((<usize>c * l) << 2);
    for (let r = 0; r < rows; r++) {
      const dst = buf + ((<usize>(c * rows + r) * lp) << 2);
      // element i is src[base + stride * i]: valid for i in [lo, hi) (i64: l - base + stride can pass 2^31)
      const base = <i64>(taps ? r * dilation : r) - <i64>padding;
      const S = <i64>stride;
      const lo64: i64 = base >= 0 ? 0 : (-base + S - 1) / S;
      const hi64: i64 = <i64>l - base <= 0 ? 0 : (<i64>l - base + S - 1) / S;
      const hi = <i32>min<i64>(hi64, <i64>lp);
      const lo = <i32>min<i64>(lo64, <i64>hi);
      if (lo > 0) memory.fill(dst, 0, <usize>lo << 2);
      if (stride == 1) {
        if (hi > lo) memory.copy(dst + (<usize>lo << 2), src + (<usize>(base + <i64>lo) << 2), <usize>(hi - lo) << 2);
      } else {
        for (let i = lo; i < hi; i++) {
          store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>(base + S * <i64>i) << 2)));
        }
      }
      if (hi < lp) memory.fill(dst + (<usize>hi << 2), 0, <usize>(lp - hi) << 2);
    }
  }
  for (let c = 0; c < cinG; c++) {
    for (let j = 0; j < k; j++) {
      const q = j * dilation;
      const at = taps ? (c * k + j) * lp : (c * stride + q % stride) * lp + q / stride;
      store<usize>(tab + (<usize>(c * k + j) << 2), buf + (<usize>at << 2));
    }
  }
}

/**
 * C (m x n, row stride ldc floats) = A (m x K in the packA4 layout at ap) @ B (K x n) + bias[i] per row i when
 * bias != 0, then relu of it when relu is set. B as gemm.ts's tiles find it: B = usize, row kk is the f32 array
 * at byte pointer b[kk] (a row table); B = f32, ceil(n / NR) panels packed by conv2d-gemm.ts packB at b.
 * A tile keeps its whole K-long sum in registers (no pass over C per depth block); A streams from L2 in one
 * sequential run per panel.
 */
export function directGemm<B>(
  m: i32, n: i32, K: i32, ap: usize, b: usize, bias: usize, c: usize, ldc: i32, relu: bool,
): void {
  const rowB = <usize>K << 2; // bytes per row of A; a block of four rows is 4 * rowB
  const ldcB = <usize>ldc << 2;
  for (let t0 = 0; t0 < n; t0 += NR) {
    const nc = min(NR, n - t0);
    const colC = <usize>t0 << 2;
    // table: every tile reads its columns at colB of each row; panels: the panel of columns t0.. at colB 0
    const colB = isInteger<B>() ? colC : 0;
    const bt = isInteger<B>() ? b : b + <usize>t0 * rowB;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      tile4<B, v128>(K, ap + <usize>i * rowB, 0, 0, bt, colB, c + <usize>i * ldcB + colC, ldcB, nc,
        bias != 0 ? bias + (<usize>i << 2) : 0, 1, 0, relu);
    }
    for (; i < m; i++) {
      tile1<B>(K, ap + <usize>i * rowB, 4, bt, colB, c + <usize>i * ldcB + colC, nc,
        bias != 0 ? bias + (<usize>i << 2) : 0, 1, 0, relu);
    }
  }
}

/** Lane mask keeping the last rem (1..3) lanes of a vector. */
// @ts-ignore: decorator
@inline function tailMask(rem: i32): v128 {
  return rem == 1 ? i32x4(0, 0, 0, -1) : rem == 2 ? i32x4(0, 0, -1, -1) : i32x4(0, -1, -1, -1);
}

/** Sum over t in [len4, len) of a[t] * b[t] (scalar). */
// @ts-ignore: decorator
@inline function scalarTail(len4: i32, len: i32, ap: usize, bp: usize): f32 {
  let s: f32 = 0;
  for (let t = len4; t < len; t++) s += load<f32>(ap + (<usize>t << 2)) * load<f32>(bp + (<usize>t << 2));
  return s;
}

/**
 * Lane-wise products a[t] * b[t] for the t in [len & ~3, len) that the vector loop left (len % 4 != 0): the
 * last full vector [len - 4, len) with the lanes already counted cleared in both operands, or, when len < 4,
 * the scalar sum in lane 0.
 */
// @ts-ignore: decorator
@inline function tailProd(len: i32, ap: usize, bp: usize): v128 {
  if (len >= 4) {
    const m = tailMask(len & 3);
    const o = <usize>(len - 4) << 2;
    return f32x4.mul(v128.and(v128.load(ap + o), m), v128.and(v128.load(bp + o), m));
  }
  return f32x4.replace_lane(f32x4.splat(0), 0, scalarTail(0, len, ap, bp));
}

/*
 * The blocks of dotAccumulate below: ma a rows x mb b rows of f32x4 partial sums kept in registers over
 * `rows` row segments of len floats each (the a rows advance aStep bytes per segment, the b rows bStep).
 */

/**
 * 4 x 2 block: eight accumulators, two b vectors and one a vector. (A 4 x 3 block, twelve accumulators,
 * ran 15-20% slower: with V8's scratch register it needs one more vector register than x64 has.)
 */
function dot42(
  rows: i32, len: i32, aStep: usize, bStep: usize,
  a0: usize, a1: usize, a2: usize, a3: usize, b0: usize, b1: usize, acc: usize, rs: usize,
): void {
  let s00 = v128.load(acc), s01 = v128.load(acc, 16);
  let s10 = v128.load(acc + rs), s11 = v128.load(acc + rs, 16);
  let s20 = v128.load(acc + 2 * rs), s21 = v128.load(acc + 2 * rs, 16);
  let s30 = v128.load(acc + 3 * rs), s31 = v128.load(acc + 3 * rs, 16);
  const end = <usize>(len & ~3) << 2;
  const tail = (len & 3) != 0;
  for (let q = 0; q < rows; q++) {
    for (let o: usize = 0; o < end; o += 16) {
      const v0 = v128.load(b0 + o);
      const v1 = v128.load(b1 + o);
      let av = v128.load(a0 + o);
      s00 = f32x4.add(s00, f32x4.mul(av, v0));
      s01 = f32x4.add(s01, f32x4.mul(av, v1));
      av = v128.load(a1 + o);
      s10 = f32x4.add(s10, f32x4.mul(av, v0));
      s11 = f32x4.add(s11, f32x4.mul(av, v1));
      av = v128.load(a2 + o);
      s20 = f32x4.add(s20, f32x4.mul(av, v0));
      s21 = f32x4.add(s21, f32x4.mul(av, v1));
      av = v128.load(a3 + o);
      s30 = f32x4.add(s30, f32x4.mul(av, v0));
      s31 = f32x4.add(s31, f32x4.mul(av, v1));
    }
    if (tail) {
      s00 = f32x4.add(s00, tailProd(len, a0, b0)); s01 = f32x4.add(s01, tailProd(len, a0, b1));
      s10 = f32x4.add(s10, tailProd(len, a1, b0)); s11 = f32x4.add(s11, tailProd(len, a1, b1));
      s20 = f32x4.add(s20, tailProd(len, a2, b0)); s21 = f32x4.add(s21, tailProd(len, a2, b1));
      s30 = f32x4.add(s30, tailProd(len, a3, b0)); s31 = f32x4.add(s31, tailProd(len, a3, b1));
    }
    a0 += aStep; a1 += aStep; a2 += aStep; a3 += aStep;
    b0 += bStep; b1 += bStep;
  }
  v128.store(acc, s00); v128.store(acc, s01, 16);
  v128.store(acc + rs, s10); v128.store(acc + rs, s11, 16);
  v128.store(acc + 2 * rs, s20); v128.store(acc + 2 * rs, s21, 16);
  v128.store(acc + 3 * rs, s30); v128.store(acc + 3 * rs, s31, 16);
}

/**
 * 4 x 1 block (the last b row when mb is odd): four independent accumulator chains, where four dot11 calls would each wait
 * on one add's latency per step (the reference model's stem has cinG * k = 7 columns; its weight gradient
 * spent as long on the seventh as on the other six).
 */
function dot41(
  rows: i32, len: i32, aStep: usize, bStep: usize,
  a0: usize, a1: usize, a2: usize, a3: usize, b0: usize, acc: usize, rs: usize,
): void {
  let s0 = v128.load(acc), s1 = v128.load(acc + rs), s2 = v128.load(acc + 2 * rs), s3 = v128.load(acc + 3 * rs);
  const end = <usize>(len & ~3) << 2;
  const tail = (len & 3) != 0;
  for (let q = 0; q < rows; q++) {
    for (let o: usize = 0; o < end; o += 16) {
      const v0 = v128.load(b0 + o);
      s0 = f32x4.add(s0, f32x4.mul(v128.load(a0 + o), v0));
      s1 = f32x4.add(s1, f32x4.mul(v128.load(a1 + o), v0));
      s2 = f32x4.add(s2, f32x4.mul(v128.load(a2 + o), v0));
      s3 = f32x4.add(s3, f32x4.mul(v128.load(a3 + o), v0));
    }
    if (tail) {
      s0 = f32x4.add(s0, tailProd(len, a0, b0)); s1 = f32x4.add(s1, tailProd(len, a1, b0));
      s2 = f32x4.add(s2, tailProd(len, a2, b0)); s3 = f32x4.add(s3, tailProd(len, a3, b0));
    }
    a0 += aStep; a1 += aStep; a2 += aStep; a3 += aStep;
    b0 += bStep;
  }
  v128.store(acc, s0); v128.store(acc + rs, s1); v128.store(acc + 2 * rs, s2); v128.store(acc + 3 * rs, s3);
}

/** 1 x 1 block (the last ma % 4 a rows). */
function dot11(rows: i32, len: i32, aStep: usize, bStep: usize, a0: usize, b0: usize, acc: usize): void {
  let s = v128.load(acc);
  const end = <usize>(len & ~3) << 2;
  for (let q = 0; q < rows; q++) {
    for (let o: usize = 0; o < end; o += 16) s = f32x4.add(s, f32x4.mul(v128.load(a0 + o), v128.load(b0 + o)));
    if ((len & 3) != 0) s = f32x4.add(s, tailProd(len, a0, b0));
    a0 += aStep;
    b0 += bStep;
  }
  v128.store(acc, s);
}

/**
 * acc (ma x mb f32x4 vectors, row-major, 16 bytes each) += lane-wise sum over q < rows, t < len of
 * a_i[q * aStep + t] * b_j[q * bStep + t] (steps in bytes): a row i starts at a + i * ldaB, b row j at the
 * byte pointer tab[j]. rows = 1 is a plain dot product over len floats; rows > 1 walks 2-d windows (conv2d's
 * input planes read in place, one output row per segment).
 */
export function dotAccumulate(
  ma: i32, mb: i32, rows: i32, len: i32, aStep: usize, bStep: usize, a: usize, ldaB: usize, tab: usize, acc: usize,
): void {
  const rs = <usize>mb << 4;
  let i = 0;
  for (; i + 4 <= ma; i += 4) {
    const a0 = a + <usize>i * ldaB;
    const accRow = acc + <usize>i * rs;
    let j = 0;
    for (; j + 2 <= mb; j += 2) {
      const t = tab + (<usize>j << 2);
      dot42(rows, len, aStep, bStep, a0, a0 + ldaB, a0 + 2 * ldaB, a0 + 3 * ldaB,
        load<usize>(t), load<usize>(t, 4), accRow + (<usize>j << 4), rs);
    }
    if (j < mb) {
      dot41(rows, len, aStep, bStep, a0, a0 + ldaB, a0 + 2 * ldaB, a0 + 3 * ldaB, load<usize>(tab + (<usize>j << 2)),
        accRow + (<usize>j << 4), rs);
    }
  }
  for (; i < ma; i++) {
    const a0 = a + <usize>i * ldaB;
    for (let j = 0; j < mb; j++) {
      dot11(rows, len, aStep, bStep, a0, load<usize>(tab + (<usize>j << 2)), acc + <usize>i * rs + (<usize>j << 4));
    }
  }
}

/** The sum of v's lanes, in lane order. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}
