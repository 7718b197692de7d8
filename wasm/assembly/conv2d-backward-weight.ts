/*
 * conv2dBackwardWeight: gw (cOut, cIn / groups, kH, kW) = d loss / d w and gb (cOut) = d loss / d bias of conv2d,
 * given x (n, cIn, inH, inW) and gy (n, cOut, outH, outW). Layout: NCHW, contiguous row-major. gb == 0 means no
 * bias grad. Overwrites gw and gb (n == 0 writes zeros).
 * Formula: gw[o, c, i, j] = sum_{b, r, s} gy[b, o, r, s] * x[b, ci, r * strideH - padH + i * dilationH,
 *                                                             s * strideW - padW + j * dilationW] (x = 0 outside),
 *          gb[o] = sum_{b, r, s} gy[b, o, r, s]. Float32 accumulation.
 * Method: K = cinG * kH * kW <= DIRECT_MAX_K (1 or 3 input channels at 3x3: a 16 x 9 or 16 x 27 result over a
 *   long reduction) takes the direct path, as conv1d-backward-weight.ts and native's conv2d-backward-weight.cc
 *   do: per (b, g), f32x4 partial sums acc[o, r] += lane-wise gy_g row o . column row r (direct.ts
 *   dotAccumulate, gy rows read in place, 4 x 2 register blocks), the lanes summed once per group at the end.
 *   The column rows are read in place, one output row at a time, from the input planes (copied once per
 *   (b, g) into zero-bordered planes when padded) when the stride along a row is 1 (planesInPlace), as
 *   conv1d's buildRows reads shifted input rows; otherwise they come from an im2col. Otherwise per
 *   (b, g), im2col (conv2d.ts) then gw_g^T (+)= cols (K x P) @ gy_g^T through conv2d-gemm.ts (beta = 1 after
 *   the first batch item), transposed into gw at the end; a 1x1 stride-1 unpadded conv uses the input planes
 *   as cols.
 * Aliasing: gw and gb must not overlap x, gy, each other or ws. Workspace (workspace.ts): the direct path's
 *   partial sums (4 * coutG * K floats), row table (K entries, rounded up to 4) and cols (K * P floats) or
 *   in their place the padded planes (cinG * (inH + 2 padH) * (inW + 2 padW) floats, no more); the
 *   GEMM path's gw^T (cOut * K floats, rounded up to 4), cols as conv2d-forward.ts, then gy^T packed
 *   (roundUp(coutG, NR) * P floats).
 */
import { im2col2d, isIdentity } from './conv2d';
import { gemmPacked, packB } from './conv2d-gemm';
import { dotAccumulate, hsum } from './direct';
import { biasGrad } from './bias-grad';

/**
 * Largest K the direct path takes (native's kDirect2dMaxK). Its 4 gy rows x 2 column rows blocks reuse each
 * load twice to four times; past a few dozen column rows the GEMM's 4 x 8 tile reuses them more.
 */
export const DIRECT_MAX_K: i32 = 32;

/**
 * Whether the direct path reads the column rows in place from the input planes (zero-padded copies of them
 * when there is padding) instead of building cols: stride 1 along a row makes column row (c, i, j) at output
 * row r the input row r * strideH - padH + i * dilationH from column j * dilationW - padW on, outW floats
 * long. Rows of at least 8 outputs (two vectors) keep the per-row overhead of the 2-d walk small; the
 * window must lie inside the padded plane (it does for every consistent outH / outW), and the padded planes
 * must fit where cols would go (K * P floats of workspace: a large padding with a large stride down would
 * otherwise ask for planes far bigger than the work).
 */
export function planesInPlace(
  cinG: i32, inH: i32, inW: i32, kH: i32, kW: i32, strideH: i32, strideW: i32, padH: i32, padW: i32,
  dilationH: i32, dilationW: i32, outH: i32, outW: i32,
): bool {
  const padded = padH != 0 || padW != 0;
  const planes = <f64>cinG * (<f64>inH + 2 * <f64>padH) * (<f64>inW + 2 * <f64>padW);
  return strideW == 1 && outW >= 8 && (!padded || planes <= <f64>cinG * kH * kW * outH * outW) &&
    <i64>(outH - 1) * strideH + <i64>(kH - 1) * dilationH < <i64>inH + 2 * <i64>padH &&
    <i64>(outW - 1) + <i64>(kW - 1) * dilationW < <i64>inW + 2 * <i64>padW;
}

/**
 * The direct path (see the header): f32x4 partial sums over batch items of gy rows . column rows, the
 * column rows read from the (padded) input planes through a row table when planesInPlace, else from cols.
 */
