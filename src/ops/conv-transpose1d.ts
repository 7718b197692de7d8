/** convTranspose1d, like torch.nn.functional.conv_transpose1d: convTranspose2d over a height of 1. */
import { optionsArg } from './args.js';
import { Tensor, shapeStr } from '../tensor.js';
import { reshape } from './reshape.js';
import { transposed } from './conv-transpose2d.js';
import { describeValue } from '../util/describe.js';

/** Options of `convTranspose1d`: stride, padding, outputPadding, groups and dilation, as torch.nn.functional.conv_transpose1d. */
export interface ConvTranspose1dOptions {
  /** Default 1. */
  stride?: number | readonly [number];
  /** dilation * (kernelSize - 1) - padding zeros are added to each side of the input. Default 0. */
  padding?: number | readonly [number];
  /** Extra length added to one side of the output; smaller than stride. Default 0. */
  outputPadding?: number | readonly [number];
  /** Default 1. */
  groups?: number;
  /** Default 1. */
  dilation?: number | readonly [number];
}

/** [height, v] for a length option given as n or [n]; anything else goes on to the 2-D op's checks. */
function widen(v: unknown, height: number): unknown {
  const x = Array.isArray(v) && v.length === 1 ? v[0] : v;
  return typeof x === 'number' ? [height, x] : x;
}

/**
 * Transposed 1-D convolution of input with weight, plus bias.
 *
 * Shape: input (N, C_in, L) or (C_in, L); weight (C_in, C_out / groups, K); bias (C_out); out (N, C_out, L_out),
 * L_out = (L - 1) * stride - 2 * padding + dilation * (K - 1) + outputPadding + 1.
 * @example convTranspose1d(x, weight, bias, { stride: 2 })
 */
export function convTranspose1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvTranspose1dOptions = {}): Tensor {
  const op = 'convTranspose1d';
  opts = optionsArg(op, opts) as typeof opts;
  if (!(input instanceof Tensor)) throw new TypeError(`${op}: expected input to be a Tensor, got ${describeValue(input)}`);
  if (!(weight instanceof Tensor)) throw new TypeError(`${op}: expected weight to be a Tensor, got ${describeValue(weight)}`);
  if (input.ndim !== 2 && input.ndim !== 3) throw new RangeError(`${op}: expected 2D (unbatched) or 3D (batched) input, got input of shape ${shapeStr(input.shape)}`);
  if (weight.ndim !== 3) throw new RangeError(`${op}: expected 3D weight, got weight of shape ${shapeStr(weight.shape)}`);
  const x4 = reshape(input, [...input.shape.slice(0, -1), 1, input.shape[input.ndim - 1]!]);
  const w4 = reshape(weight, [weight.shape[0]!, weight.shape[1]!, 1, weight.shape[2]!]);
  const out = transposed(op, x4, w4, bias, {
    stride: widen(opts.stride ?? 1, 1) as [number, number],
    padding: widen(opts.padding ?? 0, 0) as [number, number],
    outputPadding: widen(opts.outputPadding ?? 0, 0) as [number, number],
    dilation: widen(opts.dilation ?? 1, 1) as [number, number],
    groups: opts.groups,
  });
  const s = out.shape;
  return reshape(out, [...s.slice(0, -2), s[s.length - 1]!]);
}
