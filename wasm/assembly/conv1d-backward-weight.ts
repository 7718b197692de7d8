/*
 * conv1dBackwardWeight: gw (cOut, cIn/groups, k) = d loss / d w and gb (cOut) = d loss / d bias of conv1d,
 * given x (n, cIn, l) and gy (n, cOut, lOut). Layout: NCL, contiguous row-major. gb == 0 means no bias grad.
 * Formula: gw[o, c, j] = sum_{b, t} gy[b, o, t] * x[b, ci, t * stride - padding + j * dilation] (x = 0 outside),
 *          gb[o] = sum_{b, t} gy[b, o, t]. Overwrites gw and gb (n == 0 writes zeros).
 * Method: 1x1 stride-1 unpadded convs (pure channel mixing): per (b, g), the shared GEMM computes
 *   gw_g (+)= gy[b, g] (coutG x lOut) @ x[b, g]^T, packing x^T one NR panel of columns at a time (beta = 1
 *   after the first batch item). Otherwise: per group, f32x4 partial sums acc[o, r] (r = c * k + j)
 *   accumulate over batch items the lane-wise dot products of gy rows with the shifted input rows (direct.ts buildRows + dotAccumulate, no im2col);
 *   the lanes are summed once at the end. Float32 accumulation.
 * Aliasing: gw and gb must not overlap x, gy, each other or ws. Workspace: 1x1 path: lOut * NR floats;
 *   otherwise 4 * coutG * cinG * k floats (the partial sums) followed by the direct workspace of
 *   conv1d-forward.ts (row table + phase rows).
 */
import { NR, gemmPanel } from './gemm';
import { buildRows, dotAccumulate, hsum } from './direct';
import { biasGrad } from './bias-grad';

/** Per-column source row pointer and position offset of the panel being packed (static, NR entries each). */
const SRC: usize = memory.data(NR * 4, 16);
const OFF: usize = memory.data(NR * 4, 16);

/** 4x4 transpose of rows v0..v3 (lanes = t) stored as 4 panel rows (lanes = columns) at dp, dp + NR*4, ... */
// @ts-ignore: decorator
@inline function storeTransposed4(dp: usize, v0: v128, v1: v128, v2: v128, v3: v128): void {
  const a = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5); // v0[0] v1[0] v0[1] v1[1]
  const b = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
  const c = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
  const d = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
  const row = <usize>NR << 2;
  v128.store(dp, v128.shuffle<f32>(a, c, 0, 1, 4, 5));
  v128.store(dp + row, v128.shuffle<f32>(a, c, 2, 3, 6, 7));
  v128.store(dp + 2 * row, v128.shuffle<f32>(b, d, 0, 1, 4, 5));
  v128.store(dp + 3 * row, v128.shuffle<f32>(b, d, 2, 3, 6, 7));
}

/**
 * Pack panel[t, rr] = x[b, ci0 + c, t * stride - padding + j * dilation] (0 outside) for column
 * r = r0 + rr = c * k + j < kk, zero for rr >= nc. For stride 1 and a full panel, the t range where all
 * NR columns are in bounds is copied 4 t at a time with two 4x4 transposes; everything else is scalar.
 */
function packColsT(
  xg: usize, l: i32, k: i32, stride: i32, padding: i32, dilation: i32, lOut: i32, r0: i32, nc: i32, panel: usize,
): void {
  if (nc < NR) memory.fill(panel, 0, <usize>lOut * NR * 4);
  // Column rr reads x row src[rr] at position t * stride + off[rr]; both kept in a small static table.
  let tLo = 0;
  let tHi = lOut;
  for (let rr = 0; rr < nc; rr++) {
    const r = r0 + rr;
    const c = r / k;
    const off = (r - c * k) * dilation - padding;
    store<usize>(SRC + (<usize>rr << 2), xg + ((<usize>c * l) << 2));
    store<i32>(OFF + (<usize>rr << 2), off);
    tLo = max(tLo, -off); // stride 1 bounds: 0 <= t + off < l
    tHi = min(tHi, l - off);
  }
  const fast = stride == 1 && nc == NR && tLo < tHi;
  if (!fast) { tLo = 0; tHi = 0; }
  // Vector part: t in [tLo, tVec), 4 at a time.
  const tVec = tLo + ((tHi - tLo) & ~3);
  for (let t = tLo; t < tVec; t += 4) {
    const dp = panel + ((<usize>t * NR) << 2);
    for (let h = 0; h < NR; h += 4) {
      const s = SRC + (<usize>h << 2);
      const o = OFF + (<usize>h << 2);
      storeTransposed4(dp + (<usize>h << 2),
        v128.load(load<usize>(s) + (<usize>(t + load<i32>(o)) << 2)),
        v128.load(load<usize>(s, 4) + (<usize>(t + load<i32>(o, 4)) << 2)),
        v128.load(load<usize>(s, 8) + (<usize>(t + load<i32>(o, 8)) << 2)),
        v128.load(load<usize>(s, 12) + (<usize>(t + load<i32>(o, 12)) << 2)));
    }
  }
  // Scalar part with bounds checks: t in [0, tLo) and [tVec, lOut) (all of it when not fast).
  for (let rr = 0; rr < nc; rr++) {
    const src = load<usize>(SRC + (<usize>rr << 2));
    const off = load<i32>(OFF + (<usize>rr << 2));
    const dp = panel + (<usize>rr << 2);
    packColumnScalar(src, off, stride, l, dp, 0, tLo);
    packColumnScalar(src, off, stride, l, dp, tVec, lOut);
  }
}

