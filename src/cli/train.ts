/**
 * The main job: train the reference Inception1d the way the seed's PyTorch loop does (per epoch:
 * net.train(), a progress bar over the train loader, zeroGrad, forward, CrossEntropyLoss against one-hot
 * float targets, backward, step; then validation accuracy; the best model saved), with checkpoints to
 * resume, metrics.jsonl and curves.svg.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import '../ops/methods.js';
import type { Tensor } from '../tensor.js';
import { setGradEnabled } from '../autograd/grad-mode.js';
import { oneHot } from '../ops/one-hot.js';
import { argmax } from '../ops/argmax.js';
import { Generator, manualSeed } from '../util/generator.js';
import { setBackend, setNumThreads, backendInfo } from '../backend/select.js';
import { Inception1d } from '../models/inception1d.js';
import { CrossEntropyLoss } from '../nn/index.js';
import { SGD } from '../optim/index.js';
import { DataLoader, SyntheticSignals, randomSplit, csvDataset, npyDataset, type DatasetLike } from '../data/index.js';
import { save, saveCheckpoint, loadCheckpoint } from '../io/index.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { progress, trainDescription, type ProgressStream } from '../util/progress.js';
import { writeCurvesSvg, type EpochRecord } from '../util/svg-plot.js';
import { DEFAULTS, type TrainConfig } from './args.js';

export interface EpochMetrics extends EpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valAcc: number;
  seconds: number;
}

export interface TrainResult {
  bestAcc: number;
  bestEpoch: number;
  history: EpochMetrics[];
  seconds: number;
  backend: string;
  files: string[];
}

export interface TrainIO {
  /** One line of text (default: console.log). */
  log: (line: string) => void;
  /** Where progress bars draw (default process.stderr). */
  progressStream?: ProgressStream;
}

const LAST = 'last.ckpt.safetensors';
const BEST = 'signal_classes';

type Sample = [Tensor, number];

/** The training and validation sets the config describes (deterministic in config.seed). */
export function buildDatasets(c: TrainConfig): { train: DatasetLike<Sample>; val: DatasetLike<Sample>; source: string } {
  let ds: DatasetLike<Sample>;
  let source: string;
  if (c.data === null) {
    ds = new SyntheticSignals({ numSamples: c.samples, seed: c.seed }) as unknown as DatasetLike<Sample>;
    source = `built-in synthetic signals (${c.samples} samples, seed ${c.seed})`;
  } else if (/\.npy$/i.test(c.data)) {
    ds = npyDataset(c.data, c.labels!, { labelBase: c.labelBase, numClasses: c.numClasses }) as unknown as DatasetLike<Sample>;
    source = `${c.data} + ${c.labels}`;
  } else {
    ds = csvDataset(c.data, { labelColumn: c.labelColumn, labelBase: c.labelBase, numClasses: c.numClasses }) as unknown as DatasetLike<Sample>;
    source = c.data;
  }
  const nVal = Math.max(1, Math.round(ds.length * c.valSplit));
  if (ds.length - nVal < 1) throw new RangeError(`train: ${source} has ${ds.length} samples: too few to hold out ${nVal} for validation`);
  const [train, val] = randomSplit(ds, [ds.length - nVal, nVal], new Generator(c.seed));
  return { train, val, source };
}

