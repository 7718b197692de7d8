/**
 * The main job: train the reference Inception1d the way the seed's PyTorch loop does (per epoch:
 * net.train(), a progress bar over the train loader, zeroGrad, forward, CrossEntropyLoss against one-hot
 * float targets, backward, step; then validation accuracy; the best model saved), with checkpoints to
 * resume, metrics.jsonl (per-class F1 and confusion matrix per epoch), curves.svg and optional
 * TensorBoard logs. Options beyond the seed (optimizer, scheduler, early stopping, class weights,
 * normalisation, stratified split, another model) all default to the seed's behaviour.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import '../ops/methods.js';
import { Tensor } from '../tensor.js';
import { setGradEnabled } from '../autograd/grad-mode.js';
import { oneHot } from '../ops/one-hot.js';
import { argmax } from '../ops/argmax.js';
import { Generator, manualSeed } from '../util/generator.js';
import { setBackend, setNumThreads, backendInfo } from '../backend/select.js';
import type { Module } from '../nn/module.js';
import { CrossEntropyLoss } from '../nn/index.js';
import { SGD, Adam, AdamW, lrScheduler, type Optimizer } from '../optim/index.js';
import { DataLoader } from '../data/index.js';
import { saveCheckpoint, loadCheckpoint } from '../io/index.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { progress, trainDescription, type ProgressStream } from '../util/progress.js';
import { writeCurvesSvg, type EpochRecord } from '../util/svg-plot.js';
import { SummaryWriter } from '../tensorboard/summary-writer.js';
import { summary } from '../nn/summary.js';
import { DEFAULTS, effectiveLr, effectiveWeightDecay, flagOf, resumeConfig, type TrainConfig } from './args.js';
import { applyNormalize, balancedClassWeights, buildTrainingData, fitNormalize, type NormalizeSpec } from './data.js';
import { addToConfusion, classificationReport, emptyConfusion } from './metrics.js';
import { buildModel, saveModelFiles, type ModelInfo } from './model-file.js';
import { dataParallel, SILENT } from './train-dist.js';

export interface EpochMetrics extends EpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valAcc: number;
  /** Learning rate of the epoch (first parameter group). */
  lr: number;
  /** Per-class F1 on the validation split. */
  f1: number[];
  /** Validation confusion matrix, [true][predicted]. */
  confusionMatrix: number[][];
  seconds: number;
}

/** The metadata `train` stores in its last checkpoint (read back by --resume). */
interface TrainMetadata {
  config: Partial<TrainConfig>;
  history: EpochMetrics[];
  bestAcc: number;
  bestEpoch: number;
  shuffleRng: number[];
  backend: string;
  normalize: NormalizeSpec;
}

export interface TrainResult {
  bestAcc: number;
  bestEpoch: number;
  history: EpochMetrics[];
  seconds: number;
  backend: string;
  files: string[];
  /** True when --patience ended the run early. */
  stoppedEarly: boolean;
}

export interface TrainIO {
  /** One line of text (default: console.log). */
  log: (line: string) => void;
  /** Where progress bars draw (default process.stderr). */
  progressStream?: ProgressStream;
}

const LAST = 'last.ckpt.safetensors';
const BEST = 'signal_classes';

type Scheduler = lrScheduler.Scheduler & { step(metric?: number): void };

function buildOptimizer(c: TrainConfig, model: Module): Optimizer {
  const lr = effectiveLr(c);
  const weightDecay = effectiveWeightDecay(c);
  switch (c.optimizer) {
    case 'sgd': return new SGD(model.parameters(), { lr, momentum: c.momentum, weightDecay });
    case 'adam': return new Adam(model.parameters(), { lr, weightDecay });
    case 'adamw': return new AdamW(model.parameters(), { lr, weightDecay });
  }
}

function buildScheduler(c: TrainConfig, opt: Optimizer): Scheduler | null {
  switch (c.scheduler) {
    case 'none': return null;
    case 'step': return new lrScheduler.StepLR(opt, c.lrStepSize, { gamma: c.lrGamma }) as Scheduler;
    case 'cosine': return new lrScheduler.CosineAnnealingLR(opt, c.epochs) as Scheduler;
    case 'plateau': return new lrScheduler.ReduceLROnPlateau(opt, { mode: 'min', factor: c.lrGamma }) as unknown as Scheduler;
  }
}

/** The flags a programmatic config sets (values that differ from the defaults). */
function flagsOf(c: TrainConfig): Set<string> {
  const out = new Set<string>();
  for (const k of Object.keys(c) as (keyof TrainConfig)[]) if (JSON.stringify(c[k]) !== JSON.stringify(DEFAULTS[k])) out.add(flagOf(k));
  return out;
}

/**
 * Run the training job. Resolves when done; every output file is written atomically. `given` names the
 * flags of the command line (for --resume; default: every option that differs from the defaults).
 */
