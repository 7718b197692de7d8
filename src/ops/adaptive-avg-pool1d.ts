/** adaptiveAvgPool1d: average pooling to a fixed output length, like torch.nn.functional.adaptive_avg_pool1d. */
import { checkAllocation } from '../util/limits.js';
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { gradBuffer, gradBufferZeroed } from '../util/grad-pool.js';
import { getBackend } from '../backend/select.js';
import type { AdaptivePool1dParams } from '../backend/backend.js';
import { windowEnd, windowStart } from '../backend/ref/adaptive-avg-pool1d.js';
import { poolInput, single } from './pool1d.js';

/** Window i of an adaptive pool over L into `out` bins: [floor(i * L / out), ceil((i + 1) * L / out)). */
export function adaptiveWindows(l: number, out: number): { lo: Int32Array; hi: Int32Array } {
  const lo = new Int32Array(out);
  const hi = new Int32Array(out);
  for (let i = 0; i < out; i++) {
    lo[i] = windowStart(i, l, out);
    hi[i] = windowEnd(i, l, out);
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
  return adaptiveAvgPoolRows(op, x, { rows, l, lOut }, outShape(lOut), { outputSize: lOut });
}

/**
 * The adaptive average pool of x viewed as `p.rows` contiguous rows of length `p.l`, through the backend's
 * kernels, recorded as AdaptiveAvgPool2DBackward0 (PyTorch's node for both ranks) with the given attributes.
 * adaptiveAvgPool2d sends its row-separable cases here.
 */
export function adaptiveAvgPoolRows(op: string, x: Tensor, p: AdaptivePool1dParams, shape: number[],
  attrs: Record<string, unknown>): Tensor {
  const { rows, l, lOut } = p;
  checkAllocation(op, rows * lOut);
  const y = new Float32Array(rows * lOut);
  // An output length of 0 pools nothing (the kernels take lOut >= 1).
  if (lOut > 0) getBackend().adaptiveAvgPool1dForward(x.data as Float32Array, y, p);
  return record(new Tensor(y, shape), 'AdaptiveAvgPool2DBackward0', [x], (g) => {
    if (lOut === 0) return [new Tensor(gradBufferZeroed(rows * l), x.shape)];
    const gx = gradBuffer(rows * l); // every element is written
    getBackend().adaptiveAvgPool1dBackward(g.data as Float32Array, gx, p);
    return [new Tensor(gx, x.shape)];
  }, attrs);
}
