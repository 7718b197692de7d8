/**
 * batchNorm: normalise each channel over the batch (and length), like torch.nn.functional.batch_norm.
 * Training normalises with the batch's biased variance and updates the running statistics in place
 * (with the unbiased variance); evaluation normalises with the running statistics.
 */
import { Tensor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';

export interface BatchNormOptions {
  /** Per-channel scale gamma (C), or null for 1. */
  weight?: Tensor | null;
  /** Per-channel shift beta (C), or null for 0. */
  bias?: Tensor | null;
  /** Use batch statistics (and update the running ones if given). Default false. */
  training?: boolean;
  /** Running-statistics update factor: running = (1 - momentum) * running + momentum * batch. Default 0.1. */
  momentum?: number;
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
}

function checkChannelVector(name: string, t: Tensor | null | undefined, c: number): void {
  if (t === null || t === undefined) return;
  if (!(t instanceof Tensor)) throw new TypeError(`batchNorm: expected ${name} to be a Tensor or null, got ${typeof t}`);
  if (t.dtype !== 'float32') throw new TypeError(`batchNorm: expected ${name} to be float32, got ${t.dtype}`);
  if (t.numel() !== c) throw new RangeError(`batchNorm: expected ${name} of shape (${c},), got ${shapeStr(t.shape)}`);
}

/**
 * Batch normalisation: y = (x - mean) / sqrt(var + eps) * weight + bias per channel (dim 1).
 * runningMean/runningVar (C) are updated in place when training; they may be null when training (batch
 * statistics only) but are required in evaluation.
 *
 * Shape: input (N, C) or (N, C, L) (any trailing dims) -> same shape.
 * @example batchNorm(x, runningMean, runningVar, { weight, bias, training: true, momentum: 0.1, eps: 1e-5 })
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, opts: BatchNormOptions = {}): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`batchNorm: expected input to be a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (x.dtype !== 'float32') throw new TypeError(`batchNorm: expected a float32 input, got ${x.dtype}`);
  if (x.ndim < 2) throw new RangeError(`batchNorm: expected input of shape (N, C) or (N, C, L), got ${shapeStr(x.shape)}`);
  const training = opts.training ?? false;
  const momentum = opts.momentum ?? 0.1;
  const eps = opts.eps ?? 1e-5;
  if (typeof momentum !== 'number' || Number.isNaN(momentum)) throw new TypeError(`batchNorm: expected momentum to be a number, got ${String(momentum)}`);
  if (typeof eps !== 'number' || !(eps >= 0)) throw new RangeError(`batchNorm: expected eps to be a number >= 0, got ${String(eps)}`);
  const weight = opts.weight ?? null;
  const bias = opts.bias ?? null;
  const nb = x.shape[0];
  const c = x.shape[1];
  checkChannelVector('weight', weight, c);
  checkChannelVector('bias', bias, c);
  checkChannelVector('runningMean', runningMean, c);
  checkChannelVector('runningVar', runningVar, c);
  if ((runningMean === null) !== (runningVar === null)) {
    throw new TypeError('batchNorm: expected runningMean and runningVar to be both Tensors or both null');
  }
  if (!training && (runningMean === null || runningVar === null)) {
    throw new TypeError('batchNorm: runningMean and runningVar must be defined in evaluation mode (training=false)');
  }
  let inner = 1;
  for (let i = 2; i < x.ndim; i++) inner *= x.shape[i];
  const count = nb * inner;
  if (training && count <= 1) {
    throw new RangeError(`batchNorm: expected more than 1 value per channel when training, got input of shape ${shapeStr(x.shape)}`);
  }

  const xd = x.data as Float32Array;
  const rowStride = c * inner;
  const mean = new Float64Array(c);
  const invstd = new Float64Array(c);
  if (training) {
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      for (let n = 0; n < nb; n++) {
        for (let p = n * rowStride + ch * inner, e = p + inner; p < e; p++) s += xd[p];
      }
      const m = s / count;
      let v = 0;
      for (let n = 0; n < nb; n++) {
        for (let p = n * rowStride + ch * inner, e = p + inner; p < e; p++) {
          const d = xd[p] - m;
          v += d * d;
        }
      }
      mean[ch] = m;
      invstd[ch] = 1 / Math.sqrt(v / count + eps);
      if (runningMean !== null && runningVar !== null) {
        const rm = runningMean.data as Float32Array;
        const rv = runningVar.data as Float32Array;
        rm[ch] = (1 - momentum) * rm[ch] + momentum * m;
        rv[ch] = (1 - momentum) * rv[ch] + (momentum * v) / (count - 1);
      }
    }
  } else {
    const rm = runningMean!.data as Float32Array;
    const rv = runningVar!.data as Float32Array;
    for (let ch = 0; ch < c; ch++) {
      mean[ch] = rm[ch];
      invstd[ch] = 1 / Math.sqrt(rv[ch] + eps);
    }
  }

  const wd = weight ? (weight.data as Float32Array) : null;
  const bd = bias ? (bias.data as Float32Array) : null;
  const y = new Float32Array(xd.length);
  for (let ch = 0; ch < c; ch++) {
    const scale = invstd[ch] * (wd ? wd[ch] : 1);
    const shift = (bd ? bd[ch] : 0) - mean[ch] * scale;
    for (let n = 0; n < nb; n++) {
      for (let p = n * rowStride + ch * inner, e = p + inner; p < e; p++) y[p] = xd[p] * scale + shift;
    }
  }

  return record(new Tensor(y, x.shape), 'NativeBatchNormBackward0', [x, weight, bias], (g) => {
    const gd = g.data as Float32Array;
    const gx = x.requiresGrad ? new Float32Array(xd.length) : null;
    const gw = weight && weight.requiresGrad ? new Float32Array(c) : null;
    const gb = bias && bias.requiresGrad ? new Float32Array(c) : null;
    for (let ch = 0; ch < c; ch++) {
      const m = mean[ch];
      let sum = 0;
      let dot = 0;
      for (let n = 0; n < nb; n++) {
        for (let p = n * rowStride + ch * inner, e = p + inner; p < e; p++) {
          sum += gd[p];
          dot += gd[p] * (xd[p] - m);
        }
      }
      const is = invstd[ch];
      if (gw) gw[ch] = dot * is;
      if (gb) gb[ch] = sum;
      if (!gx) continue;
      const w = wd ? wd[ch] : 1;
      if (training) {
        const k = (dot * is * is) / count;
        const gm = sum / count;
        const s = is * w;
        for (let n = 0; n < nb; n++) {
          for (let p = n * rowStride + ch * inner, e = p + inner; p < e; p++) gx[p] = (gd[p] - (xd[p] - m) * k - gm) * s;
        }
      } else {
        const s = is * w;
        for (let n = 0; n < nb; n++) {
          for (let p = n * rowStride + ch * inner, e = p + inner; p < e; p++) gx[p] = gd[p] * s;
        }
      }
    }
    return [gx ? new Tensor(gx, x.shape) : null, gw ? new Tensor(gw, [c]) : null, gb ? new Tensor(gb, [c]) : null];
  });
}
