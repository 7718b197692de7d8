/*
 * conv2dBackwardInput: gx (n, cIn, inH, inW) = d loss / d x of conv2d, given gy (n, cOut, outH, outW) and
 * w (cOut, cIn / groups, kH, kW). Layout: NCHW, contiguous row-major. Overwrites gx.
 * Formula: gx[b, ci, h, v] = sum over (o in group, r, s, i, j) that read x[b, ci, h, v] of w[o, c, i, j] * gy[b, o, r, s].
 * Method: W_g^T (K x coutG) of every group packed once per call (gemm.ts packA4); per (b, g), gy_g packed into
 *   NR-column panels (conv2d-gemm.ts packB), cols (K x P) = W_g^T @ gy_g through direct.ts directGemm (each
 *   4 x NR tile sums the whole coutG in registers), then col2im (conv2d.ts) adds cols into the zeroed gx planes;
 *   a 1x1 stride-1 unpadded conv writes W_g^T @ gy_g into gx directly.
 * Aliasing: gx must not overlap gy, w or ws. Workspace: as conv2d-forward.ts.
 */
import { col2imAdd2d, isIdentity } from './conv2d';
import { packB } from './conv2d-gemm';
import { directGemm } from './direct';
import { packA4 } from './gemm';

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
  const ap = ws;
  const cols = ap + ((<usize>(cOut * K + 3) & ~3) << 2);
  const panel = identity ? cols : cols + ((<usize>(K * P + 3) & ~3) << 2);
  const groupA = (<usize>coutG * K) << 2; // bytes of one group's weights, packed or not
  // A = W_g^T (K x coutG): row stride 1, column stride K.
  for (let g = 0; g < groups; g++) packA4(w + <usize>g * groupA, K, coutG, 1, K, ap + <usize>g * groupA);
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      const gyg = gy + ((<usize>(b * cOut + g * coutG) * P) << 2);
      const gxg = gx + <usize>(b * cIn + g * cinG) * planeBytes;
      const ag = ap + <usize>g * groupA;
      packB(gyg, coutG, P, P, false, panel);
      if (identity) {
        directGemm<f32>(K, P, coutG, ag, panel, 0, gxg, P, false);
        continue;
      }
      directGemm<f32>(K, P, coutG, ag, panel, 0, cols, P, false);
      memory.fill(gxg, 0, <usize>cinG * planeBytes);
      col2imAdd2d(cols, cinG, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW, gxg);
    }
  }
}
