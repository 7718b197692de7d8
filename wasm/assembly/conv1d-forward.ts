/*
 * conv1dForward: y (n, cOut, lOut) = conv1d(x (n, cIn, l), w (cOut, cIn / groups, k)) + bias (cOut).
 * Layout: NCL, contiguous row-major. bias == 0 means no bias (the adapter never stages data at address 0).
 * Formula: for o in group g, ci = g * cinG + c:
 *   y[b, o, t] = bias[o] + sum_{c, j} w[o, c, j] * x[b, ci, t * stride - padding + j * dilation], x = 0 outside [0, l).
 * Method: per (b, g), copy the cinG input rows once into zero-padded phase rows and point a table at the
 *   cinG*k shifted column rows (direct.ts buildRows), then the pack-free direct GEMM
 *   y[b, g-rows] = W_g (coutG x cinG*k) @ rows + bias, a 4 x NR register tile reading the rows in place
 *   (W packed once per call, gemm.ts packA4).
 * relu != 0: y = relu(that), applied by the tile as it stores each row (no pass of its own).
 * Aliasing: y must not overlap x, w, bias or ws. Workspace: ws holds the packed weights (cOut * cinG * k
 *   floats, rounded up to 4), roundUp4(cinG * k) floats (the row pointer table) and cinG * rowFloats(lOut, k, stride, dilation) floats (see direct.ts): the smaller of
 *   cinG * stride * (roundUp(lOut, NR) + floor((k - 1) * dilation / stride) + 1) and cinG * k * roundUp(lOut, NR).
 */
import { buildRows, directGemm } from './direct';
import { packA4 } from './gemm';

export function conv1dForward(
  x: usize, w: usize, bias: usize, y: usize, ws: usize,
  n: i32, cIn: i32, cOut: i32, l: i32, k: i32, stride: i32, padding: i32, dilation: i32, groups: i32, lOut: i32,
  relu: i32,
): void {
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  const kk = cinG * k; // reduction length
  const wp = ws; // the weights, each group's packed by packA4
  const tab = wp + ((<usize>(cOut * kk + 3) & ~3) << 2);
  const buf = tab + ((<usize>(kk + 3) & ~3) << 2);
  for (let g = 0; g < groups; g++) {
    const at = (<usize>(g * coutG) * kk) << 2;
    packA4(w + at, coutG, kk, kk, 1, wp + at);
  }
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      const xg = x + ((<usize>(b * cIn + g * cinG) * l) << 2);
      const wg = wp + ((<usize>(g * coutG) * kk) << 2);
      const yg = y + ((<usize>(b * cOut + g * coutG) * lOut) << 2);
      buildRows(xg, cinG, l, k, stride, padding, dilation, lOut, buf, tab);
      directGemm<usize>(coutG, lOut, kk, wg, tab, bias != 0 ? bias + ((<usize>g * coutG) << 2) : 0, yg, lOut, relu != 0);
    }
  }
}
