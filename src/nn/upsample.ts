/** Upsample layer (torch.nn.Upsample) over nn.functional.interpolate. */
import { optionsArg } from '../ops/args.js';
import type { Tensor } from '../tensor.js';
import { interpolate, type InterpolateMode } from '../ops/interpolate.js';
import { Module } from './module.js';
import { pyFloat } from './repr.js';

/** Options of `nn.Upsample`: size or scaleFactor, mode ('nearest' or 'bilinear') and alignCorners. */
export interface UpsampleOptions {
  /** Output size: a number or [H_out, W_out]. Exactly one of size and scaleFactor. */
  size?: number | readonly [number, number] | null;
  /** Output size = floor(input size * scaleFactor). */
  scaleFactor?: number | readonly [number, number] | null;
  /** 'nearest' (default) or 'bilinear'. */
  mode?: InterpolateMode;
  /** bilinear only (default false). */
  alignCorners?: boolean | null;
}

/**
 * Resizes (N, C, H, W) images by a size or a scale factor (see interpolate). No parameters or buffers.
 *
 * Shape: (N, C, H, W) -> (N, C, H_out, W_out).
 * @example new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false })
 */
export class Upsample extends Module {
  readonly size: number | readonly [number, number] | null;
  readonly scaleFactor: number | readonly [number, number] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;

  constructor(opts: UpsampleOptions = {}) {
    super();
    opts = optionsArg('Upsample', opts) as typeof opts;
    this.size = opts.size ?? null;
    this.scaleFactor = opts.scaleFactor ?? null;
    this.mode = opts.mode ?? 'nearest';
    this.alignCorners = opts.alignCorners ?? null;
  }

  override forward(x: Tensor): Tensor {
    return interpolate(x, { size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners });
  }

  override extraRepr(): string {
    const py = (v: number | readonly number[], f: (e: number) => string) => (typeof v === 'number' ? f(v) : `(${v.map(f).join(', ')})`);
    const info = this.scaleFactor !== null ? `scale_factor=${py(this.scaleFactor, pyFloat)}` : `size=${py(this.size ?? 0, String)}`;
    return `${info}, mode=${this.mode}`;
  }
}
