/**
 * A plain 1-D CNN for signal classification: three Conv1d + BatchNorm1d + ReLU stages (the first two
 * max-pooled), global average pooling and a linear head. Smaller and faster than Inception1d.
 *
 * Shape: input (N, 1, L), L >= 4; output (N, numClasses) logits.
 * @example const model = new models.Cnn1d(3); const logits = model.forward(randn([8, 1, 1200]));
 */
import { optionsArg } from '../ops/args.js';
import { describeValue } from '../util/describe.js';
import type { Tensor } from '../tensor.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/containers.js';
import { Conv1d } from '../nn/conv.js';
import { BatchNorm1d } from '../nn/batchnorm.js';
import { ReLU } from '../nn/activation.js';
import { MaxPool1d, AdaptiveAvgPool1d } from '../nn/pooling.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import type { Generator } from '../util/generator.js';

/** Options of `models.Cnn1d`. */
export interface Cnn1dOptions {
  /** Initialisation draws from this generator (default: the global one). */
  generator?: Generator;
}

export class Cnn1d extends Module {
  declare features: Sequential;
  declare head: Sequential;

  constructor(numClasses = 2, opts: Cnn1dOptions = {}) {
    super();
    if (typeof numClasses !== 'number' || !Number.isInteger(numClasses) || numClasses < 1) {
      throw new TypeError(`Cnn1d: expected numClasses to be a positive integer, got ${describeValue(numClasses)}`);
    }
    opts = optionsArg('Cnn1d', opts) as typeof opts;
    const g = opts.generator;
    this.features = new Sequential(
      new Conv1d(1, 16, 7, { stride: 2, padding: 3, generator: g }), new BatchNorm1d(16), new ReLU(), new MaxPool1d(2),
      new Conv1d(16, 32, 5, { padding: 2, generator: g }), new BatchNorm1d(32), new ReLU(), new MaxPool1d(2),
      new Conv1d(32, 64, 3, { padding: 1, generator: g }), new BatchNorm1d(64), new ReLU(),
    );
    this.head = new Sequential(new AdaptiveAvgPool1d(1), new Flatten(), new Linear(64, numClasses, { generator: g }));
  }

  override forward(x: Tensor): Tensor {
    return this.head.forward(this.features.forward(x));
  }
}
