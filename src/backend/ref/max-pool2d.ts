import type { Pool2dParams } from '../backend.js';

/*
 * Reference maxPool2d kernels over n * c planes of inH x inW: output (r, s) of a plane covers input rows
 * r * strideH - padH + i * dilationH (i < kH) and columns s * strideW - padW + j * dilationW (j < kW);
 * positions outside the plane are padding (-inf, never chosen).
 */

/**
 * y = the max of each window scanned row by row, idx = its flat index h * inW + w in the plane. Ties keep
 * the first maximum; a NaN wins (the last NaN: PyTorch's `v > max || isnan(v)`); -0 and +0 tie.
 */
export function maxPool2dForward(x: Float32Array, y: Float32Array, idx: Uint8Array | Int32Array, p: Pool2dParams): void {
  const { n, c, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW } = p;
  for (let pl = 0; pl < n * c; pl++) {
    const xo = pl * inH * inW;
    for (let r = 0; r < outH; r++) {
      for (let s = 0; s < outW; s++) {
        let max = -Infinity;
        let arg = -1;
        for (let i = 0; i < kH; i++) {
          const h = r * strideH - padH + i * dilationH;
          if (h < 0 || h >= inH) continue;
          for (let j = 0; j < kW; j++) {
            const w = s * strideW - padW + j * dilationW;
            if (w < 0 || w >= inW) continue;
            const v = x[xo + h * inW + w]!;
            if (arg < 0 || v > max || Number.isNaN(v)) {
              max = v;
              arg = h * inW + w;
            }
          }
        }
        const o = (pl * outH + r) * outW + s;
        y[o] = max;
        idx[o] = arg;
      }
    }
  }
}

/** gx = 0, then gx[plane + idx] += gy for every output, in output order. */
export function maxPool2dBackward(gy: Float32Array, idx: Uint8Array | Int32Array, gx: Float32Array, p: Pool2dParams): void {
  const { n, c, inH, inW, outH, outW } = p;
  const plane = inH * inW;
  const outPlane = outH * outW;
  gx.fill(0, 0, n * c * plane);
  for (let pl = 0; pl < n * c; pl++) {
    for (let o = 0; o < outPlane; o++) gx[pl * plane + idx[pl * outPlane + o]!] += gy[pl * outPlane + o]!;
  }
}
