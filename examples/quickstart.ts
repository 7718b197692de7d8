import { nn, optim, randn, manualSeed } from '../src/index.js';

manualSeed(0);
const model = new nn.Sequential(
  new nn.Conv1d(1, 8, 5, { padding: 'same' }), new nn.BatchNorm1d(8), new nn.ReLU(),
  new nn.MaxPool1d(2), new nn.AdaptiveAvgPool1d(1), new nn.Flatten(), new nn.Linear(8, 2),
);
const lossFn = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
const x = randn([16, 1, 64]).add(randn([16, 1, 1])); // 16 signals of length 64, random offsets
const y = x.mean([1, 2]).gt(0).long(); // class 1 when the signal's mean is positive
for (let step = 1; step <= 50; step++) {
  optimizer.zeroGrad();
  const loss = lossFn.forward(model.forward(x), y);
  loss.backward();
  optimizer.step();
  if (step % 10 === 0) console.log(`step ${step} loss ${loss.item().toFixed(4)}`);
}
