import type { Conv2dParams } from '../backend.js';

/*
 * Reference conv2d kernels, NCHW layout. For output channel o in group g = floor(o / (cOut/groups)),
 * input channel ci = g * (cinG = cIn/groups) + c:
 *   y[b, o, r, s] = bias[o] + sum_{c, i, j} w[o, c, i, j] * x[b, ci, r * strideH - padH + i * dilationH,
 *                                                                s * strideW - padW + j * dilationW]
 * with x = 0 outside the image. Sums run in float64, rounded once; conv2dForward then applies relu if p.relu.
 * Each kernel visits the same (output, tap) pairs through `taps`, so the three read as one formula.
 */

/**
 * Calls f(xIndex, wIndex, yIndex) for every (output position, tap) pair of batch item b and output channel o
 * whose input position lies inside the image; indices are flat offsets into x, w and y.
 */
function taps(p: Conv2dParams, b: number, o: number, f: (xi: number, wi: number, yi: number) => void): void {
  const { cIn, cOut, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, groups, outH, outW } = p;
  const cinG = cIn / groups;
  const g = Math.floor(o / (cOut / groups));
  for (let r = 0; r < outH; r++) {
    for (let s = 0; s < outW; s++) {
      const yi = ((b * cOut + o) * outH + r) * outW + s;
      for (let c = 0; c < cinG; c++) {
        const plane = (b * cIn + g * cinG + c) * inH;
        for (let i = 0; i < kH; i++) {
          const h = r * strideH - padH + i * dilationH;
          if (h < 0 || h >= inH) continue;
          for (let j = 0; j < kW; j++) {
            const x = s * strideW - padW + j * dilationW;
            if (x >= 0 && x < inW) f((plane + h) * inW + x, ((o * cinG + c) * kH + i) * kW + j, yi);
          }
        }
      }
    }
  }
}

export function conv2dForward(
  x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, p: Conv2dParams,
): void {
  const plane = p.outH * p.outW;
  const acc = new Float64Array(plane);
  for (let b = 0; b < p.n; b++) {
    for (let o = 0; o < p.cOut; o++) {
      const base = (b * p.cOut + o) * plane;
      acc.fill(bias ? bias[o]! : 0);
      taps(p, b, o, (xi, wi, yi) => { acc[yi - base] += w[wi]! * x[xi]!; });
      for (let t = 0; t < plane; t++) {
        const v = Math.fround(acc[t]!);
        y[base + t] = p.relu && v < 0 ? 0 : v; // relu of the float32 result, as reluForward
      }
    }
  }
}

/** gx[b, ci, h, x] = sum over the (o, output position, tap) that read x[b, ci, h, x] of w * gy. */
export function conv2dBackwardInput(gy: Float32Array, w: Float32Array, gx: Float32Array, p: Conv2dParams): void {
  const acc = new Float64Array(gx.length);
  for (let b = 0; b < p.n; b++) {
    for (let o = 0; o < p.cOut; o++) taps(p, b, o, (xi, wi, yi) => { acc[xi] += w[wi]! * gy[yi]!; });
  }
  for (let i = 0; i < gx.length; i++) gx[i] = acc[i]!;
}

/** gw[o, c, i, j] = sum over (b, output position) of gy * the x it read; gb[o] = sum_{b, r, s} gy[b, o, r, s]. */
export function conv2dBackwardWeight(
  x: Float32Array, gy: Float32Array, gw: Float32Array, gb: Float32Array | null, p: Conv2dParams,
): void {
  const acc = new Float64Array(gw.length);
  const plane = p.outH * p.outW;
  for (let o = 0; o < p.cOut; o++) {
    let s = 0;
    for (let b = 0; b < p.n; b++) {
      taps(p, b, o, (xi, wi, yi) => { acc[wi] += gy[yi]! * x[xi]!; });
      for (let t = 0; t < plane; t++) s += gy[(b * p.cOut + o) * plane + t]!;
    }
    if (gb) gb[o] = s;
  }
  for (let i = 0; i < gw.length; i++) gw[i] = acc[i]!;
}
