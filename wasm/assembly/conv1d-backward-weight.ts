/*
 * conv1dBackwardWeight: gw (cOut, cIn/groups, k) = d loss / d w and gb (cOut) = d loss / d bias of conv1d,
 * given x (n, cIn, l) and gy (n, cOut, lOut). Layout: NCL, contiguous row-major. gb == 0 means no bias grad.
 * Formula: gw[o, c, j] = sum_{b, t} gy[b, o, t] * x[b, ci, t * stride - padding + j * dilation] (x = 0 outside),
 *          gb[o] = sum_{b, t} gy[b, o, t]. Overwrites gw and gb (n == 0 writes zeros).
 * Method: per group, f32x4 partial sums acc[o, r] (r = c * k + j) accumulate over batch items the lane-wise
 *   dot products of gy rows with the shifted input rows (direct.ts buildRows + dotAccumulate, no im2col;
 *   at stride 1 without padding, the 1x1 convs included, the input rows are read in place); the lanes are
 *   summed once at the end. Float32 accumulation. (1x1 convs used to run a packed GEMM against x^T; the
 *   transposing pack cost more than it saved once the direct path stopped copying their rows: 5-17% faster
 *   at the reference model's 1x1 shapes, in-module timing.)
 * Aliasing: gw and gb must not overlap x, gy, each other or ws. Workspace: 4 * coutG * cinG * k floats (the
 *   partial sums) followed by the direct workspace of conv1d-forward.ts (row table + phase rows).
 */
import { buildRows, dotAccumulate, hsum } from './direct';
import { biasGrad } from './bias-grad';

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
      dotAccumulate(coutG, kk, 1, lOut, 0, 0, gyg, <usize>lOut << 2, tab, acc);
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
  directPath(x, gy, gw, ws, n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut);
  if (gb != 0) biasGrad(gy, gb, n, cOut, lOut);
}