function directPath(
  x: usize, gy: usize, gw: usize, ws: usize,
  n: i32, cIn: i32, cOut: i32, inH: i32, inW: i32, kH: i32, kW: i32, strideH: i32, strideW: i32, padH: i32, padW: i32,
  dilationH: i32, dilationW: i32, groups: i32, outH: i32, outW: i32,
): void {
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  const K = cinG * kH * kW;
  const P = outH * outW;
  const acc = ws; // coutG x K f32x4 partial sums
  const tab = acc + ((<usize>coutG * K) << 4);
  const buf = tab + ((<usize>(K + 3) & ~3) << 2); // cols, or the padded planes
  const rowBytes = <usize>P << 2;
  const inPlace = planesInPlace(cinG, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW);
  const padded = padH != 0 || padW != 0;
  const hp = inH + 2 * padH, wp = inW + 2 * padW; // padded plane (in place: only when padded)
  if (inPlace && padded) memory.fill(buf, 0, (<usize>cinG * hp * wp) << 2); // borders stay zero
  if (!inPlace) for (let r = 0; r < K; r++) store<usize>(tab + (<usize>r << 2), buf + <usize>r * rowBytes);
  for (let g = 0; g < groups; g++) {
    memory.fill(acc, 0, (<usize>coutG * K) << 4);
    for (let b = 0; b < n; b++) {
      const xg = x + ((<usize>(b * cIn + g * cinG) * inH * inW) << 2);
      const gyg = gy + ((<usize>(b * cOut + g * coutG) * P) << 2);
      if (!inPlace) {
        im2col2d(xg, cinG, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW, buf);
        dotAccumulate(coutG, K, 1, P, 0, 0, gyg, rowBytes, tab, acc);
        continue;
      }
      const planes = padded ? buf : xg;
      const ph = padded ? hp : inH, pw = padded ? wp : inW;
      if (padded) {
        for (let c = 0; c < cinG; c++) {
          for (let h = 0; h < inH; h++) {
            memory.copy(buf + ((<usize>((c * hp + h + padH) * wp + padW)) << 2),
              xg + ((<usize>((c * inH + h) * inW)) << 2), <usize>inW << 2);
          }
        }
      }
      // column row (c, i, j) at output row 0: padded input row i * dilationH, column j * dilationW
      for (let c = 0, r = 0; c < cinG; c++) {
        for (let i = 0; i < kH; i++) {
          for (let j = 0; j < kW; j++, r++) {
            store<usize>(tab + (<usize>r << 2), planes + ((<usize>((c * ph + i * dilationH) * pw + j * dilationW)) << 2));
          }
        }
      }
      dotAccumulate(coutG, K, outH, outW, <usize>outW << 2, (<usize>strideH * pw) << 2, gyg, rowBytes, tab, acc);
    }
    const gwg = gw + ((<usize>(g * coutG) * K) << 2);
    const cnt = coutG * K;
    for (let e = 0; e < cnt; e++) store<f32>(gwg + (<usize>e << 2), hsum(v128.load(acc + (<usize>e << 4))));
  }
}

export function conv2dBackwardWeight(
  x: usize, gy: usize, gw: usize, gb: usize, ws: usize,
  n: i32, cIn: i32, cOut: i32, inH: i32, inW: i32, kH: i32, kW: i32, strideH: i32, strideW: i32, padH: i32, padW: i32,
  dilationH: i32, dilationW: i32, groups: i32, outH: i32, outW: i32,
  relu: i32, // conv2dForward only; unused here
): void {
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  const K = cinG * kH * kW;
  const P = outH * outW;
  if (K <= DIRECT_MAX_K) {
    directPath(x, gy, gw, ws, n, cIn, cOut, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW,
      groups, outH, outW);
    if (gb != 0) biasGrad(gy, gb, n, cOut, P);
    return;
  }
  const identity = isIdentity(kH, kW, strideH, strideW, padH, padW);
  // gw^T per group (K x coutG) accumulates cols (K x P) @ gy_g^T: the transposed packing is then of gy
  // (coutG x P) rather than of cols (K x P), 9x fewer scalar copies at 3x3.
  const gwt = ws;
  const cols = gwt + ((<usize>(cOut * K + 3) & ~3) << 2);
  const panel = identity ? cols : cols + ((<usize>(K * P + 3) & ~3) << 2);
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      const xg = x + ((<usize>(b * cIn + g * cinG) * inH * inW) << 2);
      const gyg = gy + ((<usize>(b * cOut + g * coutG) * P) << 2);
      if (!identity) im2col2d(xg, cinG, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW, cols);
      packB(gyg, P, coutG, P, true, panel);
      gemmPacked(K, coutG, P, identity ? xg : cols, P, 1, panel, gwt + ((<usize>(g * coutG) * K) << 2), coutG, b == 0 ? 0 : 1);
    }
  }
  for (let g = 0; g < groups; g++) {
    for (let o = 0; o < coutG; o++) {
      for (let r = 0; r < K; r++) {
        const v: f32 = n == 0 ? 0 : load<f32>(gwt + ((<usize>(g * coutG * K + r * coutG + o)) << 2));
        store<f32>(gw + ((<usize>((g * coutG + o) * K + r)) << 2), v);
      }
    }
  }
  if (gb != 0) biasGrad(gy, gb, n, cOut, P);
}
