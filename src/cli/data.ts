/**
 * The CLI's data: the built-in signals or the user's file, labels read once to infer the number of
 * classes and a 1-based labelling, the train/validation split (random or stratified), and the input
 * normalisation fitted on the training split.
 */
import { Tensor } from '../tensor.js';
import { Generator } from '../util/generator.js';
import { SyntheticSignals, Subset, TensorDataset, randomSplit, readCsvSignals, loadNpySignals, type DatasetLike } from '../data/index.js';
import type { Normalize, TrainConfig } from './args.js';
import { UsageError } from './flags.js';

export type Sample = [Tensor, number | Tensor];

/** Labels as read from a file, before the label base is applied. */
export interface RawSignals {
  signals: Tensor;
  labels: Float64Array;
  source: string;
}

/** Read the user's signals with their labels as stored (no base subtracted, no class count checked). */
export function readSignalFile(data: string, labels: string | null, labelColumn: TrainConfig['labelColumn']): RawSignals {
  const opts = { labelBase: 0 as const, numClasses: Number.MAX_SAFE_INTEGER };
  const r = /\.npy$/i.test(data)
    ? loadNpySignals(data, labels!, opts)
    : readCsvSignals(data, { ...opts, labelColumn });
  return { signals: r.signals, labels: Float64Array.from(r.labels.data), source: labels && /\.npy$/i.test(data) ? `${data} + ${labels}` : data };
}

export interface LabelPlan {
  labelBase: 0 | 1;
  numClasses: number;
  /** What was inferred, for the log. */
  notes: string[];
}

/**
 * The label base and class count for stored labels: given values are checked against the labels; a
 * missing base is detected (labels 1..K, each present, no 0: 1-based), a missing count is max + 1.
 */
export function planLabels(labels: ArrayLike<number>, labelBase: 0 | 1 | null, numClasses: number | null, source: string): LabelPlan {
  let min = Infinity;
  let max = -Infinity;
  const seen = new Set<number>();
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    seen.add(v);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const notes: string[] = [];
  let base = labelBase;
  if (base === null) {
    base = min >= 1 && max === seen.size ? 1 : 0;
    if (base === 1) notes.push(`labels are 1..${max} with no 0: read as 1-based (classes 0..${max - 1}); --label-base 0 keeps them as they are`);
  }
  if (min - base < 0) throw new UsageError(`--label-base: ${source} has label ${min}, below the label base ${base}`);
  const needed = max - base + 1;
  let k = numClasses;
  if (k === null) {
    k = needed;
    if (k < 2) throw new UsageError(`${source}: the labels hold a single class (${max}); training needs at least 2 (or pass --num-classes)`);
    notes.push(`${k} classes inferred from the labels (--num-classes to set)`);
  } else if (needed > k) {
    throw new UsageError(`--num-classes: ${k} classes given, but ${source} has label ${max}, which needs ${needed} with --label-base ${base}`);
  }
  return { labelBase: base, numClasses: k, notes };
}

export interface TrainingData {
  train: DatasetLike<Sample>;
  val: DatasetLike<Sample>;
  /** The 0-based label of every training sample (class weights). */
  trainLabels: Int32Array;
  numClasses: number;
  labelBase: 0 | 1;
  source: string;
  notes: string[];
}

