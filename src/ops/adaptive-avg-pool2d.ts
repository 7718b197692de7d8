/** adaptiveAvgPool2d: average pooling to a fixed output size, like torch.nn.functional.adaptive_avg_pool2d. */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { gradBufferZeroed } from '../util/grad-pool.js';
import { adaptiveAvgPoolRows, adaptiveWindows } from './adaptive-avg-pool1d.js';
import { pool2dInput } from './pool2d.js';
import { describeValue } from '../util/describe.js';

/** [oh, ow] from n or [oh | null, ow | null] (null keeps that input dim), as PyTorch's _pair with None. */
function outputSize2d(op: string, v: unknown, h: number, w: number): [number, number] {
  const pair = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? v : null;
  const ok = (e: unknown) => e === null || (typeof e === 'number' && Number.isInteger(e) && e >= 0);
  if (pair === null || !pair.every(ok)) {
    throw new TypeError(`${op}: expected outputSize to be a non-negative integer or a pair of them (or null), got ${describeValue(v)}`);
  }
  return [pair[0] ?? h, pair[1] ?? w];
}

/**
 * Average over oh x ow windows covering the last two dims: window (i, j) spans rows
 * [floor(i * H / oh), ceil((i + 1) * H / oh)) and the same for columns (windows may overlap).
 *
 * Shape: input (N, C, H, W) or (C, H, W) -> (N, C, oh, ow) or (C, oh, ow).
 * @example adaptiveAvgPool2d(x, 1) // global average pooling
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  const op = 'adaptiveAvgPool2d';
  const { planes, h, w, outShape } = pool2dInput(op, x);
  const [oh, ow] = outputSize2d(op, outputSize, h, w);
  // Separable cases whose windows are runs of contiguous elements, summed in the same (row-major) order and
  // divided by the same count as below: global pooling (one run of h * w per plane) and oh = h (each input
  // row pooled along its columns). They go through the backend's 1-D kernels.
  if (oh === 1 && ow === 1) return adaptiveAvgPoolRows(op, x, { rows: planes, l: h * w, lOut: 1 }, outShape(1, 1), { outputSize: [1, 1] });
  if (oh === h) return adaptiveAvgPoolRows(op, x, { rows: planes * h, l: w, lOut: ow }, outShape(oh, ow), { outputSize: [oh, ow] });
  const rows = adaptiveWindows(h, oh);
  const cols = adaptiveWindows(w, ow);
  const xd = x.data as Float32Array;
  const outPlane = oh * ow;
  const y = new Float32Array(planes * outPlane);
  for (let pl = 0; pl < planes; pl++) {
    const xo = pl * h * w;
    for (let r = 0; r < oh; r++) {
      for (let s = 0; s < ow; s++) {
        let sum = 0;
        for (let i = rows.lo[r]!; i < rows.hi[r]!; i++) for (let j = cols.lo[s]!; j < cols.hi[s]!; j++) sum += xd[xo + i * w + j]!;
        y[pl * outPlane + r * ow + s] = sum / ((rows.hi[r]! - rows.lo[r]!) * (cols.hi[s]! - cols.lo[s]!));
      }
    }
  }
  return record(new Tensor(y, outShape(oh, ow)), 'AdaptiveAvgPool2DBackward0', [x], (g) => {
    const gd = g.data as Float32Array;
    const gx = gradBufferZeroed(planes * h * w);
    for (let pl = 0; pl < planes; pl++) {
      const xo = pl * h * w;
      for (let r = 0; r < oh; r++) {
        for (let s = 0; s < ow; s++) {
          const v = gd[pl * outPlane + r * ow + s]! / ((rows.hi[r]! - rows.lo[r]!) * (cols.hi[s]! - cols.lo[s]!));
          for (let i = rows.lo[r]!; i < rows.hi[r]!; i++) for (let j = cols.lo[s]!; j < cols.hi[s]!; j++) gx[xo + i * w + j] += v;
        }
      }
    }
    return [new Tensor(gx, x.shape)];
  }, { outputSize: [oh, ow] });
}
