/**
 * A small deterministic training run of the reference model, shared by the resume test and its child
 * process. All randomness (initialisation, data, dropout) comes from the default generator, so resuming
 * bit-identically needs the model, the optimizer and the RNG state from the checkpoint.
 */
import { manualSeed } from '../../src/util/generator.js';
import { randint, randn } from '../../src/creation.js';
import { Inception1d } from '../../src/models/index.js';
import { CrossEntropyLoss } from '../../src/nn/index.js';
import { SGD } from '../../src/optim/index.js';

export const SEQ_LEN = 64;
export const BATCH = 4;

export interface Run {
  model: Inception1d;
  optimizer: SGD;
  /** Train `n` steps on freshly drawn random batches. */
  train(n: number): void;
}

export function newRun(seed: number): Run {
  manualSeed(seed);
  const model = new Inception1d();
  model.train();
  const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 1e-4 });
  const lossFn = new CrossEntropyLoss();
  return {
    model,
    optimizer,
    train(n: number) {
      for (let i = 0; i < n; i++) {
        const x = randn([BATCH, 1, SEQ_LEN]);
        const y = randint(0, 2, [BATCH]);
        optimizer.zeroGrad();
        lossFn.call(model.call(x), y).backward();
        optimizer.step();
      }
    },
  };
}
