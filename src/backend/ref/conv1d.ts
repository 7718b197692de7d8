import type { Conv1dParams } from '../backend.js';

/*
 * Reference conv1d kernels, NCL layout. For output channel o in group g = floor(o / (cOut/groups)),
 * input channel ci = g * (cIn/groups) + c:
 *   y[b, o, t] = bias[o] + sum_{c, j} w[o, c, j] * x[b, ci, t * stride - padding + j * dilation]
 * with x = 0 outside [0, l). Sums run in float64, rounded once; conv1dForward then applies relu if p.relu.
 */

export function conv1dForward(
  x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, p: Conv1dParams,
): void {
  const { n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut, relu } = p;
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < cOut; o++) {
      const g = Math.floor(o / coutG);
      for (let t = 0; t < lOut; t++) {
        let s = bias ? bias[o] : 0;
        for (let c = 0; c < cinG; c++) {
          const xBase = (b * cIn + g * cinG + c) * l;
          const wBase = (o * cinG + c) * k;
          for (let j = 0; j < k; j++) {
            const pos = t * stride - padding + j * dilation;
            if (pos >= 0 && pos < l) s += w[wBase + j] * x[xBase + pos];
          }
        }
        const v = Math.fround(s);
        y[(b * cOut + o) * lOut + t] = relu && v < 0 ? 0 : v; // relu of the float32 result, as reluForward
      }
    }
  }
}

/**
 * gx[b, ci, pos] = sum over (o, t, j) that read x[b, ci, pos] of w[o, c, j] * gy[b, o, t], plus acc[b, ci, pos]
 * when acc is given: the sum rounded to float32, then the addition rounded (gx may be acc).
 */
export function conv1dBackwardInput(
  gy: Float32Array, w: Float32Array, gx: Float32Array, acc: Float32Array | null, p: Conv1dParams,
): void {
  const { n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut } = p;
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  const sum = new Float64Array(l);
  for (let b = 0; b < n; b++) {
    for (let ci = 0; ci < cIn; ci++) {
      const g = Math.floor(ci / cinG);
      const c = ci - g * cinG;
      sum.fill(0);
      for (let oo = 0; oo < coutG; oo++) {
        const o = g * coutG + oo;
        const wBase = (o * cinG + c) * k;
        const gyBase = (b * cOut + o) * lOut;
        for (let t = 0; t < lOut; t++) {
          const gv = gy[gyBase + t];
          for (let j = 0; j < k; j++) {
            const pos = t * stride - padding + j * dilation;
            if (pos >= 0 && pos < l) sum[pos] += w[wBase + j] * gv;
          }
        }
      }
      const gxBase = (b * cIn + ci) * l;
      for (let pos = 0; pos < l; pos++) {
        const v = Math.fround(sum[pos]);
        gx[gxBase + pos] = acc !== null ? acc[gxBase + pos]! + v : v;
      }
    }
  }
}

/** gw[o, c, j] = sum_{b, t} gy[b, o, t] * x[b, ci, t * stride - padding + j * dilation]; gb[o] = sum_{b, t} gy[b, o, t]. */
export function conv1dBackwardWeight(
  x: Float32Array, gy: Float32Array, gw: Float32Array, gb: Float32Array | null, p: Conv1dParams,
): void {
  const { n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut } = p;
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  for (let o = 0; o < cOut; o++) {
    const g = Math.floor(o / coutG);
    for (let c = 0; c < cinG; c++) {
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let b = 0; b < n; b++) {
          const xBase = (b * cIn + g * cinG + c) * l;
          const gyBase = (b * cOut + o) * lOut;
          for (let t = 0; t < lOut; t++) {
            const pos = t * stride - padding + j * dilation;
            if (pos >= 0 && pos < l) s += gy[gyBase + t] * x[xBase + pos];
          }
        }
        gw[(o * cinG + c) * k + j] = s;
      }
    }
    if (gb) {
      let s = 0;
      for (let b = 0; b < n; b++) {
        const gyBase = (b * cOut + o) * lOut;
        for (let t = 0; t < lOut; t++) s += gy[gyBase + t];
      }
      gb[o] = s;
    }
  }
}
