/**
 * The seed's PyTorch training loop, line for line in nodetorch (run: npx tsx examples/train-inception1d.ts).
 * Python on the left of each comment block; the TypeScript below it does the same thing.
 */
import {
  nn, optim, data, models, oneHot, noGrad, argmax, manualSeed, Generator, save, progress, trainDescription,
} from '../src/index.js';

manualSeed(0);
const batchSize = 32;
const full = new data.SyntheticSignals({ numSamples: 3750, seed: 0 }); // built-in: labels are 0-based
const [trainSet, valSet] = data.randomSplit(full, [3000, 750], new Generator(0));
const trainLoader = new data.DataLoader(trainSet, { batchSize, shuffle: true, generator: new Generator(1) });
const valLoader = new data.DataLoader(valSet, { batchSize });

// net = InceptionBlock(num_classes=2, in_channels=1, init_weights=True)
const net = new models.Inception1d(2);
// loss_function = nn.CrossEntropyLoss()
const lossFunction = new nn.CrossEntropyLoss();
// optimizer = optim.SGD(net.parameters(), lr=0.003, momentum=0.9)
const optimizer = new optim.SGD(net.parameters(), { lr: 0.003, momentum: 0.9 });

const epochs = Number(process.env.EPOCHS ?? 10); // epochs = 50 in the seed
let bestAcc = 0.0; // best_acc = 0.0
const savePath = process.env.SAVE_PATH ?? 'signal_classes.pth'; // save_path = '../model/signal_classes.pth'

for (let epoch = 0; epoch < epochs; epoch++) { // for epoch in range(epochs):
  net.train(); // net.train()
  let runningLoss = 0.0; // running_loss = 0.0
  const trainBar = progress(trainLoader); // train_bar = tqdm(train_loader)
  for await (const [signalSeries, labelSeries] of trainBar) { // for step, data in enumerate(train_bar):
    const x = signalSeries.reshape(-1, 1, 1200); // signal_series.reshape(batch_size, 1, 1200)
    optimizer.zeroGrad(); // optimizer.zero_grad()
    const modelPredict = net.forward(x); // model_predict = net(signal_series.to(device))
    // loss = loss_function(model_predict, f.one_hot(label_series - 1, num_classes=2).float())
    // (the seed's files number classes from 1; the built-in data numbers them from 0, so no `- 1`)
    const loss = lossFunction.forward(modelPredict, oneHot(labelSeries, 2).float());
    loss.backward(); // loss.backward()
    optimizer.step(); // optimizer.step()
    runningLoss += loss.item(); // running_loss += loss.item()
    trainBar.desc = trainDescription(epoch + 1, epochs, loss.item()); // "train epoch[{}/{}] loss:{:.3f}"
  }

  // validate: net.eval(); with torch.no_grad(): acc += (predict_y == val_labels).sum().item()
  net.eval();
  let acc = 0;
  for await (const [valSignals, valLabels] of valLoader) {
    const predictY = noGrad(() => argmax(net.forward(valSignals), 1));
    acc += predictY.eq(valLabels).sum().item();
  }
  const valAccurate = acc / valSet.length;
  console.log(`[epoch ${epoch + 1}] train_loss: ${(runningLoss / trainLoader.length).toFixed(3)}  val_accuracy: ${valAccurate.toFixed(3)}`);
  if (valAccurate > bestAcc) { // if val_accurate > best_acc:
    bestAcc = valAccurate;
    save(net.stateDict(), savePath); // torch.save(net.state_dict(), save_path)
  }
}
console.log('Finished Training');
