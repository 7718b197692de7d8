/**
 * gelu(x) = x * Phi(x), with Phi the standard normal CDF, like torch.nn.functional.gelu. `approximate:
 * 'tanh'` uses 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))).
 */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { tensorArg, optionsArg } from './args.js';

/** GELU variants: 'none' (exact, with erf) or 'tanh' (the tanh approximation). */
export type GeluApproximate = 'none' | 'tanh';

/** Options of `gelu`: the approximation (default 'none'). */
export interface GeluOptions {
  /** 'none' (default): exact erf form; 'tanh': the tanh approximation. */
  approximate?: GeluApproximate;
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const K_BETA = Math.SQRT2 * (2 / Math.sqrt(Math.PI)) * 0.5; // sqrt(2 / pi)
const K_KAPPA = 0.044715;

/** erf(u) for |u| < 2 by its Taylor series (relative error < 1e-13 there). */
function erfSeries(u: number): number {
  const u2 = u * u;
  let term = u;
  let sum = u;
  for (let n = 1; n < 100; n++) {
    term *= -u2 / n;
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
  }
  return sum * 2 * INV_SQRT_PI;
}

/** erfc(u) for u >= 2 by Laplace's continued fraction (full double precision there). */
function erfcFraction(u: number): number {
  let f = u;
  for (let k = 60; k >= 1; k--) f = u + k / 2 / f;
  return (Math.exp(-u * u) * INV_SQRT_PI) / f;
}

/** The error function in double precision. */
export function erf(u: number): number {
  if (Number.isNaN(u)) return u;
  if (Math.abs(u) < 2) return erfSeries(u);
  return u > 0 ? 1 - erfcFraction(u) : erfcFraction(-u) - 1;
}

/** Standard normal CDF Phi(x) = 0.5 * erfc(-x / sqrt(2)), accurate in the tails. */
export function normalCdf(x: number): number {
  const u = x * SQRT1_2;
  if (Number.isNaN(u)) return u;
  if (Math.abs(u) < 2) return 0.5 * (1 + erfSeries(u));
  return u > 0 ? 1 - 0.5 * erfcFraction(u) : 0.5 * erfcFraction(-u);
}

/**
 * Gaussian error linear unit, elementwise.
 *
 * Shape: any; the output has the input's shape.
 * @example gelu(tensor([1], { dtype: 'float32' })) // tensor([0.8413]); gelu(x, { approximate: 'tanh' })
 */
export function gelu(x: Tensor, opts: GeluOptions = {}): Tensor {
  opts = optionsArg('gelu', opts) as typeof opts;
  tensorArg('gelu', 'input', x);
  if (x.dtype !== 'float32') throw new TypeError(`gelu: expected a float32 tensor, got ${x.dtype}`);
  const approximate = opts.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new RangeError(`gelu: expected approximate to be 'none' or 'tanh', got '${String(approximate)}'`);
  }
  const xd = x.data as Float32Array;
  const n = xd.length;
  const y = new Float32Array(n);
  if (approximate === 'none') {
    for (let i = 0; i < n; i++) y[i] = xd[i] * normalCdf(xd[i]);
  } else {
    for (let i = 0; i < n; i++) {
      const v = xd[i];
      y[i] = 0.5 * v * (1 + Math.tanh(K_BETA * (v + K_KAPPA * v * v * v)));
    }
  }
  return record(new Tensor(y, x.shape), 'GeluBackward0', [x], (g) => {
    const gd = g.data;
    const gx = new Float32Array(n);
    if (approximate === 'none') {
      for (let i = 0; i < n; i++) {
        const v = xd[i];
        gx[i] = gd[i] * (normalCdf(v) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const v = xd[i];
        const v2 = v * v;
        const t = Math.tanh(K_BETA * (v + K_KAPPA * v2 * v));
        const left = 0.5 * v;
        const right = 1 + t;
        gx[i] = gd[i] * (0.5 * right + left * (1 - t * t) * K_BETA * (1 + 3 * K_KAPPA * v2));
      }
    }
    return [new Tensor(gx, x.shape)];
  }, { approximate });
}
