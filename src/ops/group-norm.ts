/** groupNorm: normalise groups of channels per sample, like torch.nn.functional.group_norm. */
import { optionsArg } from './args.js';
import type { Tensor } from '../tensor.js';
import { shapeSize, shapeStr } from '../tensor.js';
import { intArg, tensorArg } from './args.js';
import { affineNorm } from './group-affine-norm.js';
import { affineArg, epsArg } from './layer-norm.js';

/** Options of `groupNorm`: weight, bias and eps. */
export interface GroupNormOptions {
  /** Per-channel scale (C), or null for 1. */
  weight?: Tensor | null;
  /** Per-channel shift (C), or null for 0. */
  bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * Group normalisation: the C channels of each sample are split into numGroups groups; each group (its
 * channels and all positions) is normalised to zero mean and unit biased variance, then scaled and shifted
 * per channel.
 *
 * Shape: input (N, C, *) with C divisible by numGroups -> same; weight and bias (C).
 * @example groupNorm(x, 4, { weight, bias })
 */
export function groupNorm(x: Tensor, numGroups: number, opts: GroupNormOptions = {}): Tensor {
  const op = 'groupNorm';
  opts = optionsArg(op, opts) as typeof opts;
  tensorArg(op, 'input', x);
  if (x.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 input, got ${x.dtype}`);
  const g = intArg(op, 'numGroups', numGroups, 1);
  if (x.ndim < 2) throw new RangeError(`${op}: expected input of shape (N, C, *), got ${shapeStr(x.shape)}`);
  const [n, c] = x.shape;
  if (c % g !== 0) {
    throw new RangeError(
      `${op}: Expected number of channels in input to be divisible by num_groups, but got input of shape [${x.shape.join(', ')}] and num_groups=${g}`,
    );
  }
  const weight = affineArg(op, 'weight', opts.weight, [c]);
  const bias = affineArg(op, 'bias', opts.bias, [c]);
  const spatial = shapeSize(x.shape.slice(2));
  const lay = { rows: n * g, d: (c / g) * spatial, groups: g, spatial: Math.max(spatial, 1) };
  return affineNorm('NativeGroupNormBackward0', x, lay, weight, bias, epsArg(op, opts.eps), { numGroups: g });
}