export async function train(config: TrainConfig, io: TrainIO = { log: (l) => console.log(l) }, given: ReadonlySet<string> = flagsOf(config)): Promise<TrainResult> {
  const t0 = performance.now();
  let c = config;
  let resumed: ReturnType<typeof loadCheckpoint> | null = null;
  if (c.resume) {
    resumed = loadCheckpoint(c.resume, { generator: null });
    const saved = resumed.metadata.config as Partial<TrainConfig> | undefined;
    if (!saved) throw new RangeError(`train: ${c.resume} is not a checkpoint written by nodetorch train (no config in its metadata)`);
    c = resumeConfig(saved, c, given);
  }
  if (c.backend) setBackend(c.backend);
  if (c.threads) setNumThreads(c.threads);
  const info = backendInfo();
  // Launched as a rank (nodetorch run, mpirun): data-parallel, see train-dist.ts.
  const dp = dataParallel();
  const main = dp === null || dp.isMain;
  const log = main ? io.log : (): void => {};

  manualSeed(c.seed); // initialisation and dropout draw from the default generator
  const data = buildTrainingData(c);
  const { train: trainSet, val: valSet, numClasses, source } = data;
  let model = buildModel(c.model, numClasses);
  let net = model; // what training calls: the model, or its DDP wrapper
  if (dp) ({ model, net } = dp.wrap(model));
  const optimizer = buildOptimizer(c, model);
  const scheduler = buildScheduler(c, optimizer);
  const weight = c.classWeights === 'auto' ? new Tensor(balancedClassWeights(data.trainLabels, numClasses), [numClasses], 'float32') : null;
  const lossFn = new CrossEntropyLoss({ weight });
  const shuffle = new Generator(c.seed + 1);
  let norm: NormalizeSpec = fitNormalize(c.normalize, trainSet);
  let history: EpochMetrics[] = [];
  let bestAcc = -1;
  let bestEpoch = 0;
  let startEpoch = 0;
  if (resumed) {
    loadCheckpoint(c.resume!, { model, optimizer, scheduler: scheduler ?? undefined }); // also restores the default generator (dropout)
    const m = resumed.metadata as Partial<TrainMetadata>;
    shuffle.setState(m.shuffleRng!);
    history = m.history ?? [];
    bestAcc = m.bestAcc ?? -1;
    bestEpoch = m.bestEpoch ?? 0;
    startEpoch = resumed.epoch;
    if (m.normalize) norm = m.normalize as NormalizeSpec;
    if (given.has('--lr')) for (const g of optimizer.paramGroups) g.lr = effectiveLr(c);
  }
  const modelInfo: ModelInfo = { model: c.model, numClasses, labelBase: data.labelBase, normalize: norm, length: (trainSet.getItem(0) as [Tensor, unknown])[0].shape.at(-1) };

  if (main) mkdirSync(c.out, { recursive: true });
  const files = new Set<string>();
  const nParams = model.parameters().reduce((a, p) => a + p.numel(), 0);
  const modelName = c.model === 'inception1d' ? 'Inception1d' : 'Cnn1d';
  log(`nodetorch train: ${dp ? `${dp.worldSize} ranks, data-parallel; ` : ''}backend ${info.name}${info.name === 'native' ? ` (${info.nativeIsa}, ${info.threads} threads)` : ''}; ` +
    `${modelName} (${nParams.toLocaleString('en-US')} parameters); data: ${source}: ${trainSet.length} train / ${valSet.length} validation`);
  for (const note of data.notes) log(note);
  if (main) log(summary(model, [1, 1, modelInfo.length ?? 1200]).toString());
  if (resumed) log(`resuming from ${c.resume} after epoch ${startEpoch} (best val acc ${bestAcc.toFixed(4)})`);
  const tb = c.tensorboard && main ? new SummaryWriter(c.tensorboard) : null;

  const workers = { numWorkers: c.workers, persistentWorkers: c.workers > 0 };
  const sampler = dp?.trainSampler(trainSet, c.seed + 1);
  const trainLoader = new DataLoader(trainSet, sampler ? { batchSize: c.batchSize, sampler, ...workers } : { batchSize: c.batchSize, shuffle: true, generator: shuffle, ...workers });
  const valLoader = new DataLoader(dp ? dp.valShard(valSet) : valSet, { batchSize: c.batchSize, ...workers });
  let stoppedEarly = false;
  try {
    for (let epoch = startEpoch + 1; epoch <= c.epochs; epoch++) {
      const te = performance.now();
      const lr = optimizer.paramGroups[0].lr;
      sampler?.setEpoch(epoch - 1);
      // train
      net.train();
      let running = 0;
      let steps = 0;
      const bar = progress(trainLoader, { stream: main ? io.progressStream : SILENT, desc: trainDescription(epoch, c.epochs, 0) });
      for await (const [x, y] of bar as AsyncIterable<[Tensor, Tensor]>) {
        optimizer.zeroGrad();
        const pred = net.forward(applyNormalize(norm, x));
        const loss = lossFn.forward(pred, oneHot(y, numClasses).float());
        loss.backward();
        optimizer.step();
        const l = loss.item();
        running += l;
        tb?.addScalar('Loss/train_step', l, (epoch - 1) * trainLoader.length + steps);
        steps++;
        bar.desc = trainDescription(epoch, c.epochs, l);
      }
      // validate
      net.eval();
      let valLoss = 0;
      let seen = 0;
      const cm = emptyConfusion(numClasses);
      const prev = setGradEnabled(false);
      try {
        for await (const [x, y] of valLoader as AsyncIterable<[Tensor, Tensor]>) {
          const pred = model.forward(applyNormalize(norm, x));
          valLoss += lossFn.forward(pred, oneHot(y, numClasses).float()).item() * y.numel();
          addToConfusion(cm, y.data, argmax(pred, 1).data);
          seen += y.numel();
        }
      } finally {
        setGradEnabled(prev);
      }
      let trainLoss = running / Math.max(1, steps);
      if (dp) {
        // Every rank's own figures, then the job's: the mean of the ranks' train losses, the sums of the
        // validation loss, sample count and confusion matrix.
        io.log(`rank ${dp.rank} epoch ${epoch}: ${JSON.stringify({ trainLoss, steps, valLossSum: valLoss, valSeen: seen, valCorrect: cm.reduce((a, row, i) => a + row[i], 0) })}`);
        const k = numClasses;
        const sums = dp.sum([trainLoss, valLoss, seen, ...cm.flat()]);
        trainLoss = sums[0] / dp.worldSize;
        valLoss = sums[1];
        seen = sums[2];
        cm.forEach((row, i) => row.forEach((_, j) => (row[j] = sums[3 + i * k + j])));
      }
      const report = classificationReport(cm);
      const m: EpochMetrics = {
        epoch, trainLoss, valLoss: valLoss / seen, valAcc: report.accuracy, lr,
        f1: report.perClass.map((p) => p.f1), confusionMatrix: report.confusionMatrix, seconds: (performance.now() - te) / 1000,
      };
      history.push(m);
      log(`val   epoch[${epoch}/${c.epochs}] loss:${m.valLoss.toFixed(3)} acc:${m.valAcc.toFixed(4)} (train loss ${m.trainLoss.toFixed(3)}, ${m.seconds.toFixed(1)} s)`);
      if (tb) {
        tb.addScalar('Loss/train', m.trainLoss, epoch);
        tb.addScalar('Loss/val', m.valLoss, epoch);
        tb.addScalar('Accuracy/val', m.valAcc, epoch);
        tb.addScalar('LearningRate', lr, epoch);
        tb.flush();
      }

      if (m.valAcc > bestAcc) {
        bestAcc = m.valAcc;
        bestEpoch = epoch;
      }
      if (scheduler) scheduler.step(c.scheduler === 'plateau' ? m.valLoss : undefined);
      if (main) {
        if (bestEpoch === epoch) {
          const formats = c.format === 'both' ? (['safetensors', 'pth'] as const) : [c.format];
          for (const f of saveModelFiles(model.stateDict(), modelInfo, join(c.out, BEST), formats)) files.add(f);
        }
        const last = join(c.out, LAST);
        saveCheckpoint(last, {
          model, optimizer, scheduler: scheduler ?? undefined, epoch, step: epoch * trainLoader.length,
          metadata: { config: { ...c, resume: null }, history, bestAcc, bestEpoch, shuffleRng: shuffle.getState(), backend: info.name, normalize: norm },
        });
        const metrics = join(c.out, 'metrics.jsonl');
        writeFileAtomic(metrics, Buffer.from(history.map((h) => JSON.stringify({ ...h, best: h.epoch === bestEpoch, backend: info.name })).join('\n') + '\n'));
        const curves = join(c.out, 'curves.svg');
        writeCurvesSvg(curves, history, { title: `${modelName} on ${c.data ?? 'synthetic signals'}` });
        for (const f of [last, metrics, curves]) files.add(f);
      }
      if (c.patience > 0 && epoch - bestEpoch >= c.patience && epoch < c.epochs) {
        log(`early stop: no better validation accuracy for ${c.patience} epochs (best ${bestAcc.toFixed(4)} at epoch ${bestEpoch})`);
        stoppedEarly = true;
        break;
      }
    }
  } finally {
    tb?.close();
    await Promise.all([trainLoader.close(), valLoader.close()]);
    dp?.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const fileList = [...files].map((f) => resolve(f));
  log(`best val acc ${bestAcc.toFixed(4)} at epoch ${bestEpoch}; ${seconds.toFixed(1)} s on ${info.name}; wrote ${[...files].join(', ') || 'nothing (no epochs left to run)'}`);
  return { bestAcc, bestEpoch, history, seconds, backend: info.name, files: fileList, stoppedEarly };
}
