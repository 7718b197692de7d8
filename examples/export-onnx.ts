// Train a few steps, export to ONNX with a dynamic batch, and run the file in onnxruntime-node
// (npm i onnxruntime-node): its logits match nodetorch's eval forward.
import * as ort from 'onnxruntime-node';
import { models, nn, optim, onnx, randn, noGrad, manualSeed } from '../src/index.js';

manualSeed(0);
const model = new models.Inception1d(2);
const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
const lossFn = new nn.CrossEntropyLoss();
const x = randn([8, 1, 256]);
const y = x.mean([1, 2]).gt(0).long();
for (let step = 0; step < 3; step++) {
  optimizer.zeroGrad();
  lossFn.forward(model.forward(x), y).backward();
  optimizer.step();
}

const path = process.env.ONNX_PATH ?? 'inception1d.onnx';
onnx.exportModel(model, randn([1, 1, 256]), path, {
  inputNames: ['signal'],
  outputNames: ['logits'],
  dynamicAxes: { signal: { 0: 'batch' }, logits: { 0: 'batch' } },
});

const session = await ort.InferenceSession.create(path);
const batch = randn([4, 1, 256]);
const { logits } = await session.run({ signal: new ort.Tensor('float32', batch.data as Float32Array, [4, 1, 256]) });
model.eval();
const expected = noGrad(() => model.forward(batch));
let maxDiff = 0;
(logits.data as Float32Array).forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - expected.data[i]))));
console.log(`onnxruntime logits ${JSON.stringify(logits.dims)}, max |difference| ${maxDiff.toExponential(2)}`);