/** Indices split into train / validation: per class when stratified, so each class keeps its share. */
export function splitIndices(labels: Int32Array, numClasses: number, valSplit: number, stratify: boolean, generator: Generator): { train: number[]; val: number[] } | null {
  if (!stratify) return null;
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((c, i) => byClass[c].push(i));
  const train: number[] = [];
  const val: number[] = [];
  for (const idx of byClass) {
    // Fisher-Yates with the run's generator
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(generator.random() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    const nVal = idx.length > 1 ? Math.max(1, Math.round(idx.length * valSplit)) : 0;
    val.push(...idx.slice(0, nVal));
    train.push(...idx.slice(nVal));
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}

/** The data sets the config describes (deterministic in config.seed). */
export function buildTrainingData(c: TrainConfig): TrainingData {
  let ds: DatasetLike<Sample>;
  let labels: Int32Array;
  let plan: LabelPlan;
  let source: string;
  if (c.data === null) {
    const synth = new SyntheticSignals({ numSamples: c.samples, seed: c.seed });
    ds = synth as unknown as DatasetLike<Sample>;
    labels = Int32Array.from({ length: synth.length }, (_, i) => synth.label(i));
    source = `built-in synthetic signals (${c.samples} samples, seed ${c.seed})`;
    if (c.labelBase === 1) throw new UsageError('--label-base: the built-in signals are labelled 0 and 1; --label-base 1 applies to --data');
    plan = { labelBase: 0, numClasses: c.numClasses ?? 2, notes: [] };
  } else {
    const raw = readSignalFile(c.data, c.labels, c.labelColumn);
    source = raw.source;
    plan = planLabels(raw.labels, c.labelBase, c.numClasses, source);
    labels = Int32Array.from(raw.labels, (v) => v - plan.labelBase);
    ds = new TensorDataset(raw.signals, new Tensor(Float64Array.from(labels), [labels.length], 'int64')) as unknown as DatasetLike<Sample>;
  }
  const nVal = Math.max(1, Math.round(ds.length * c.valSplit));
  if (ds.length - nVal < 1) throw new RangeError(`train: ${source} has ${ds.length} samples: too few to hold out ${nVal} for validation`);
  const g = new Generator(c.seed);
  const strat = splitIndices(labels, plan.numClasses, c.valSplit, c.stratify, g);
  let train: Subset<Sample>;
  let val: Subset<Sample>;
  if (strat) {
    train = new Subset(ds, strat.train);
    val = new Subset(ds, strat.val);
  } else {
    [train, val] = randomSplit(ds, [ds.length - nVal, nVal], g);
  }
  const trainLabels = Int32Array.from(train.indices, (i) => labels[i]);
  return { train, val, trainLabels, numClasses: plan.numClasses, labelBase: plan.labelBase, source, notes: plan.notes };
}

/** Input normalisation saved with a model: `(x - mean) / std` per value ('global'), or per sample. */
export interface NormalizeSpec {
  mode: Normalize;
  mean?: number;
  std?: number;
}

const STD_FLOOR = 1e-8;

/** Fit the normalisation on the training samples (global: mean and population std of every value). */
export function fitNormalize(mode: Normalize, train: DatasetLike<Sample>): NormalizeSpec {
  if (mode !== 'global') return { mode };
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < train.length; i++) {
    const x = (train.getItem(i) as Sample)[0].data;
    for (let j = 0; j < x.length; j++) {
      sum += x[j];
      sumSq += x[j] * x[j];
    }
    n += x.length;
  }
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  return { mode, mean, std };
}

/** Apply a normalisation to a batch (N, C, L); returns the batch itself for 'none'. */
export function applyNormalize(spec: NormalizeSpec, x: Tensor): Tensor {
  if (spec.mode === 'none') return x;
  const src = x.data as Float32Array;
  const out = new Float32Array(src.length);
  if (spec.mode === 'global') {
    const m = spec.mean!;
    const inv = 1 / Math.max(spec.std!, STD_FLOOR);
    for (let i = 0; i < src.length; i++) out[i] = (src[i] - m) * inv;
  } else {
    const per = x.shape.slice(1).reduce((a, b) => a * b, 1);
    for (let s = 0; s < x.shape[0]; s++) {
      let sum = 0;
      let sumSq = 0;
      for (let j = s * per; j < (s + 1) * per; j++) {
        sum += src[j];
        sumSq += src[j] * src[j];
      }
      const m = sum / per;
      const inv = 1 / Math.max(Math.sqrt(Math.max(0, sumSq / per - m * m)), STD_FLOOR);
      for (let j = s * per; j < (s + 1) * per; j++) out[j] = (src[j] - m) * inv;
    }
  }
  return new Tensor(out, x.shape, 'float32');
}

/** CrossEntropyLoss weights for --class-weights auto: N / (K * count_c), as scikit-learn's 'balanced'. */
export function balancedClassWeights(labels: Int32Array, numClasses: number): Float32Array {
  const counts = new Float64Array(numClasses);
  for (const c of labels) counts[c]++;
  return Float32Array.from(counts, (n) => (n > 0 ? labels.length / (numClasses * n) : 0));
}
