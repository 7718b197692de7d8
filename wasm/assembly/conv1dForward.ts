/*
 * conv1dForward: y (n, cOut, lOut) = conv1d(x (n, cIn, l), w (cOut, cIn / groups, k)) + bias (cOut).
 * Layout: NCL, contiguous row-major. bias == 0 means no bias (the adapter never stages data at address 0).
 * Formula: for o in group g, ci = g * cinG + c:
 *   y[b, o, t] = bias[o] + sum_{c, j} w[o, c, j] * x[b, ci, t * stride - padding + j * dilation], x = 0 outside [0, l).
 * Method: im2col one NR-wide panel of output positions at a time (rows r = c * k + j, zero padded), then the
 *   shared GEMM: y[b, g-rows, t-panel] = W_g (coutG x cinG*k) @ panel. Stride 1 packs with f32x4 loads.
 * Aliasing: y must not overlap x, w, bias or ws. Workspace: ws holds cinG * k * NR floats.
 */
import { NR, gemmPanel } from './gemm';

/** Pack panel[r = c * k + j, jj] = x[b, ci0 + c, (t0 + jj) * stride - padding + j * dilation] (0 outside). */
function packInputPanel(
  xg: usize, cinG: i32, l: i32, k: i32, stride: i32, padding: i32, dilation: i32, t0: i32, panel: usize,
): void {
  let dp = panel;
  for (let c = 0; c < cinG; c++) {
    const xRow = xg + ((<usize>c * l) << 2);
    for (let j = 0; j < k; j++) {
      const pos0 = t0 * stride - padding + j * dilation; // position read by column jj = 0
      if (stride == 1 && pos0 >= 0 && pos0 + NR <= l) {
        v128.store(dp, v128.load(xRow + (<usize>pos0 << 2)));
        v128.store(dp, v128.load(xRow + (<usize>pos0 << 2), 16), 16);
      } else {
        for (let jj = 0; jj < NR; jj++) {
          const pos = pos0 + jj * stride;
          const v: f32 = pos >= 0 && pos < l ? load<f32>(xRow + (<usize>pos << 2)) : 0;
          store<f32>(dp + (<usize>jj << 2), v);
        }
      }
      dp += <usize>NR << 2;
    }
  }
}

/** row[0..len) += value, f32x4 with a scalar tail. */
function addScalar(row: usize, len: i32, value: f32): void {
  const v = f32x4.splat(value);
  let t = 0;
  for (; t + 4 <= len; t += 4) {
    const p = row + (<usize>t << 2);
    v128.store(p, f32x4.add(v128.load(p), v));
  }
  for (; t < len; t++) {
    const p = row + (<usize>t << 2);
    store<f32>(p, load<f32>(p) + value);
  }
}

export function conv1dForward(
  x: usize, w: usize, bias: usize, y: usize, ws: usize,
  n: i32, cIn: i32, cOut: i32, l: i32, k: i32, stride: i32, padding: i32, dilation: i32, groups: i32, lOut: i32,
): void {
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  const kk = cinG * k; // GEMM reduction length
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      const xg = x + ((<usize>(b * cIn + g * cinG) * l) << 2);
      const wg = w + ((<usize>(g * coutG) * kk) << 2);
      const yg = y + ((<usize>(b * cOut + g * coutG) * lOut) << 2);
      for (let t0 = 0; t0 < lOut; t0 += NR) {
        packInputPanel(xg, cinG, l, k, stride, padding, dilation, t0, ws);
        gemmPanel(coutG, kk, wg, kk, 1, ws, yg + (<usize>t0 << 2), lOut, min(NR, lOut - t0), 1, 0);
      }
      if (bias != 0) {
        for (let o = 0; o < coutG; o++) {
          addScalar(yg + ((<usize>o * lOut) << 2), lOut, load<f32>(bias + (<usize>(g * coutG + o) << 2)));
        }
      }
    }
  }
}
