/*
 * conv2dForward: y (n, cOut, outH, outW) = conv2d(x (n, cIn, inH, inW), w (cOut, cIn / groups, kH, kW)) + bias (cOut).
 * Layout: NCHW, contiguous row-major. bias == 0 means no bias.
 * Formula: for o in group g, ci = g * cinG + c:
 *   y[b, o, r, s] = bias[o] + sum_{c, i, j} w[o, c, i, j] * x[b, ci, r * strideH - padH + i * dilationH,
 *                                                               s * strideW - padW + j * dilationW], x = 0 outside.
 * Method: the weights packed once per call (gemm.ts packA4, each group's coutG x K block in turn); per (b, g),
 *   im2col (conv2d.ts) and cols packed into NR-column panels (conv2d-gemm.ts packB), then y_g = W_g (coutG x K)
 *   @ cols (K x P) + bias through direct.ts directGemm: each 4 x NR tile sums the whole K in registers from the
 *   bias, with relu (relu != 0) applied as it stores. A 1x1 stride-1 unpadded conv uses the input planes as cols.
 * Aliasing: y must not overlap x, w, bias or ws. Workspace (workspace.ts): the packed weights (cOut * K floats,
 *   rounded up to 4), cols (K * P floats, rounded up to 4; none for the 1x1 case), then the packed B of
 *   conv2d-gemm.ts (the largest of the three kernels').
 */
import { im2col2d, isIdentity } from './conv2d';
import { packB } from './conv2d-gemm';
import { directGemm } from './direct';
import { packA4 } from './gemm';

export function conv2dForward(
  x: usize, w: usize, bias: usize, y: usize, ws: usize,
  n: i32, cIn: i32, cOut: i32, inH: i32, inW: i32, kH: i32, kW: i32, strideH: i32, strideW: i32, padH: i32, padW: i32,
  dilationH: i32, dilationW: i32, groups: i32, outH: i32, outW: i32, relu: i32,
): void {
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  const K = cinG * kH * kW;
  const P = outH * outW;
  const identity = isIdentity(kH, kW, strideH, strideW, padH, padW);
  const ap = ws;
  const cols = ap + ((<usize>(cOut * K + 3) & ~3) << 2);
  const panel = identity ? cols : cols + ((<usize>(K * P + 3) & ~3) << 2);
  const groupA = (<usize>coutG * K) << 2; // bytes of one group's weights, packed or not
  for (let g = 0; g < groups; g++) packA4(w + <usize>g * groupA, coutG, K, K, 1, ap + <usize>g * groupA);
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      const xg = x + ((<usize>(b * cIn + g * cinG) * inH * inW) << 2);
      const yg = y + ((<usize>(b * cOut + g * coutG) * P) << 2);
      if (!identity) im2col2d(xg, cinG, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW, cols);
      packB(identity ? xg : cols, K, P, P, false, panel);
      directGemm<f32>(coutG, P, K, ap + <usize>g * groupA, panel, bias != 0 ? bias + ((<usize>g * coutG) << 2) : 0,
        yg, P, relu != 0);
    }
  }
}
