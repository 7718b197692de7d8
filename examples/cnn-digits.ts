/**
 * A small CNN (Conv2d, BatchNorm2d, ReLU, MaxPool2d, Linear) learns the built-in synthetic 28x28 digit
 * images (data.SyntheticDigits), then reports its accuracy on a held-out set.
 * Run: npx tsx examples/cnn-digits.ts [--steps 300] [--lr 0.002] [--val 500]
 */
import { nn, optim, data, noGrad, argmax, manualSeed, Generator } from '../src/index.js';
import { DigitCnn } from './models.js';
import { numberArg, LossPrinter } from './args.js';

const steps = numberArg('steps', 300);
const lr = numberArg('lr', 0.002);
const valSize = numberArg('val', 500);
manualSeed(0);
const trainSet = new data.SyntheticDigits({ numSamples: 6000, seed: 1 });
const valSet = new data.SyntheticDigits({ numSamples: valSize, seed: 2 });
const loader = new data.DataLoader(trainSet, { batchSize: 32, shuffle: true, generator: new Generator(1) });

const model = new DigitCnn();
const lossFn = new nn.CrossEntropyLoss();
const optimizer = new optim.Adam(model.parameters(), { lr });
const printer = new LossPrinter(Math.max(1, Math.floor(steps / 6)));
let step = 0;
while (step < steps) {
  for (const [x, y] of loader) {
    if (++step > steps) break;
    optimizer.zeroGrad();
    const loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    optimizer.step();
    printer.add(step, loss.item());
  }
}

model.eval();
let correct = 0;
for (const [x, y] of new data.DataLoader(valSet, { batchSize: 100 })) {
  const predicted = noGrad(() => argmax(model.forward(x), 1));
  correct += predicted.eq(y).sum().item();
}
console.log(`validation accuracy ${(correct / valSet.length).toFixed(3)} on ${valSet.length} images`);
