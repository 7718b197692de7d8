/**
 * batchNorm: normalise each channel over the batch (and length), like torch.nn.functional.batch_norm.
 * Training normalises with the batch's biased variance and updates the running statistics in place
 * (with the unbiased variance); evaluation normalises with the running statistics.
 */
import { Tensor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { claimGrad, gradBuffer } from '../util/grad-pool.js';

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
    const rm = runningMean === null ? null : (runningMean.data as Float32Array);
    const rv = runningVar === null ? null : (runningVar.data as Float32Array);
    for (let ch = 0; ch < c; ch++) {
      // One pass: sums of x - shift and of its square in float64, shifted by the channel's first value so
      // the variance does not cancel when |mean| >> std.
      const shift = xd[ch * inner];
      let s = 0;
      let q = 0;
      for (let n = 0, o = ch * inner; n < nb; n++, o += rowStride) {
        const sq = channelSums(xd, o, o + inner, shift);
        s += sq[0];
        q += sq[1];
      }
      const m = shift + s / count;
      const v = Math.max(q - (s * s) / count, 0); // sum of squared deviations
      mean[ch] = m;
      invstd[ch] = 1 / Math.sqrt(v / count + eps);
      if (rm !== null && rv !== null) {
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
    for (let n = 0, o = ch * inner; n < nb; n++, o += rowStride) affine(xd, y, o, o + inner, scale, shift);
  }

  return record(new Tensor(y, x.shape), 'NativeBatchNormBackward0', [x, weight, bias], (g) => {
    const gd = g.data as Float32Array;
    // gx is written element by element from g after g's sums are taken, so it may overwrite g.
    const gx = x.requiresGrad ? claimGrad(g) ?? gradBuffer(xd.length) : null;
    const gw = weight && weight.requiresGrad ? new Float32Array(c) : null;
    const gb = bias && bias.requiresGrad ? new Float32Array(c) : null;
    for (let ch = 0; ch < c; ch++) {
      const m = mean[ch];
      let sum = 0;
      let dot = 0;
      for (let n = 0, o = ch * inner; n < nb; n++, o += rowStride) {
        const sd = gradSums(gd, xd, o, o + inner, m);
        sum += sd[0];
        dot += sd[1];
      }
      const is = invstd[ch];
      if (gw) gw[ch] = dot * is;
      if (gb) gb[ch] = sum;
      if (!gx) continue;
      const w = wd ? wd[ch] : 1;
      const s = is * w;
      if (training) {
        const k = (dot * is * is) / count;
        const gm = sum / count;
        for (let n = 0, o = ch * inner; n < nb; n++, o += rowStride) gradInput(gd, xd, gx, o, o + inner, m, k, gm, s);
      } else {
        for (let n = 0, o = ch * inner; n < nb; n++, o += rowStride) scaleInto(gd, gx, o, o + inner, s);
      }
    }
    return [gx ? new Tensor(gx, x.shape) : null, gw ? new Tensor(gw, [c]) : null, gb ? new Tensor(gb, [c]) : null];
  });
}

/*
 * Inner loops over one contiguous run [p, e) of a channel. Two accumulators per sum shorten the float
 * dependency chains; every sum is float64.
 */

const pair = new Float64Array(2);

/** [sum (x - shift), sum (x - shift)^2] over xd[p..e), in `pair` (read it before the next call). */
function channelSums(xd: Float32Array, p: number, e: number, shift: number): Float64Array {
  let s0 = 0;
  let s1 = 0;
  let q0 = 0;
  let q1 = 0;
  for (; p + 1 < e; p += 2) {
    const d0 = xd[p] - shift;
    const d1 = xd[p + 1] - shift;
    s0 += d0;
    q0 += d0 * d0;
    s1 += d1;
    q1 += d1 * d1;
  }
  if (p < e) {
    const d = xd[p] - shift;
    s0 += d;
    q0 += d * d;
  }
  pair[0] = s0 + s1;
  pair[1] = q0 + q1;
  return pair;
}

/** [sum g, sum g * (x - m)] over [p, e), in `pair` (read it before the next call). */
function gradSums(gd: Float32Array, xd: Float32Array, p: number, e: number, m: number): Float64Array {
  let s0 = 0;
  let s1 = 0;
  let d0 = 0;
  let d1 = 0;
  for (; p + 1 < e; p += 2) {
    const g0 = gd[p];
    const g1 = gd[p + 1];
    s0 += g0;
    d0 += g0 * (xd[p] - m);
    s1 += g1;
    d1 += g1 * (xd[p + 1] - m);
  }
  if (p < e) {
    s0 += gd[p];
    d0 += gd[p] * (xd[p] - m);
  }
  pair[0] = s0 + s1;
  pair[1] = d0 + d1;
  return pair;
}

/** y = x * scale + shift over [p, e). */
function affine(xd: Float32Array, y: Float32Array, p: number, e: number, scale: number, shift: number): void {
  for (; p < e; p++) y[p] = xd[p] * scale + shift;
}

/** gx = (g - (x - m) * k - gm) * s over [p, e). */
function gradInput(gd: Float32Array, xd: Float32Array, gx: Float32Array, p: number, e: number, m: number, k: number, gm: number, s: number): void {
  for (; p < e; p++) gx[p] = (gd[p] - (xd[p] - m) * k - gm) * s;
}

/** gx = g * s over [p, e). */
function scaleInto(gd: Float32Array, gx: Float32Array, p: number, e: number, s: number): void {
  for (; p < e; p++) gx[p] = gd[p] * s;
}
