/**
 * The CNN example's train step as the bench scripts time it: DigitCnn 16/32 ch on a seeded random
 * (32, 1, 28, 28) batch with 10 classes, CrossEntropyLoss and Adam (lr 1e-3). Build it after selecting the
 * backend: the model's parameters live on whatever backend is current.
 */
import { nn, optim, randn, randint, manualSeed } from '../src/index.js';
import { DigitCnn } from '../examples/models.js';

/** A closure running one step (zeroGrad, forward, loss, backward, Adam step) on the same batch each time. */
export function cnnExampleStep(): () => void {
  manualSeed(0);
  const model = new DigitCnn({ channels1: 16, channels2: 32 });
  const x = randn([32, 1, 28, 28]);
  const y = randint(0, 10, [32]);
  const lossFn = new nn.CrossEntropyLoss();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  return () => {
    opt.zeroGrad();
    lossFn.forward(model.forward(x), y).backward();
    opt.step();
  };
}
