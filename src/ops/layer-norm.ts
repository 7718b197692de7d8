/** layerNorm: normalise over the trailing dims, like torch.nn.functional.layer_norm. */
import { optionsArg } from './args.js';
import { Tensor, shapeSize, shapeStr, type Shape } from '../tensor.js';
import { describeValue } from '../util/describe.js';
import { tensorArg } from './args.js';
import { affineNorm } from './group-affine-norm.js';

/** Options of `layerNorm`: weight, bias and eps. */
export interface LayerNormOptions {
  /** Elementwise scale of the normalised shape, or null for 1. */
  weight?: Tensor | null;
  /** Elementwise shift of the normalised shape, or null for 0. */
  bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/** The normalized shape as an array of non-negative integers (a number is a 1-D shape). */
export function normalizedShapeArg(op: string, v: unknown): number[] {
  const shape = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    throw new TypeError(`${op}: expected normalizedShape to be an integer or an array of integers, got ${describeValue(v)}`);
  }
  return shape as number[];
}

/** An optional float32 affine parameter that must have `shape`. */
export function affineArg(op: string, name: string, t: unknown, shape: Shape): Tensor | null {
  if (t === null || t === undefined) return null;
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected ${name} to be a Tensor or null, got ${describeValue(t)}`);
  if (t.dtype !== 'float32') throw new TypeError(`${op}: expected ${name} to be float32, got ${t.dtype}`);
  if (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new RangeError(`${op}: expected ${name} of shape ${shapeStr(shape)}, got ${shapeStr(t.shape)}`);
  }
  return t;
}

/** eps: a number >= 0. */
export function epsArg(op: string, v: unknown): number {
  const eps = v === undefined ? 1e-5 : v;
  if (typeof eps !== 'number' || !(eps >= 0)) throw new RangeError(`${op}: expected eps to be a number >= 0, got ${describeValue(eps)}`);
  return eps;
}

/**
 * Layer normalisation: each slice over the last `normalizedShape.length` dims is normalised to zero mean
 * and unit biased variance, y = (x - mean) / sqrt(var + eps) * weight + bias.
 *
 * Shape: input (*, ...normalizedShape) -> same; weight and bias normalizedShape.
 * @example layerNorm(x, [128], { weight, bias })
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], opts: LayerNormOptions = {}): Tensor {
  const op = 'layerNorm';
  opts = optionsArg(op, opts) as typeof opts;
  tensorArg(op, 'input', x);
  if (x.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 input, got ${x.dtype}`);
  const ns = normalizedShapeArg(op, normalizedShape);
  const k = ns.length;
  if (k === 0 || x.ndim < k || ns.some((d, i) => x.shape[x.ndim - k + i] !== d)) {
    throw new RangeError(
      `${op}: Given normalized_shape=[${ns.join(', ')}], expected input with shape [*, ${ns.join(', ')}], but got input of size[${x.shape.join(', ')}]`,
    );
  }
  const weight = affineArg(op, 'weight', opts.weight, ns);
  const bias = affineArg(op, 'bias', opts.bias, ns);
  const d = shapeSize(ns);
  const rows = d === 0 ? 0 : x.numel() / d;
  return affineNorm('NativeLayerNormBackward0', x, { rows, d, groups: 1, spatial: 1 }, weight, bias, epsArg(op, opts.eps), { normalizedDims: k });
}
