/** Dropout layers (torch.nn.Dropout, Dropout2d). */
import { optionsArg } from '../ops/args.js';
import type { Tensor } from '../tensor.js';
import { dropout } from '../ops/dropout.js';
import { dropout2d } from '../ops/dropout2d.js';
import { defaultGenerator, type Generator } from '../util/generator.js';
import { Module } from './module.js';
import { pyFloat } from './repr.js';

/**
 * In training mode zeroes each element with probability `p` and scales the rest by 1 / (1 - p); in
 * eval mode returns its input. `p` may be changed later (e.g. `dropout.p = 0`).
 *
 * Shape: any -> same.
 * @example new nn.Dropout(0.2, { generator: new Generator(1) })
 */
export class Dropout extends Module {
  p: number;
  /** Source of the masks (default the global generator). */
  generator: Generator;

  constructor(p = 0.5, opts: { generator?: Generator } = {}) {
    super();
    opts = optionsArg(new.target.name, opts) as typeof opts;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new RangeError(`${new.target.name}: dropout probability has to be between 0 and 1, but got ${String(p)}`);
    }
    this.p = p;
    this.generator = opts.generator ?? defaultGenerator;
  }

  override forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator);
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}

/**
 * In training mode zeroes whole channels (H x W planes) with probability `p` and scales the rest by
 * 1 / (1 - p) (see dropout2d); in eval mode returns its input.
 *
 * Shape: (N, C, H, W) or (C, H, W) -> same.
 * @example new nn.Dropout2d(0.2)
 */
export class Dropout2d extends Dropout {
  override forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, this.training, this.generator);
  }
}
