/** adaptiveAvgPool1d: average pooling to a fixed output length, like torch.nn.functional.adaptive_avg_pool1d. */
import { checkAllocation } from '../util/limits.js';
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { gradBuffer, gradBufferZeroed } from '../util/grad-pool.js';
import { poolInput, single } from './pool1d.js';

/** Window i of an adaptive pool over L into `out` bins: [floor(i * L / out), ceil((i + 1) * L / out)). */
export function adaptiveWindows(l: number, out: number): { lo: Int32Array; hi: Int32Array } {
  const lo = new Int32Array(out);
  const hi = new Int32Array(out);
  for (let i = 0; i < out; i++) {
    lo[i] = Math.floor((i * l) / out);
    hi[i] = Math.ceil(((i + 1) * l) / out);
  }
  return { lo, hi };
}

/**
 * Average over `outputSize` windows covering the last dim (windows may overlap when L is not a multiple).
 *
 * Shape: input (N, C, L) or (C, L) -> (N, C, outputSize) or (C, outputSize).
 * @example adaptiveAvgPool1d(x, 1) // global average pooling
 */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number | readonly number[]): Tensor {
  const op = 'adaptiveAvgPool1d';
  const { rows, l, outShape } = poolInput(op, x);
  const lOut = single(op, 'outputSize', outputSize, 0);
  const { lo, hi } = adaptiveWindows(l, lOut);
  const xd = x.data as Float32Array;
  checkAllocation(op, rows * lOut);
  const y = new Float32Array(rows * lOut);
  for (let r = 0; r < rows; r++) {
    const xo = r * l;
    for (let o = 0; o < lOut; o++) {
      let s = 0;
      for (let p = xo + lo[o], e = xo + hi[o]; p < e; p++) s += xd[p];
      y[r * lOut + o] = s / (hi[o] - lo[o]);
    }
  }
  return record(new Tensor(y, outShape(lOut)), 'AdaptiveAvgPool2DBackward0', [x], (g) => {
    const gd = g.data;
    if (l % lOut === 0) {
      // Windows tile the input without overlap: every element gets exactly one term (0 + v, as the
      // accumulation below would give).
      const gx = gradBuffer(rows * l);
      const w = l / lOut;
      for (let i = 0; i < rows * lOut; i++) gx.fill(0 + gd[i] / w, i * w, i * w + w);
      return [new Tensor(gx, x.shape)];
    }
    const gx = gradBufferZeroed(rows * l);
    for (let r = 0; r < rows; r++) {
      const xo = r * l;
      for (let o = 0; o < lOut; o++) {
        const v = gd[r * lOut + o] / (hi[o] - lo[o]);
        for (let p = xo + lo[o], e = xo + hi[o]; p < e; p++) gx[p] += v;
      }
    }
    return [new Tensor(gx, x.shape)];
  }, { outputSize: lOut });
}
