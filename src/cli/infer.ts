/**
 * `nodetorch predict` and `nodetorch evaluate`: run a model file written by `nodetorch train` on a CSV
 * or .npy file. predict writes the class and per-class probabilities of every row; evaluate prints and
 * writes accuracy, per-class precision / recall / F1 and the confusion matrix.
 */
import { writeFileAtomic } from '../io/atomic-write.js';
import { Tensor } from '../tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { softmax } from '../ops/softmax.js';
import { setBackend, setNumThreads } from '../backend/select.js';
import { readCsvSignals, loadNpySignals, readNpy, npyToTensor } from '../data/index.js';
import { parseFlags, UsageError, type FlagSpec } from './flags.js';
import { applyNormalize } from './data.js';
import { addToConfusion, classificationReport, emptyConfusion, formatReport, type ClassificationReport } from './metrics.js';
import { loadModelFile, type ModelInfo } from './model-file.js';

export interface InferConfig {
  model: string | null;
  data: string | null;
  labels: string | null;
  labelColumn: 'first' | 'last' | 'none' | number | null;
  labelBase: 0 | 1 | null;
  out: string | null;
  batchSize: number;
  backend: 'native' | 'wasm' | 'ref' | null;
  threads: number | null;
}

const INFER_DEFAULTS: InferConfig = { model: null, data: null, labels: null, labelColumn: null, labelBase: null, out: null, batchSize: 256, backend: null, threads: null };

const posInt = (x: number) => Number.isInteger(x) && x >= 1;

const INFER_FLAGS: Record<string, FlagSpec<InferConfig>> = {
  '--model': { key: 'model', kind: 'string', what: 'a model file (.safetensors or .pth)' },
  '--data': { key: 'data', kind: 'string', what: 'a file' },
  '--labels': { key: 'labels', kind: 'string', what: 'a file' },
  '--label-column': { key: 'labelColumn', kind: 'custom', parse: (v, num) => (v === 'first' || v === 'last' || v === 'none' ? v : num(v ?? '', Number.isInteger, "'first', 'last', 'none' or an integer index")) },
  '--label-base': { key: 'labelBase', kind: 'number', check: (x) => x === 0 || x === 1, what: '0 or 1' },
  '--out': { key: 'out', kind: 'string', what: 'a file' },
  '--batch-size': { key: 'batchSize', kind: 'number', check: posInt, what: 'a positive integer' },
  '--backend': { key: 'backend', kind: 'choice', choices: ['native', 'wasm', 'ref'] },
  '--threads': { key: 'threads', kind: 'number', check: posInt, what: 'a positive integer' },
};

export const PREDICT_HELP = `Usage: nodetorch predict --model <signal_classes.safetensors|.pth> --data <file.csv|file.npy> [options]

Classifies every row (CSV) or sample (.npy (N, L) or (N, 1, L)) with a model written by nodetorch train,
applying the normalisation saved with it. Writes CSV: index, predicted class (in the training file's
labelling), one probability column per class.

  --model <file>         the model (its .json description beside a .pth is used when present)
  --data <file>          signals: CSV or .npy
  --label-column <c>     CSV: none | first | last | 0-based index of a label cell to skip (default none)
  --out <file>           write the predictions here (default: standard output)
  --batch-size <n>       (default 256)
  --backend <name>       native | wasm | ref (default: best available)
  --threads <n>          native thread pool size
`;

export const EVALUATE_HELP = `Usage: nodetorch evaluate --model <signal_classes.safetensors|.pth> --data <file.csv|x.npy> [--labels y.npy] [options]

Runs the model on labelled data and prints accuracy, per-class precision / recall / F1 and the confusion
matrix; --out also writes them as JSON.

  --model <file>         the model (its .json description beside a .pth is used when present)
  --data <file>          signals with labels: CSV, or .npy with --labels
  --labels <file.npy>    labels for --data x.npy
  --label-column <c>     CSV label column: first | last | 0-based index (default first)
  --label-base <0|1>     the labels' base (default: the one the model was trained with)
  --out <file.json>      also write the report as JSON
  --batch-size <n>       (default 256)
  --backend <name>       native | wasm | ref (default: best available)
  --threads <n>          native thread pool size
`;

/** Parse predict / evaluate flags. */
export function parseInferArgs(command: 'predict' | 'evaluate', argv: readonly string[]): { config: InferConfig; help: boolean } {
  const { values: c, help } = parseFlags(argv, INFER_FLAGS, INFER_DEFAULTS);
  if (help) return { config: c, help };
  if (!c.model) throw new UsageError('--model: expected a model file (see --help)');
  if (!c.data) throw new UsageError('--data: expected a signals file (see --help)');
  if (c.labels && !/\.npy$/i.test(c.data)) throw new UsageError('--labels: applies to --data x.npy');
  if (command === 'evaluate' && /\.npy$/i.test(c.data) && !c.labels) throw new UsageError('--data: evaluating a .npy signals file needs --labels <labels.npy>');
  if (command === 'evaluate' && c.labelColumn === 'none') throw new UsageError("--label-column: evaluate needs labels, got 'none'");
  return { config: c, help };
}

