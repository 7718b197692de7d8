/** var: variance over dims with Bessel's correction (torch.var). */
import { Tensor, shapeSize } from '../tensor.js';
import { record } from '../autograd/record.js';
import { planReduce, type ReducePlan } from './reduction.js';
import { boolArg, dimArg, numberArg, tensorArg, optionsArg } from './args.js';
import { describeValue } from '../util/describe.js';

/** Options of `variance` / `std`: `correction` (1: unbiased, the default; 0: population) and `keepdim`. */
export interface VarOptions {
  /** Subtracted from the element count in the divisor: N - correction. Default 1 (sample variance). */
  correction?: number;
  /** The older form: true is correction 1, false is correction 0. Not together with correction. */
  unbiased?: boolean;
  /** Keep reduced dims as size 1. Default false. */
  keepdim?: boolean;
}

/** Per-output mean (float64) and sum of squared deviations; shared by var and std. */
export interface Moments {
  plan: ReducePlan;
  correction: number;
  mean: Float64Array;
  sumSq: Float64Array;
}

export function moments(op: 'var' | 'std', x: Tensor, dim: number | readonly number[] | null | undefined, opts: VarOptions): Moments {
  tensorArg(op, 'input', x);
  if (x.dtype !== 'float32') throw new TypeError(`${op}: only supports floating point input, got input of dtype ${x.dtype}`);
  if (opts.correction !== undefined && opts.unbiased !== undefined) {
    throw new TypeError(`${op}: cannot pass both correction and unbiased`);
  }
  if (opts.unbiased !== undefined) boolArg(op, 'unbiased', opts.unbiased);
  const correction = opts.correction !== undefined ? numberArg(op, 'correction', opts.correction) : opts.unbiased === false ? 0 : 1;
  const keepdim = boolArg(op, 'keepdim', opts.keepdim ?? false);
  if (dim !== undefined && dim !== null && typeof dim !== 'number' && !Array.isArray(dim)) {
    throw new TypeError(`${op}: expected dim to be an integer or an array of integers, got ${describeValue(dim)}`);
  }
  if (dim !== undefined && dim !== null) {
    const seen = new Set<number>();
    for (const d of typeof dim === 'number' ? [dim] : dim) {
      const nd = dimArg(op, 'dim', d, x.ndim);
      if (seen.has(nd)) throw new RangeError(`${op}: dim ${nd} appears multiple times in the list of dims`);
      seen.add(nd);
    }
  }
  const plan = planReduce(op, x, dim ?? undefined, keepdim);
  const m = shapeSize(plan.outShape);
  const mean = new Float64Array(m);
  const sumSq = new Float64Array(m);
  const xd = x.data;
  const idx = plan.outIndex;
  for (let f = 0; f < xd.length; f++) mean[idx[f]] += xd[f];
  for (let i = 0; i < m; i++) mean[i] /= plan.count;
  for (let f = 0; f < xd.length; f++) {
    const dv = xd[f] - mean[idx[f]];
    sumSq[idx[f]] += dv * dv;
  }
  return { plan, correction, mean, sumSq };
}

/**
 * d(var)/dx scaled per output: g_out * 2 (x - mean) / (N - correction). `gScale[r]` is the incoming
 * gradient of output r already converted to a variance gradient.
 */
export function varBackward(x: Tensor, mo: Moments, gScale: ArrayLike<number>): Tensor {
  const xd = x.data;
  const idx = mo.plan.outIndex;
  const denom = mo.plan.count - mo.correction;
  const gx = new Float32Array(xd.length);
  for (let f = 0; f < xd.length; f++) {
    const r = idx[f];
    gx[f] = (2 / denom) * gScale[r] * Math.fround(xd[f] - mo.mean[r]);
  }
  return new Tensor(gx, x.shape);
}

/**
 * Variance over `dim` (all dims when omitted or []), sum((x - mean)^2) / max(0, N - correction).
 * N - correction <= 0 gives inf (or NaN for 0/0), as in PyTorch. float32 input only.
 * Exported from the package as `var` (and `variance`), and as the method `x.var()`.
 *
 * Shape: reduced dims are removed, or kept as 1 with keepdim.
 * Gradient: g * 2 (x - mean) / (N - correction).
 * @example variance(tensor([1, 2, 3, 4], { dtype: 'float32' })) // tensor(1.6667)
 * @example variance(tensor([[1, 2], [3, 5]], { dtype: 'float32' }), 1, { correction: 0 }) // tensor([0.2500, 1.0000])
 */
export function variance(x: Tensor, dim?: number | readonly number[] | null, opts: VarOptions = {}): Tensor {
  opts = optionsArg('var', opts) as typeof opts;
  const mo = moments('var', x, dim, opts);
  const { plan, correction, sumSq } = mo;
  const divisor = Math.max(0, plan.count - correction);
  const out = new Float32Array(sumSq.length);
  for (let i = 0; i < out.length; i++) out[i] = sumSq[i] / divisor;
  return record(new Tensor(out, plan.outShape), 'VarBackward0', [x], (g) => [varBackward(x, mo, g.data)]);
}
