/*
 * conv1dBackwardInput: gx (n, cIn, l) = d loss / d x of conv1d, given gy (n, cOut, lOut) and w (cOut, cIn/groups, k).
 * Layout: NCL, contiguous row-major. Overwrites gx.
 * Formula: gx[b, ci, pos] = sum over (o in group, j, t) with t * stride - padding + j * dilation == pos
 *          of w[o, c, j] * gy[b, o, t]   (ci = g * cinG + c).
 * Method: per (b, g), the shared GEMM computes cols (cinG*k x lOut) = W_g^T @ gy[b, g] (W_g^T is W_g read with
 *   swapped strides, gy packed one NR panel at a time), then col2im scatter-adds cols into gx rows
 *   (f32x4 over t for stride 1, scalar otherwise).
 *   Stride 1 instead runs the pack-free direct GEMM on shifted gy rows (see directStride1).
 * With `acc` (src/ops/conv-grads.ts), gx = acc + the input gradient (gx may be acc): per (b, g) the rows of
 *   the gradient are computed in full into the workspace, then added to acc once per element.
 * Aliasing: gx must not overlap gy, w or ws. Workspace: the contribution of one (b, g) (cinG * l floats,
 *   rounded up to 4), then for stride 1: the packed weights (cOut*cinG*k floats,
 *   rounded up to 4), the row table (roundUp4(coutG*k) floats) and the phase rows of coutG gy rows
 *   (coutG * (roundUp(l, NR) + (k-1)*dilation + 1) floats); otherwise cols (cinG*k*lOut floats, rounded up to 4)
 *   followed by one panel of coutG * NR floats.
 */
import { NR, gemmPanel, packRows, packedIndex } from './gemm';
import { buildRows, directGemm } from './direct';

/** dst[t + off] += src[t] for t in [t0, t1): the stride-1 col2im row update. */
function addShifted(dst: usize, src: usize, off: i32, t0: i32, t1: i32): void {
  let t = t0;
  for (; t + 4 <= t1; t += 4) {
    const d = dst + (<usize>(t + off) << 2);
    v128.store(d, f32x4.add(v128.load(d), v128.load(src + (<usize>t << 2))));
  }
  for (; t < t1; t++) {
    const d = dst + (<usize>(t + off) << 2);
    store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>t << 2)));
  }
}

/**
 * Stride 1: gx[b, ci, pos] = sum_{o, j'} w[o, c, k-1-j'] * gy[b, o, pos - ((k-1) * dilation - padding) + j' * dilation],
 * i.e. a forward conv of gy (padding (k-1)*dilation - padding) with the flipped, transposed weights: the
 * weights are packed once as A_g[c, o * k + j'] (per group, in gemm.ts's packA4 layout), then per (b, g) the direct GEMM reads shifted gy rows in place.
 */
function directStride1(
  gy: usize, w: usize, gx: usize, acc: usize, part: usize, ws: usize,
  n: i32, cIn: i32, cOut: i32, l: i32, k: i32, padding: i32, dilation: i32, groups: i32, lOut: i32,
): void {
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  const kk = cinG * k; // w row length
  const K = coutG * k; // reduction length
  const wLen = cOut * kk;
  const ap = ws;
  const tab = ap + ((<usize>(wLen + 3) & ~3) << 2);
  const buf = tab + ((<usize>(K + 3) & ~3) << 2);
  for (let g = 0; g < groups; g++) {
    for (let c = 0; c < cinG; c++) {
      const dst = ap + ((<usize>(g * cinG) * K) << 2);
      for (let o = 0; o < coutG; o++) {
        const src = w + ((<usize>((g * coutG + o) * kk + c * k)) << 2);
        for (let j = 0; j < k; j++) {
          store<f32>(dst + (packedIndex(c, o * k + j, cinG, K) << 2), load<f32>(src + (<usize>(k - 1 - j) << 2)));
        }
      }
    }
  }
  const pad = (k - 1) * dilation - padding;
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      const gxAt = <usize>(b * cIn + g * cinG) * l;
      const gyg = gy + ((<usize>(b * cOut + g * coutG) * lOut) << 2);
      buildRows(gyg, coutG, lOut, k, 1, pad, dilation, l, buf, tab);
      directGemm<usize>(cinG, l, K, ap + ((<usize>(g * cinG) * K) << 2), tab, 0, acc == 0 ? gx + (gxAt << 2) : part, l, false);
      addContribution(acc, part, gx, gxAt, cinG * l);
    }
  }
}

/** gx[at + i] = acc[at + i] + part[i] for i < len, when accumulating (gx may be acc). */
function addContribution(acc: usize, part: usize, gx: usize, at: usize, len: i32): void {
  if (acc == 0) return;
  const a = acc + (at << 2), d = gx + (at << 2);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(d + o, f32x4.add(v128.load(a + o), v128.load(part + o)));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(d + o, load<f32>(a + o) + load<f32>(part + o));
  }
}

export function conv1dBackwardInput(
  gy: usize, w: usize, gx: usize, acc: usize, ws0: usize,
  n: i32, cIn: i32, cOut: i32, l: i32, k: i32, stride: i32, padding: i32, dilation: i32, groups: i32, lOut: i32,
  relu: i32, // conv1dForward only; unused here
): void {
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  const kk = cinG * k; // rows of cols
  const part = ws0;
  const ws = part + ((<usize>(cinG * l + 3) & ~3) << 2);
  if (n == 0 || cIn == 0 || l == 0 || coutG == 0 || lOut == 0) {
    // Nothing flows back: gx = acc + 0 (or 0).
    for (let i = 0; i < n * cIn * l; i++) {
      const o = <usize>i << 2;
      store<f32>(gx + o, acc != 0 ? load<f32>(acc + o) + <f32>0 : 0);
    }
    return;
  }
  if (stride == 1) {
    directStride1(gy, w, gx, acc, part, ws, n, cIn, cOut, l, k, padding, dilation, groups, lOut);
    return;
  }
  const cols = ws;
  const panel = ws + ((<usize>(kk * lOut + 3) & ~3) << 2);
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      const gxAt = <usize>(b * cIn + g * cinG) * l;
      const gyg = gy + ((<usize>(b * cOut + g * coutG) * lOut) << 2);
      const gxg = acc == 0 ? gx + (gxAt << 2) : part;
      const wg = w + ((<usize>(g * coutG) * kk) << 2);
      for (let t0 = 0; t0 < lOut; t0 += NR) {
        const nc = min(NR, lOut - t0);
        packRows(gyg, coutG, lOut, t0, nc, panel);
        // A[r, o] = W_g[o, r]: row stride 1, column stride kk.
        gemmPanel(kk, coutG, wg, 1, kk, panel, cols + (<usize>t0 << 2), lOut, nc, 1, 0);
      }
      for (let c = 0; c < cinG; c++) {
        const gxRow = gxg + ((<usize>c * l) << 2);
        memory.fill(gxRow, 0, <usize>l << 2);
        for (let j = 0; j < k; j++) {
          const colRow = cols + ((<usize>(c * k + j) * lOut) << 2);
          const off = j * dilation - padding; // pos = t * stride + off
          if (stride == 1) {
            addShifted(gxRow, colRow, off, max(0, -off), min(lOut, l - off));
          } else {
            for (let t = 0; t < lOut; t++) {
              const pos = t * stride + off;
              if (pos >= 0 && pos < l) {
                const d = gxRow + (<usize>pos << 2);
                store<f32>(d, load<f32>(d) + load<f32>(colRow + (<usize>t << 2)));
              }
            }
          }
        }
      }
      addContribution(acc, part, gx, gxAt, cinG * l);
    }
  }
}
