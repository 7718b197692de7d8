/**
 * A/B of one example model's train step (bench/example-steps.ts: the CNN, the LSTM or the transformer)
 * between two checkouts in one process, as bench/train-step-ab.ts does for the reference model: both trees'
 * module graphs load side by side, the steps alternate A, B, A, B, ... so load from other jobs falls on both,
 * and the figures are CPU time per step (process.cpuUsage) and wall time per step, each as min, median and
 * 90th percentile (the spread shows a jittery step), and the median per-pair CPU ratio B / A.
 *
 *   npx tsx bench/example-step-ab.ts <treeA> <treeB> <cnn|lstm|transformer> [backend=native] [pairs=20] [threads=1]
 *
 * A tree is a checkout with node_modules and a built addon and wasm module (e.g. `git archive` of the old
 * commit with node_modules linked). The losses printed last must agree closely (same seeds and shapes).
 * Both trees share one heap here, so a garbage collection that one side's allocations caused can land in
 * the other's step: with these allocation-heavy steps, also compare separate processes (bench/README.md).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './harness.js';
import { alternatePairs } from './ab-pairs.js';

const [treeA, treeB, model = 'transformer', backend = 'native', pairsArg = '20', threadsArg = '1'] = process.argv.slice(2);
if (!treeA || !treeB || !['cnn', 'lstm', 'transformer'].includes(model)) {
  throw new Error('usage: example-step-ab.ts <treeA> <treeB> <cnn|lstm|transformer> [backend] [pairs] [threads]');
}

/** The example step of bench/example-steps.ts built from `tree`'s src/ and examples/; returns the loss. */
async function treeExampleStep(tree: string): Promise<() => number> {
  const from = (p: string) => import(pathToFileURL(resolve(tree, p)).href);
  const select = await from('src/backend/select.ts');
  const { nn, optim, randn, randint, manualSeed } = await from('src/index.ts');
  const { CharTransformer, DigitCnn, LstmClassifier } = await from('examples/models.ts');
  select.availableBackends();
  select.setBackend(backend);
  select.setNumThreads(Number(threadsArg));
  manualSeed(0);
  const lossFn = new nn.CrossEntropyLoss();
  if (model === 'cnn') {
    const m = new DigitCnn({ channels1: 16, channels2: 32 });
    const x = randn([32, 1, 28, 28]);
    const y = randint(0, 10, [32]);
    const opt = new optim.Adam(m.parameters(), { lr: 1e-3 });
    m.train();
    return () => {
      opt.zeroGrad();
      const loss = lossFn.forward(m.forward(x), y);
      loss.backward();
      opt.step();
      return loss.item() as number;
    };
  }
  if (model === 'transformer') {
    const m = new CharTransformer({ vocab: 96, dModel: 128, nhead: 4, numLayers: 2, dimFeedforward: 256, maxLen: 64 });
    const x = randint(0, 96, [16, 64]);
    const y = randint(0, 96, [16 * 64]);
    const opt = new optim.AdamW(m.parameters(), { lr: 1e-3 });
    m.train();
    return () => {
      opt.zeroGrad();
      const loss = lossFn.forward(m.forward(x).reshape([-1, 96]), y);
      loss.backward();
      opt.step();
      return loss.item() as number;
    };
  }
  const m = new LstmClassifier({ vocab: 12, embeddingDim: 128, hiddenSize: 128, numClasses: 2 });
  const x = randint(1, 12, [32, 64]);
  const y = randint(0, 2, [32]);
  const lengths = new Array<number>(32).fill(64);
  const opt = new optim.Adam(m.parameters(), { lr: 1e-3 });
  m.train();
  return () => {
    opt.zeroGrad();
    const loss = lossFn.forward(m.forward(x, lengths), y);
    loss.backward();
    opt.step();
    return loss.item() as number;
  };
}

const a = await treeExampleStep(treeA);
const b = await treeExampleStep(treeB);
const { wallA, wallB, cpuA, cpuB, lossA, lossB } = alternatePairs(a, b, Number(pairsArg), 3);
const ratio = cpuA.map((c, i) => cpuB[i]! / c);
const r2 = (v: number) => Math.round(v * 100) / 100;
/** min, median and 90th percentile (nearest rank) of per-step times. */
const spread = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  return { min: r2(s[0]!), median: r2(median(s)), p90: r2(s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)]!) };
};
console.log(JSON.stringify({
  model, backend, threads: Number(threadsArg), pairs: Number(pairsArg),
  cpuMsA: spread(cpuA), cpuMsB: spread(cpuB), wallMsA: spread(wallA), wallMsB: spread(wallB),
  medianPairRatioBA: Math.round(median(ratio) * 1000) / 1000, lossA, lossB,
}));
