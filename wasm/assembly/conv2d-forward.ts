/*
 * conv2dForward: y (n, cOut, outH, outW) = conv2d(x (n, cIn, inH, inW), w (cOut, cIn / groups, kH, kW)) + bias (cOut).
 * Layout: NCHW, contiguous row-major. bias == 0 means no bias.
 * Formula: for o in group g, ci = g * cinG + c:
 *   y[b, o, r, s] = bias[o] + sum_{c, i, j} w[o, c, i, j] * x[b, ci, r * strideH - padH + i * dilationH,
 *                                                               s * strideW - padW + j * dilationW], x = 0 outside.
 * Method: per (b, g), im2col (conv2d.ts) then y_g = W_g (coutG x K) @ cols (K x P) through conv2d-gemm.ts, the rows of
 *   y_g pre-filled with the bias (beta = 1). A 1x1 stride-1 unpadded conv uses the input planes as cols.
 * relu != 0: each (b, g) block of y is then replaced by relu(y) while it is in cache.
 * Aliasing: y must not overlap x, w, bias or ws. Workspace (workspace.ts): cols (K * P floats, rounded up to 4;
 *   none for the 1x1 case) followed by the packed B of conv2d-gemm.ts (the largest of the three kernels').
 */
import { im2col2d, isIdentity } from './conv2d';
import { gemmPacked, packB } from './conv2d-gemm';
import { reluForward } from './relu-forward';

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
  const cols = ws;
  const panel = identity ? ws : ws + ((<usize>(K * P + 3) & ~3) << 2);
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      const xg = x + ((<usize>(b * cIn + g * cinG) * inH * inW) << 2);
      const yg = y + ((<usize>(b * cOut + g * coutG) * P) << 2);
      if (!identity) im2col2d(xg, cinG, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW, cols);
      let beta: f32 = 0;
      if (bias != 0) {
        for (let o = 0; o < coutG; o++) {
          const v = f32x4.splat(load<f32>(bias + (<usize>(g * coutG + o) << 2)));
          const row = yg + ((<usize>o * P) << 2);
          let t = 0;
          for (; t + 4 <= P; t += 4) v128.store(row + (<usize>t << 2), v);
          for (; t < P; t++) store<f32>(row + (<usize>t << 2), f32x4.extract_lane(v, 0));
        }
        beta = 1;
      }
      packB(identity ? xg : cols, K, P, P, false, panel);
      gemmPacked(coutG, P, K, w + ((<usize>(g * coutG) * K) << 2), K, 1, panel, yg, P, beta);
      if (relu) reluForward(yg, yg, coutG * P); // in place, while the block is in cache
    }
  }
}
