/**
 * batchNorm: normalise each channel over the batch (and length), like torch.nn.functional.batch_norm.
 * Training normalises with the batch's biased variance and updates the running statistics in place
 * (with the unbiased variance); evaluation normalises with the running statistics.
 */
import { Tensor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { activationBuffer, gradBuffer, releaseGrad } from '../util/grad-pool.js';
import { reluMask } from './relu.js';
import { getBackend } from '../backend/select.js';
import type { BatchNormParams } from '../backend/backend.js';
import { describeValue } from '../util/describe.js';
import { optionsArg, tensorArg } from './args.js';

/** Options of `nn.functional.batchNorm`: affine weight and bias, training mode, momentum and eps, as torch.nn.functional.batch_norm. */
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
  if (!(t instanceof Tensor)) throw new TypeError(`batchNorm: expected ${name} to be a Tensor or null, got ${describeValue(t)}`);
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
  return normalize(x, runningMean, runningVar, opts, false);
}

/**
 * relu(batchNorm(...)) in one pass over the output and one autograd node: the same values and gradients
 * as the two ops (nn.Sequential uses it for BatchNorm1d followed by ReLU, src/nn/fusion.ts).
 */
export function batchNormRelu(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, opts: BatchNormOptions = {}): Tensor {
  return normalize(x, runningMean, runningVar, opts, true);
}

function normalize(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, opts: BatchNormOptions, relu: boolean): Tensor {
  tensorArg('batchNorm', 'input', x);
  if (x.dtype !== 'float32') throw new TypeError(`batchNorm: expected a float32 input, got ${x.dtype}`);
  if (x.ndim < 2) throw new RangeError(`batchNorm: expected input of shape (N, C) or (N, C, L), got ${shapeStr(x.shape)}`);
  opts = optionsArg<BatchNormOptions>('batchNorm', opts);
  const training = opts.training ?? false;
  const momentum = opts.momentum ?? 0.1;
  const eps = opts.eps ?? 1e-5;
  if (typeof momentum !== 'number' || Number.isNaN(momentum)) throw new TypeError(`batchNorm: expected momentum to be a number, got ${describeValue(momentum)}`);
  if (typeof eps !== 'number' || !(eps >= 0)) throw new RangeError(`batchNorm: expected eps to be a number >= 0, got ${String(eps)}`);
  const weight = opts.weight ?? null;
  const bias = opts.bias ?? null;
  const nb = x.shape[0];
  const c = x.shape[1];
  checkChannelVector('weight', weight, c);
  checkChannelVector('bias', bias, c);
  // undefined is null, as an omitted argument
  runningMean ??= null;
  runningVar ??= null;
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
  const wd = weight ? (weight.data as Float32Array) : null;
  const bd = bias ? (bias.data as Float32Array) : null;
  const mean = new Float64Array(c);
  const invstd = new Float64Array(c);
  const p: BatchNormParams = { n: nb, c, inner, training, eps, relu };
  if (!training) {
    const rm = runningMean!.data as Float32Array;
    const rv = runningVar!.data as Float32Array;
    for (let ch = 0; ch < c; ch++) {
      mean[ch] = rm[ch];
      invstd[ch] = 1 / Math.sqrt(rv[ch] + eps);
    }
  }
  const y = activationBuffer(xd.length);
  getBackend().batchNormForward(xd, wd, bd, mean, invstd, y, p);
  if (training && runningMean !== null && runningVar !== null) {
    const rm = runningMean.data as Float32Array;
    const rv = runningVar.data as Float32Array;
    for (let ch = 0; ch < c; ch++) {
      // The unbiased batch variance, recovered from invstd = 1 / sqrt(biased var + eps).
      const is = invstd[ch];
      const biased = Math.max(1 / (is * is) - eps, 0);
      rm[ch] = (1 - momentum) * rm[ch] + momentum * mean[ch];
      rv[ch] = (1 - momentum) * rv[ch] + (momentum * biased * count) / (count - 1);
    }
  }

  return record(new Tensor(y, x.shape), relu ? 'ReluBackward0' : 'NativeBatchNormBackward0', [x, weight, bias], (g, owned) => {
    // With relu, g is first masked by the output (in place when it is ours), as ReluBackward0 would.
    const gy = relu ? reluMask(y, g.data as Float32Array, owned) : (g.data as Float32Array);
    const gyOwned = owned || gy !== g.data;
    // The kernel takes each channel's sums before writing its gx, so gx may overwrite gy when it is ours.
    const gx = x.requiresGrad ? (gyOwned ? gy : gradBuffer(xd.length)) : null;
    const gw = weight && weight.requiresGrad ? new Float32Array(c) : null;
    const gb = bias && bias.requiresGrad ? new Float32Array(c) : null;
    getBackend().batchNormBackward(gy, xd, wd, mean, invstd, gx, gw, gb, p);
    if (gy !== g.data && gy !== gx) releaseGrad(gy);
    return [gx ? new Tensor(gx, x.shape) : null, gw ? new Tensor(gw, [c]) : null, gb ? new Tensor(gb, [c]) : null];
  }, { runningMean, runningVar, eps, training, ...(relu ? { fused: 'NativeBatchNormBackward0' } : {}) }, { ownsOutput: true });
}