/** panel column at dp: rows t in [t0, t1) get src[t * stride + off], 0 outside [0, l). */
// @ts-ignore: decorator
@inline function packColumnScalar(src: usize, off: i32, stride: i32, l: i32, dp: usize, t0: i32, t1: i32): void {
  for (let t = t0; t < t1; t++) {
    const pos = t * stride + off;
    const v: f32 = pos >= 0 && pos < l ? load<f32>(src + (<usize>pos << 2)) : 0;
    store<f32>(dp + ((<usize>t * NR) << 2), v);
  }
}

/** The packed-GEMM path (per (b, g): gw_g (+)= gy[b, g] @ cols^T, cols^T packed one NR panel at a time). */
function gemmPath(
  x: usize, gy: usize, gw: usize, ws: usize,
  n: i32, cIn: i32, cOut: i32, l: i32, k: i32, stride: i32, padding: i32, dilation: i32, groups: i32, lOut: i32,
): void {
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  const kk = cinG * k;
  if (n <= 0) memory.fill(gw, 0, <usize>cOut * kk * 4);
  for (let b = 0; b < n; b++) {
    const beta: f32 = b == 0 ? 0 : 1;
    for (let g = 0; g < groups; g++) {
      const xg = x + ((<usize>(b * cIn + g * cinG) * l) << 2);
      const gyg = gy + ((<usize>(b * cOut + g * coutG) * lOut) << 2);
      const gwg = gw + ((<usize>(g * coutG) * kk) << 2);
      for (let r0 = 0; r0 < kk; r0 += NR) {
        const nc = min(NR, kk - r0);
        packColsT(xg, l, k, stride, padding, dilation, lOut, r0, nc, ws);
        gemmPanel(coutG, lOut, gyg, lOut, 1, ws, gwg + (<usize>r0 << 2), kk, nc, 1, beta);
      }
    }
  }
}


/** The direct path: f32x4 partial sums over batch items of gy rows . shifted input rows (no im2col). */
function directPath(
  x: usize, gy: usize, gw: usize, ws: usize,
  n: i32, cIn: i32, cOut: i32, l: i32, k: i32, stride: i32, padding: i32, dilation: i32, groups: i32, lOut: i32,
): void {
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  const kk = cinG * k; // columns of gw_g
  const acc = ws; // coutG x kk f32x4 partial sums
  const tab = acc + ((<usize>coutG * kk) << 4);
  const buf = tab + ((<usize>(kk + 3) & ~3) << 2);
  for (let g = 0; g < groups; g++) {
    memory.fill(acc, 0, (<usize>coutG * kk) << 4);
    for (let b = 0; b < n; b++) {
      const xg = x + ((<usize>(b * cIn + g * cinG) * l) << 2);
      const gyg = gy + ((<usize>(b * cOut + g * coutG) * lOut) << 2);
      buildRows(xg, cinG, l, k, stride, padding, dilation, lOut, buf, tab);
      dotAccumulate(coutG, kk, lOut, gyg, <usize>lOut << 2, tab, acc);
    }
    const gwg = gw + ((<usize>(g * coutG) * kk) << 2);
    const cnt = coutG * kk;
    for (let e = 0; e < cnt; e++) store<f32>(gwg + (<usize>e << 2), hsum(v128.load(acc + (<usize>e << 4))));
  }
}

export function conv1dBackwardWeight(
  x: usize, gy: usize, gw: usize, gb: usize, ws: usize,
  n: i32, cIn: i32, cOut: i32, l: i32, k: i32, stride: i32, padding: i32, dilation: i32, groups: i32, lOut: i32,
  relu: i32, // conv1dForward only; unused here
): void {
  if (k == 1 && stride == 1 && padding == 0) {
    gemmPath(x, gy, gw, ws, n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut);
  } else {
    directPath(x, gy, gw, ws, n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut);
  }
  if (gb != 0) biasGrad(gy, gb, n, cOut, lOut);
}