/** Run the training job. Resolves when done; every output file is written atomically. */
export async function train(config: TrainConfig, io: TrainIO = { log: (l) => console.log(l) }): Promise<TrainResult> {
  const t0 = performance.now();
  let c = config;
  let resumed: ReturnType<typeof loadCheckpoint> | null = null;
  if (c.resume) {
    // The run continues with the configuration it started with; only these may change on resume.
    resumed = loadCheckpoint(c.resume, { generator: null });
    const saved = resumed.metadata.config as Partial<TrainConfig> | undefined;
    if (!saved) throw new RangeError(`train: ${c.resume} is not a checkpoint written by nodetorch train (no config in its metadata)`);
    c = { ...DEFAULTS, ...saved, epochs: c.epochs, out: c.out, backend: c.backend, threads: c.threads, workers: c.workers, format: c.format, resume: c.resume };
  }
  if (c.backend) setBackend(c.backend);
  if (c.threads) setNumThreads(c.threads);
  const info = backendInfo();

  manualSeed(c.seed); // initialisation and dropout draw from the default generator
  const { train: trainSet, val: valSet, source } = buildDatasets(c);
  const model = new Inception1d(c.numClasses);
  const optimizer = new SGD(model.parameters(), { lr: c.lr, momentum: c.momentum });
  const lossFn = new CrossEntropyLoss();
  const shuffle = new Generator(c.seed + 1);
  let history: EpochMetrics[] = [];
  let bestAcc = -1;
  let bestEpoch = 0;
  let startEpoch = 0;
  if (resumed) {
    loadCheckpoint(c.resume!, { model, optimizer }); // also restores the default generator (dropout)
    const m = resumed.metadata;
    shuffle.setState(m.shuffleRng);
    history = m.history ?? [];
    bestAcc = m.bestAcc ?? -1;
    bestEpoch = m.bestEpoch ?? 0;
    startEpoch = resumed.epoch;
  }

  mkdirSync(c.out, { recursive: true });
  const files = new Set<string>();
  const nParams = model.parameters().reduce((a, p) => a + p.numel(), 0);
  io.log(`nodetorch train: backend ${info.name}${info.name === 'native' ? ` (${info.nativeIsa}, ${info.threads} threads)` : ''}; ` +
    `Inception1d (${nParams.toLocaleString('en-US')} parameters); data: ${source}: ${trainSet.length} train / ${valSet.length} validation`);
  if (resumed) io.log(`resuming from ${c.resume} after epoch ${startEpoch} (best val acc ${bestAcc.toFixed(4)})`);

  const workers = { numWorkers: c.workers, persistentWorkers: c.workers > 0 };
  const trainLoader = new DataLoader(trainSet, { batchSize: c.batchSize, shuffle: true, generator: shuffle, ...workers });
  const valLoader = new DataLoader(valSet, { batchSize: c.batchSize, ...workers });
  try {
    for (let epoch = startEpoch + 1; epoch <= c.epochs; epoch++) {
      const te = performance.now();
      // train
      model.train();
      let running = 0;
      let steps = 0;
      const bar = progress(trainLoader, { stream: io.progressStream, desc: trainDescription(epoch, c.epochs, 0) });
      for await (const [x, y] of bar as AsyncIterable<[Tensor, Tensor]>) {
        optimizer.zeroGrad();
        const pred = model.forward(x);
        const loss = lossFn.forward(pred, oneHot(y, c.numClasses).float());
        loss.backward();
        optimizer.step();
        const l = loss.item();
        running += l;
        steps++;
        bar.desc = trainDescription(epoch, c.epochs, l);
      }
      // validate
      model.eval();
      let valLoss = 0;
      let correct = 0;
      let seen = 0;
      const prev = setGradEnabled(false);
      try {
        for await (const [x, y] of valLoader as AsyncIterable<[Tensor, Tensor]>) {
          const pred = model.forward(x);
          valLoss += lossFn.forward(pred, oneHot(y, c.numClasses).float()).item() * y.numel();
          const guess = argmax(pred, 1).data;
          for (let i = 0; i < guess.length; i++) if (guess[i] === y.data[i]) correct++;
          seen += y.numel();
        }
      } finally {
        setGradEnabled(prev);
      }
      const m: EpochMetrics = {
        epoch, trainLoss: running / Math.max(1, steps), valLoss: valLoss / seen, valAcc: correct / seen, seconds: (performance.now() - te) / 1000,
      };
      history.push(m);
      io.log(`val   epoch[${epoch}/${c.epochs}] loss:${m.valLoss.toFixed(3)} acc:${m.valAcc.toFixed(4)} (train loss ${m.trainLoss.toFixed(3)}, ${m.seconds.toFixed(1)} s)`);

      if (m.valAcc > bestAcc) {
        bestAcc = m.valAcc;
        bestEpoch = epoch;
        const sd = model.stateDict();
        for (const ext of c.format === 'both' ? ['safetensors', 'pth'] : [c.format]) {
          const path = join(c.out, `${BEST}.${ext}`);
          save(sd, path);
          files.add(path);
        }
      }
      const last = join(c.out, LAST);
      saveCheckpoint(last, {
        model, optimizer, epoch, step: epoch * trainLoader.length,
        metadata: { config: { ...c, resume: null }, history, bestAcc, bestEpoch, shuffleRng: shuffle.getState(), backend: info.name },
      });
      const metrics = join(c.out, 'metrics.jsonl');
      writeFileAtomic(metrics, Buffer.from(history.map((h) => JSON.stringify({ ...h, backend: info.name })).join('\n') + '\n'));
      const curves = join(c.out, 'curves.svg');
      writeCurvesSvg(curves, history, { title: `Inception1d on ${c.data ?? 'synthetic signals'}` });
      for (const f of [last, metrics, curves]) files.add(f);
    }
  } finally {
    await Promise.all([trainLoader.close(), valLoader.close()]);
  }
  const seconds = (performance.now() - t0) / 1000;
  const fileList = [...files].map((f) => resolve(f));
  io.log(`best val acc ${bestAcc.toFixed(4)} at epoch ${bestEpoch}; ${seconds.toFixed(1)} s on ${info.name}; wrote ${[...files].join(', ') || 'nothing (no epochs left to run)'}`);
  return { bestAcc, bestEpoch, history, seconds, backend: info.name, files: fileList };
}