/** Signals (N, 1, L) and, when the file has them, labels as stored. */
function readData(c: InferConfig, wantLabels: boolean): { signals: Tensor; labels: Float64Array | null } {
  const data = c.data!;
  const all = { labelBase: 0 as const, numClasses: Number.MAX_SAFE_INTEGER };
  if (/\.npy$/i.test(data)) {
    if (c.labels) {
      const r = loadNpySignals(data, c.labels, all);
      return { signals: r.signals, labels: Float64Array.from(r.labels.data) };
    }
    let x = npyToTensor(readNpy(data), data);
    if (x.ndim === 2) x = x.reshape([x.shape[0], 1, x.shape[1]]);
    if (x.ndim !== 3 || x.shape[1] !== 1) throw new RangeError(`predict: ${data}: expected signals of shape (N, L) or (N, 1, L), got (${x.shape.join(', ')})`);
    return { signals: x.dtype === 'float32' ? x : x.float(), labels: null };
  }
  const labelColumn = c.labelColumn ?? (wantLabels ? 'first' : 'none');
  if (labelColumn === 'none') return { signals: readCsvSignals(data, { labelColumn: 'none' }).signals, labels: null };
  const r = readCsvSignals(data, { ...all, labelColumn });
  return { signals: r.signals, labels: Float64Array.from(r.labels.data) };
}

/** Class probabilities (N, K) of the model for every sample, in batches, without autograd. */
function probabilities(model: { forward(x: Tensor): Tensor }, info: ModelInfo, signals: Tensor, batchSize: number): Float32Array {
  const n = signals.shape[0];
  const per = signals.shape[1] * signals.shape[2];
  const k = info.numClasses;
  const out = new Float32Array(n * k);
  noGrad(() => {
    for (let s = 0; s < n; s += batchSize) {
      const b = Math.min(batchSize, n - s);
      const x = new Tensor((signals.data as Float32Array).slice(s * per, (s + b) * per), [b, signals.shape[1], signals.shape[2]], 'float32');
      const p = softmax(model.forward(applyNormalize(info.normalize, x)), 1);
      out.set(p.data as Float32Array, s * k);
    }
  });
  return out;
}

function argmaxRows(p: Float32Array, k: number): Int32Array {
  const n = p.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}

function setUp(c: InferConfig, op: string, log: (l: string) => void) {
  if (c.backend) setBackend(c.backend);
  if (c.threads) setNumThreads(c.threads);
  const { model, info, notes } = loadModelFile(c.model!, op);
  for (const n of notes) log(n);
  return { model, info };
}

/** `nodetorch predict`: returns the CSV text (also written to --out when given). */
export function predict(c: InferConfig, log: (l: string) => void = (l) => console.error(l)): string {
  const { model, info } = setUp(c, 'predict', log);
  const { signals } = readData(c, false);
  const k = info.numClasses;
  const p = probabilities(model, info, signals, c.batchSize);
  const cls = argmaxRows(p, k);
  const names = Array.from({ length: k }, (_, j) => j + info.labelBase);
  const lines = [`index,predicted,${names.map((j) => `prob_${j}`).join(',')}`];
  for (let i = 0; i < cls.length; i++) {
    const row = [String(i), String(cls[i] + info.labelBase)];
    for (let j = 0; j < k; j++) row.push(p[i * k + j].toPrecision(6));
    lines.push(row.join(','));
  }
  const csv = `${lines.join('\n')}\n`;
  if (c.out) {
    writeFileAtomic(c.out, Buffer.from(csv));
    const counts = names.map((name, j) => `${name}: ${cls.filter((v) => v === j).length}`);
    log(`predicted ${cls.length} samples (${counts.join(', ')}); wrote ${c.out}`);
  }
  return csv;
}

/** `nodetorch evaluate`: the report (printed by the caller; written as JSON to --out when given). */
export function evaluate(c: InferConfig, log: (l: string) => void = (l) => console.error(l)): ClassificationReport & { text: string } {
  const { model, info } = setUp(c, 'evaluate', log);
  const { signals, labels } = readData(c, true);
  const base = c.labelBase ?? info.labelBase;
  const k = info.numClasses;
  const truth = Int32Array.from(labels!, (v, i) => {
    const t = v - base;
    if (!(t >= 0 && t < k)) throw new RangeError(`evaluate: ${c.data}: label ${v} of sample ${i} is outside the model's ${k} classes (${base}..${base + k - 1} with label base ${base})`);
    return t;
  });
  const pred = argmaxRows(probabilities(model, info, signals, c.batchSize), k);
  const cm = emptyConfusion(k);
  addToConfusion(cm, truth, pred);
  const report = classificationReport(cm);
  const classNames = Array.from({ length: k }, (_, j) => String(j + base));
  const text = formatReport(report, classNames);
  if (c.out) {
    writeFileAtomic(c.out, Buffer.from(`${JSON.stringify({ model: c.model, data: c.data, labelBase: base, classes: classNames, ...report }, null, 2)}\n`));
    log(`wrote ${c.out}`);
  }
  return { ...report, text };
}
