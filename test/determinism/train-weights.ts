/**
 * Child process of determinism.test.ts: trains the reference model (Inception1d(2), SGD lr 0.003
 * momentum 0.9, CrossEntropyLoss) for a few steps from a fixed seed on the backend named by argv[2]
 * (the native pool size comes from NODETORCH_NUM_THREADS), then prints one JSON line: the SHA-256 of
 * every parameter and buffer's bytes, in state-dict order, and the weights themselves (to measure how
 * far two configurations differ).
 * Usage: NODETORCH_NUM_THREADS=2 node --import tsx test/determinism/train-weights.ts native <seed> <steps> <batch>
 */
import { createHash } from 'node:crypto';
import '../../src/ops/methods.js';
import { getNumThreads, setBackend, type BackendName } from '../../src/backend/select.js';
import { Inception1d } from '../../src/models/inception1d.js';
import { CrossEntropyLoss } from '../../src/nn/index.js';
import { SGD } from '../../src/optim/index.js';
import { randn, randint } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';

const [backend, seed, steps, batch] = [process.argv[2] as BackendName, Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
setBackend(backend);
const g = new Generator(seed);
const model = new Inception1d(2, { generator: g });
model.train();
const opt = new SGD(model.parameters(), { lr: 0.003, momentum: 0.9 });
const lossFn = new CrossEntropyLoss();
for (let i = 0; i < steps; i++) {
  const x = randn([batch, 1, 1200], { generator: g });
  const y = randint(0, 2, [batch], { generator: g });
  opt.zeroGrad();
  lossFn.forward(model.forward(x), y).backward();
  opt.step();
}
const hash = createHash('sha256');
const weights: Record<string, number[]> = {};
for (const [name, t] of model.stateDict()) {
  const d = t.data;
  hash.update(name);
  hash.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  weights[name] = Array.from(d);
}
console.log(JSON.stringify({ backend, threads: backend === 'native' ? getNumThreads() : 1, hash: hash.digest('hex'), weights }));
