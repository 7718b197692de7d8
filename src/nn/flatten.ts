/** Flatten layer (torch.nn.Flatten). */
import type { Tensor } from '../tensor.js';
import { flatten } from '../ops/reshape.js';
import { Module } from './module.js';
import { describeValue } from '../util/describe.js';

/**
 * Flattens dims startDim..endDim into one (a view sharing storage).
 *
 * Shape: (N, C, L) -> (N, C * L) with the defaults startDim = 1, endDim = -1.
 * @example new nn.Flatten()
 */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    if (!Number.isInteger(startDim) || !Number.isInteger(endDim)) {
      throw new TypeError(`Flatten: expected integer startDim and endDim, got ${describeValue(startDim)} and ${describeValue(endDim)}`);
    }
    this.startDim = startDim;
    this.endDim = endDim;
  }

  override forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
