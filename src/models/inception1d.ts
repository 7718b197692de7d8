/**
 * Inception1d: the reference 1-D CNN, layer for layer the PyTorch spec (reference/inception1d.py), with
 * the same module names (stem, block1.b1..b4, pool, block2, head), so state dicts map 1:1.
 *
 *     stem   Conv1d(1, 32, k=7, s=2, p=3) -> BatchNorm1d(32) -> ReLU -> MaxPool1d(3, s=2, p=1)
 *     block1 InceptionBlock(32)            (32 -> 64 channels)
 *     pool   MaxPool1d(3, s=2, p=1)
 *     block2 InceptionBlock(64)            (64 -> 64 channels)
 *     head   AdaptiveAvgPool1d(1) -> Flatten -> Dropout(0.2) -> Linear(64, numClasses)
 *
 * 8,882 parameters for 2 classes.
 */
import type { Tensor } from '../tensor.js';
import { cat } from '../ops/cat.js';
import type { Generator } from '../util/generator.js';
import { consumesPrivately, producesPrivately, registerPrivacyRule } from '../nn/graph-internal.js';
import { markGraphInternal, releaseIfDead } from '../autograd/graph-internal.js';
import {
  Module, Sequential, Conv1d, BatchNorm1d, ReLU, MaxPool1d, AdaptiveAvgPool1d, Flatten, Dropout, Linear,
} from '../nn/index.js';

export interface Inception1dOptions {
  /** Random source for the initialisation and the dropout masks (default the global generator). */
  generator?: Generator;
}

/**
 * Four parallel branches concatenated on channels (16 + 24 + 12 + 12 = 64):
 * b1 Conv1d(cin, 16, 1) -> ReLU; b2 Conv1d(cin, 16, 1) -> ReLU -> Conv1d(16, 24, 3, p=1) -> ReLU;
 * b3 Conv1d(cin, 8, 1) -> ReLU -> Conv1d(8, 12, 5, p=2) -> ReLU; b4 MaxPool1d(3, s=1, p=1) ->
 * Conv1d(cin, 12, 1) -> ReLU.
 *
 * Shape: (N, cin, L) -> (N, 64, L).
 */
export class InceptionBlock extends Module {
  declare b1: Sequential;
  declare b2: Sequential;
  declare b3: Sequential;
  declare b4: Sequential;

  constructor(cin: number, opts: Inception1dOptions = {}) {
    super();
    const g = opts.generator;
    this.b1 = new Sequential(new Conv1d(cin, 16, 1, { generator: g }), new ReLU());
    this.b2 = new Sequential(
      new Conv1d(cin, 16, 1, { generator: g }), new ReLU(),
      new Conv1d(16, 24, 3, { padding: 1, generator: g }), new ReLU(),
    );
    this.b3 = new Sequential(
      new Conv1d(cin, 8, 1, { generator: g }), new ReLU(),
      new Conv1d(8, 12, 5, { padding: 2, generator: g }), new ReLU(),
    );
    this.b4 = new Sequential(
      new MaxPool1d(3, { stride: 1, padding: 1 }),
      new Conv1d(cin, 12, 1, { generator: g }), new ReLU(),
    );
  }

  override forward(x: Tensor): Tensor {
    const branches = [this.b1, this.b2, this.b3, this.b4];
    // Each branch's result is seen only by cat and the graph: recycled after backward (nn/graph-internal.ts).
    const outs = branches.map((b) => internalIf(b.forward(x), producesPrivately(b)));
    const y = cat(outs, 1);
    outs.forEach(releaseIfDead); // with gradients off they are dead now
    return y;
  }
}

registerPrivacyRule(InceptionBlock, {
  consumes: (m) => {
    const b = m as InceptionBlock;
    return [b.b1, b.b2, b.b3, b.b4].every(consumesPrivately);
  },
  produces: () => true, // cat's fresh result, kept nowhere
});

/** y, marked graph-internal when `hidden` (nothing but the graph can see it). */
function internalIf(y: Tensor, hidden: boolean): Tensor {
  if (hidden) markGraphInternal(y);
  return y;
}

/** m(x), whose result is marked graph-internal when m and its consumer `next` keep it private. */
function hand(m: Module, x: Tensor, next: Module): Tensor {
  return internalIf(m.forward(x) as Tensor, producesPrivately(m) && consumesPrivately(next));
}

/**
 * The reference model: (N, 1, 1200) float32 signals -> (N, numClasses) logits (use CrossEntropyLoss).
 *
 * Shape: (N, 1, L) -> (N, numClasses).
 * @example const model = new models.Inception1d(); const logits = model.call(x);
 */
export class Inception1d extends Module {
  declare stem: Sequential;
  declare block1: InceptionBlock;
  declare pool: MaxPool1d;
  declare block2: InceptionBlock;
  declare head: Sequential;

  constructor(numClasses = 2, opts: Inception1dOptions = {}) {
    super();
    const g = opts.generator;
    this.stem = new Sequential(
      new Conv1d(1, 32, 7, { stride: 2, padding: 3, generator: g }),
      new BatchNorm1d(32),
      new ReLU(),
      new MaxPool1d(3, { stride: 2, padding: 1 }),
    );
    this.block1 = new InceptionBlock(32, opts);
    this.pool = new MaxPool1d(3, { stride: 2, padding: 1 });
    this.block2 = new InceptionBlock(64, opts);
    this.head = new Sequential(
      new AdaptiveAvgPool1d(1),
      new Flatten(),
      new Dropout(0.2, { generator: g }),
      new Linear(64, numClasses, { generator: g }),
    );
  }

  override forward(x: Tensor): Tensor {
    // Every result but the last is seen only by the next layer and the graph (see `hand`); with
    // gradients off each is dead once that layer has run.
    const x1 = hand(this.stem, x, this.block1); // (N, 32, 300)
    const x2 = hand(this.block1, x1, this.pool); // (N, 64, 300)
    releaseIfDead(x1);
    const x3 = hand(this.pool, x2, this.block2); // (N, 64, 150)
    releaseIfDead(x2);
    const x4 = hand(this.block2, x3, this.head); // (N, 64, 150)
    releaseIfDead(x3);
    const logits = this.head.forward(x4); // (N, 2)
    releaseIfDead(x4);
    return logits;
  }
}
