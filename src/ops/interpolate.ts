/**
 * interpolate: resize the spatial dims of (N, C, H, W) images, like torch.nn.functional.interpolate, in modes
 * 'nearest' and 'bilinear' (alignCorners or not), with PyTorch 1.13's source-index rules (UpSample.h).
 */
import { optionsArg } from './args.js';
import { Tensor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { gradBufferZeroed } from '../util/grad-pool.js';
import { tensorArg } from './args.js';
import { describeValue } from '../util/describe.js';

/** Resampling modes of `interpolate`. */
export type InterpolateMode = 'nearest' | 'bilinear';

/** Options of `interpolate`: size or scaleFactor, mode and alignCorners, as torch.nn.functional.interpolate. */
export interface InterpolateOptions {
  /** Output size: a number or [H_out, W_out]. Exactly one of size and scaleFactor. */
  size?: number | readonly [number, number] | null;
  /** Output size = floor(input size * scaleFactor): a number or [sH, sW]. */
  scaleFactor?: number | readonly [number, number] | null;
  /** Default 'nearest'. */
  mode?: InterpolateMode;
  /** bilinear only: corner pixels of input and output are aligned (default false). */
  alignCorners?: boolean | null;
}

/** Two taps per output index along one axis: out[o] = w0[o] * in[i0[o]] + w1[o] * in[i1[o]]. */
interface Taps {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float64Array;
  w1: Float64Array;
}

/** PyTorch's compute_scales_value in float: 1 / scaleFactor if one was given, else in / out. */
function scaleValue(scale: number | null, inLen: number, outLen: number): number {
  return Math.fround(scale !== null && scale > 0 ? 1 / scale : inLen / outLen);
}

function axisTaps(mode: InterpolateMode, alignCorners: boolean, inLen: number, outLen: number, scale: number | null): Taps {
  const t: Taps = { i0: new Int32Array(outLen), i1: new Int32Array(outLen), w0: new Float64Array(outLen), w1: new Float64Array(outLen) };
  for (let o = 0; o < outLen; o++) {
    if (mode === 'nearest') {
      // nearest_idx: identity, exact 2x, else min(floor(o * scale), in - 1) in float.
      const src = outLen === inLen ? o : outLen === 2 * inLen ? o >> 1
        : Math.min(Math.floor(Math.fround(o * scaleValue(scale, inLen, outLen))), inLen - 1);
      t.i0[o] = t.i1[o] = src;
      t.w0[o] = 1;
      continue;
    }
    // area_pixel_compute_scale / area_pixel_compute_source_index (float), then the two neighbours.
    const s = alignCorners ? (outLen > 1 ? Math.fround((inLen - 1) / (outLen - 1)) : 0) : scaleValue(scale, inLen, outLen);
    const real = alignCorners ? Math.fround(s * o) : Math.max(Math.fround(Math.fround(s * (o + 0.5)) - 0.5), 0);
    const i = Math.floor(real);
    const lambda = Math.fround(real - i);
    t.i0[o] = i;
    t.i1[o] = i < inLen - 1 ? i + 1 : i;
    t.w0[o] = Math.fround(1 - lambda);
    t.w1[o] = lambda;
  }
  return t;
}

/** A pair option (number or [a, b]) or null, checked. */
function pairOrNull(name: string, v: unknown, integer: boolean): [number, number] | null {
  if (v === undefined || v === null) return null;
  const pair = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? v : null;
  const ok = (e: unknown) => typeof e === 'number' && (integer ? Number.isInteger(e) : Number.isFinite(e));
  if (pair === null || !pair.every(ok)) throw new TypeError(`interpolate: expected ${name} to be a number or a pair of numbers, got ${describeValue(v)}`);
  if (!pair.every((e) => e > 0)) throw new RangeError(`interpolate: expected ${name} to be positive, got ${describeValue(v)}`);
  return pair as [number, number];
}

/**
 * Resize images. 'nearest' copies the source pixel floor(o * in / out) (or by 1 / scaleFactor when one is
 * given); 'bilinear' blends the 4 nearest source pixels, with alignCorners choosing how output pixels map
 * onto the input (PyTorch's rules, so values and gradients match it).
 *
 * Shape: (N, C, H, W) -> (N, C, H_out, W_out).
 * @example interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: false })
 */
export function interpolate(x: Tensor, opts: InterpolateOptions = {}): Tensor {
  const op = 'interpolate';
  opts = optionsArg(op, opts) as typeof opts;
  tensorArg(op, 'input', x);
  if (x.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 tensor, got ${x.dtype}`);
  if (x.ndim !== 4) throw new RangeError(`${op}: expected 4D (N, C, H, W) input, got input of shape ${shapeStr(x.shape)}`);
  const mode = opts.mode ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'bilinear') throw new RangeError(`${op}: mode ${describeValue(mode)} is not supported; expected 'nearest' or 'bilinear'`);
  if (mode === 'nearest' && opts.alignCorners !== undefined && opts.alignCorners !== null) {
    throw new RangeError(`${op}: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear`);
  }
  const size = pairOrNull('size', opts.size, true);
  const scale = pairOrNull('scaleFactor', opts.scaleFactor, false);
  if (size && scale) throw new RangeError(`${op}: only one of size or scale_factor should be defined`);
  if (!size && !scale) throw new RangeError(`${op}: either size or scale_factor should be defined`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [oh, ow] = size ?? [Math.floor(h * scale![0]), Math.floor(w * scale![1])];
  if (oh < 1 || ow < 1 || h < 1 || w < 1) {
    throw new RangeError(`${op}: input and output sizes should be greater than 0, but got input (H: ${h}, W: ${w}) output (H: ${oh}, W: ${ow})`);
  }
  const alignCorners = opts.alignCorners ?? false;
  const th = axisTaps(mode, alignCorners, h, oh, scale ? scale[0] : null);
  const tw = axisTaps(mode, alignCorners, w, ow, scale ? scale[1] : null);
  const planes = n * c;
  const xd = x.data as Float32Array;
  const y = new Float32Array(planes * oh * ow);
  for (let pl = 0; pl < planes; pl++) {
    const xo = pl * h * w;
    for (let r = 0; r < oh; r++) {
      const a = xo + th.i0[r]! * w;
      const b = xo + th.i1[r]! * w;
      for (let s = 0; s < ow; s++) {
        const top = tw.w0[s]! * xd[a + tw.i0[s]!]! + tw.w1[s]! * xd[a + tw.i1[s]!]!;
        const bottom = tw.w0[s]! * xd[b + tw.i0[s]!]! + tw.w1[s]! * xd[b + tw.i1[s]!]!;
        y[(pl * oh + r) * ow + s] = th.w0[r]! * top + (th.w1[r] ? th.w1[r]! * bottom : 0);
      }
    }
  }
  const name = mode === 'nearest' ? 'UpsampleNearest2DBackward0' : 'UpsampleBilinear2DBackward0';
  return record(new Tensor(y, [n, c, oh, ow]), name, [x], (g) => {
    const gd = g.data as Float32Array;
    const acc = new Float64Array(planes * h * w);
    for (let pl = 0; pl < planes; pl++) {
      const xo = pl * h * w;
      for (let r = 0; r < oh; r++) {
        for (let s = 0; s < ow; s++) {
          const v = gd[(pl * oh + r) * ow + s]!;
          for (const [row, wr] of [[th.i0[r]!, th.w0[r]!], [th.i1[r]!, th.w1[r]!]] as const) {
            if (wr === 0) continue;
            acc[xo + row * w + tw.i0[s]!] += v * wr * tw.w0[s]!;
            if (tw.w1[s]) acc[xo + row * w + tw.i1[s]!] += v * wr * tw.w1[s]!;
          }
        }
      }
    }
    const gx = gradBufferZeroed(acc.length);
    for (let i = 0; i < acc.length; i++) gx[i] = acc[i]!;
    return [new Tensor(gx, x.shape)];
  }, { mode, alignCorners, scaleFactor: scale });
}
