/*
 * conv2dBackwardInput: gx (n, cIn, inH, inW) = d loss / d x of conv2d, given gy (n, cOut, outH, outW) and
 * w (cOut, cIn / groups, kH, kW). Layout: NCHW, contiguous row-major. Overwrites gx.
 * Formula: gx[b, ci, h, v] = sum over (o in group, r, s, i, j) that read x[b, ci, h, v] of w[o, c, i, j] * gy[b, o, r, s].
 * Method: per (b, g), cols (K x P) = W_g^T @ gy_g through conv2d-gemm.ts, then col2im (conv2d.ts) adds cols
 *   into the zeroed gx planes; a 1x1 stride-1 unpadded conv writes W_g^T @ gy_g into gx directly.
 * Aliasing: gx must not overlap gy, w or ws. Workspace: as conv2d-forward.ts.
 */
import { col2imAdd2d, isIdentity } from './conv2d';
import { gemmPacked, packB } from './conv2d-gemm';

export function conv2dBackwardInput(
  gy: usize, w: usize, gx: usize, ws: usize,
  n: i32, cIn: i32, cOut: i32, inH: i32, inW: i32, kH: i32, kW: i32, strideH: i32, strideW: i32, padH: i32, padW: i32,
  dilationH: i32, dilationW: i32, groups: i32, outH: i32, outW: i32,
  relu: i32, // conv2dForward only; unused here
): void {
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  const K = cinG * kH * kW;
  const P = outH * outW;
  const planeBytes = (<usize>inH * inW) << 2;
  const identity = isIdentity(kH, kW, strideH, strideW, padH, padW);
  const cols = ws;
  const panel = identity ? ws : ws + ((<usize>(K * P + 3) & ~3) << 2);
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      const gyg = gy + ((<usize>(b * cOut + g * coutG) * P) << 2);
      const gxg = gx + <usize>(b * cIn + g * cinG) * planeBytes;
      const wg = w + ((<usize>(g * coutG) * K) << 2);
      packB(gyg, coutG, P, P, false, panel);
      // A = W_g^T (K x coutG): row stride 1, column stride K.
      if (identity) {
        gemmPacked(K, P, coutG, wg, 1, K, panel, gxg, P, 0);
        continue;
      }
      gemmPacked(K, P, coutG, wg, 1, K, panel, cols, P, 0);
      memory.fill(gxg, 0, <usize>cinG * planeBytes);
      col2imAdd2d(cols, cinG, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW, gxg);
    }
  }
}
