/** Command-line flags of `nodetorch train`, parsed and validated (errors name the flag). */
import { UsageError, parseFlags, type FlagSpec } from './flags.js';

export { UsageError } from './flags.js';

export type WeightFormat = 'safetensors' | 'pth' | 'both';
export type Normalize = 'none' | 'global' | 'per-sample';
export type OptimizerName = 'sgd' | 'adam' | 'adamw';
export type SchedulerName = 'none' | 'step' | 'cosine' | 'plateau';
export type ModelName = 'inception1d' | 'cnn1d';

export interface TrainConfig {
  /** CSV or .npy file of signals; null: the built-in synthetic data set. */
  data: string | null;
  /** .npy labels (with --data x.npy). */
  labels: string | null;
  /** Label column of a CSV: 'first', 'last' or a 0-based index. */
  labelColumn: 'first' | 'last' | number;
  /** 1 when the file's labels are 1-based (label - 1); null: detected from the labels. */
  labelBase: 0 | 1 | null;
  /** null: inferred from the labels (2 for the built-in data). */
  numClasses: number | null;
  /** Synthetic samples (train + validation). */
  samples: number;
  /** Validation split keeps each class's share (stratified). */
  stratify: boolean;
  /** Input normalisation, fitted on the training split and saved with the model. */
  normalize: Normalize;
  model: ModelName;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  /** null: the optimizer's default (SGD 0.003 as the seed's loop, Adam/AdamW 0.001). */
  lr: number | null;
  momentum: number;
  /** null: the optimizer's default (0; AdamW 0.01). */
  weightDecay: number | null;
  scheduler: SchedulerName;
  /** StepLR: epochs per decay. */
  lrStepSize: number;
  /** StepLR and ReduceLROnPlateau: the decay factor. */
  lrGamma: number;
  /** Early stopping: epochs without a better validation accuracy; 0: off. */
  patience: number;
  /** 'auto': CrossEntropyLoss weights N / (K * count) per class. */
  classWeights: 'none' | 'auto';
  valSplit: number;
  seed: number;
  backend: 'native' | 'wasm' | 'ref' | null;
  threads: number | null;
  workers: number;
  out: string;
  resume: string | null;
  format: WeightFormat;
  /** TensorBoard log directory; null: no TensorBoard logs. */
  tensorboard: string | null;
}

export const DEFAULTS: TrainConfig = {
  data: null,
  labels: null,
  labelColumn: 'first',
  labelBase: null,
  numClasses: null,
  samples: 3750,
  stratify: false,
  normalize: 'none',
  model: 'inception1d',
  epochs: 10,
  batchSize: 32,
  optimizer: 'sgd',
  lr: null,
  momentum: 0.9,
  weightDecay: null,
  scheduler: 'none',
  lrStepSize: 10,
  lrGamma: 0.1,
  patience: 0,
  classWeights: 'none',
  valSplit: 0.2,
  seed: 0,
  backend: null,
  threads: null,
  workers: 0,
  out: 'runs/inception1d',
  resume: null,
  format: 'both',
  tensorboard: null,
};

/** The learning rate a config trains with. */
export function effectiveLr(c: TrainConfig): number {
  return c.lr ?? (c.optimizer === 'sgd' ? 0.003 : 0.001);
}

/** The weight decay a config trains with (PyTorch's defaults: AdamW 0.01, others 0). */
export function effectiveWeightDecay(c: TrainConfig): number {
  return c.weightDecay ?? (c.optimizer === 'adamw' ? 0.01 : 0);
}

export const TRAIN_HELP = `Usage: nodetorch train [options]      (npm run train -- [options])

Trains a 1-D CNN (default: the reference Inception1d) with CrossEntropyLoss on one-hot targets, like the
PyTorch loop it reproduces: a progress bar per epoch (train epoch[i/n] loss:x), validation loss and
accuracy, the best model by validation accuracy saved atomically.

Data (default: the built-in synthetic 2-class signals, length 1200):
  --data <file>          CSV (one sample per row) or .npy signals (N, L) or (N, 1, L)
  --labels <file.npy>    labels for --data x.npy (int)
  --label-column <c>     CSV label column: first | last | 0-based index   (default first)
  --label-base <0|1>     1 if the file's labels start at 1 (default: detected; 1..K with no 0 is 1-based)
  --num-classes <n>      number of classes (default: inferred from the labels)
  --samples <n>          synthetic samples, train + validation             (default ${DEFAULTS.samples})
  --val-split <f>        fraction held out for validation                  (default ${DEFAULTS.valSplit})
  --stratify             keep each class's share in the validation split
  --normalize <m>        none | global | per-sample (global: the training split's mean and std; saved
                         with the model and applied by nodetorch predict)  (default none)

Model and training:
  --model <name>         inception1d | cnn1d                               (default inception1d)
  --epochs <n>           (default ${DEFAULTS.epochs})
  --batch-size <n>       (default ${DEFAULTS.batchSize})
  --optimizer <name>     sgd | adam | adamw                                (default sgd)
  --lr <x>               learning rate (default: sgd 0.003, adam/adamw 0.001)
  --momentum <x>         SGD momentum (default ${DEFAULTS.momentum})
  --weight-decay <x>     (default: 0; adamw 0.01)
  --scheduler <name>     none | step | cosine | plateau, stepped once per epoch (default none)
  --lr-step-size <n>     step: epochs between decays                       (default ${DEFAULTS.lrStepSize})
  --lr-gamma <x>         step and plateau: the decay factor                (default ${DEFAULTS.lrGamma})
  --patience <n>         stop after n epochs without a better validation accuracy (default 0: off)
  --class-weights <w>    none | auto (inverse class frequency in the loss) (default none)
  --seed <n>             seeds initialisation, split, shuffling and dropout (default ${DEFAULTS.seed})
  --backend <name>       native | wasm | ref (default: best available)
  --threads <n>          native thread pool size (default: all cores)
  --workers <n>          DataLoader worker threads (default 0)

Output:
  --out <dir>            (default ${DEFAULTS.out})
  --format <f>           best model as safetensors | pth | both (default both)
  --tensorboard <dir>    also log loss, accuracy and learning rate for TensorBoard
  --resume <file>        continue from a last.ckpt.safetensors written by an earlier run; the run keeps
                         its configuration: --epochs, --lr (without a scheduler), --patience, --out,
                         --format, --tensorboard, --backend, --threads and --workers may change, any
                         other flag that differs from the checkpoint is refused
  -h, --help             this text

Files in --out: signal_classes.safetensors / signal_classes.pth (best model, a state dict PyTorch loads;
the safetensors metadata and signal_classes.json hold what nodetorch predict needs), last.ckpt.safetensors
(model + optimizer + epoch + RNG state, for --resume), metrics.jsonl (one line per epoch, with per-class
F1 and the confusion matrix), curves.svg (loss and accuracy per epoch).
`;

const posInt = (x: number) => Number.isInteger(x) && x >= 1;

/** The flags of `train`: parser, and what a resumed run does with each. */
const TRAIN_FLAGS: Record<string, FlagSpec<TrainConfig>> = {
  '--data': { key: 'data', kind: 'string', what: 'a file' },
  '--labels': { key: 'labels', kind: 'string', what: 'a file' },
  '--label-column': { key: 'labelColumn', kind: 'custom', parse: (v, num) => (v === 'first' || v === 'last' ? v : num(v ?? '', Number.isInteger, "'first', 'last' or an integer index")) },
  '--label-base': { key: 'labelBase', kind: 'number', check: (x) => x === 0 || x === 1, what: '0 or 1' },
  '--num-classes': { key: 'numClasses', kind: 'number', check: (x) => posInt(x) && x >= 2, what: 'an integer >= 2' },
  '--samples': { key: 'samples', kind: 'number', check: (x) => posInt(x) && x >= 4, what: 'an integer >= 4' },
  '--val-split': { key: 'valSplit', kind: 'number', check: (x) => x > 0 && x < 1, what: 'a fraction in (0, 1)' },
  '--stratify': { key: 'stratify', kind: 'switch' },
  '--normalize': { key: 'normalize', kind: 'choice', choices: ['none', 'global', 'per-sample'] },
  '--model': { key: 'model', kind: 'choice', choices: ['inception1d', 'cnn1d'] },
  '--epochs': { key: 'epochs', kind: 'number', check: posInt, what: 'a positive integer', onResume: 'apply' },
  '--batch-size': { key: 'batchSize', kind: 'number', check: posInt, what: 'a positive integer' },
  '--optimizer': { key: 'optimizer', kind: 'choice', choices: ['sgd', 'adam', 'adamw'] },
  '--lr': { key: 'lr', kind: 'number', check: (x) => x > 0, what: 'a positive number', onResume: 'apply' },
  '--momentum': { key: 'momentum', kind: 'number', check: (x) => x >= 0 && x < 1, what: 'a number in [0, 1)' },
  '--weight-decay': { key: 'weightDecay', kind: 'number', check: (x) => x >= 0, what: 'a non-negative number' },
  '--scheduler': { key: 'scheduler', kind: 'choice', choices: ['none', 'step', 'cosine', 'plateau'] },
  '--lr-step-size': { key: 'lrStepSize', kind: 'number', check: posInt, what: 'a positive integer' },
  '--lr-gamma': { key: 'lrGamma', kind: 'number', check: (x) => x > 0 && x < 1, what: 'a number in (0, 1)' },
  '--patience': { key: 'patience', kind: 'number', check: (x) => Number.isInteger(x) && x >= 0, what: 'a non-negative integer', onResume: 'apply' },
  '--class-weights': { key: 'classWeights', kind: 'choice', choices: ['none', 'auto'] },
  '--seed': { key: 'seed', kind: 'number', check: (x) => Number.isSafeInteger(x) && x >= 0, what: 'a non-negative integer' },
  '--backend': { key: 'backend', kind: 'choice', choices: ['native', 'wasm', 'ref'], onResume: 'apply' },
  '--threads': { key: 'threads', kind: 'number', check: posInt, what: 'a positive integer', onResume: 'apply' },
  '--workers': { key: 'workers', kind: 'number', check: (x) => Number.isInteger(x) && x >= 0, what: 'a non-negative integer', onResume: 'apply' },
  '--out': { key: 'out', kind: 'string', what: 'a directory', onResume: 'apply' },
  '--resume': { key: 'resume', kind: 'string', what: 'a checkpoint file', onResume: 'apply' },
  '--format': { key: 'format', kind: 'choice', choices: ['safetensors', 'pth', 'both'], onResume: 'apply' },
  '--tensorboard': { key: 'tensorboard', kind: 'string', what: 'a directory', onResume: 'apply' },
};

/** The flag that sets a config key (for messages). */
export function flagOf(key: keyof TrainConfig): string {
  for (const [flag, spec] of Object.entries(TRAIN_FLAGS)) if (spec.key === key) return flag;
  return String(key);
}

/**
 * The configuration of a resumed run: the checkpoint's, with the flags that may change applied. A flag
 * given on the command line whose value differs from the checkpoint's and that cannot change mid-run is
 * refused, naming it, rather than silently ignored.
 */
export function resumeConfig(saved: Partial<TrainConfig>, given: TrainConfig, flags: ReadonlySet<string>): TrainConfig {
  const c: TrainConfig = { ...DEFAULTS, ...saved, resume: given.resume };
  for (const flag of flags) {
    const spec = TRAIN_FLAGS[flag];
    if (!spec) continue;
    const key = spec.key;
    const value = given[key];
    if (spec.onResume === 'apply') {
      if (key === 'lr' && value !== saved.lr && c.scheduler !== 'none') {
        throw new UsageError(`--lr: cannot change on --resume of a run with --scheduler ${c.scheduler} (the schedule owns the learning rate); the checkpoint has ${effectiveLr(c)}`);
      }
      (c as unknown as Record<string, unknown>)[key] = value;
    } else if (JSON.stringify(value) !== JSON.stringify(saved[key] ?? DEFAULTS[key])) {
      const was = saved[key] ?? DEFAULTS[key];
      throw new UsageError(`${flag}: the checkpoint was trained with ${flag} ${was === null ? '(default)' : String(was)}, got ${String(value)}; ` +
        `a resumed run keeps it (start a new run with --out to change it)`);
    }
  }
  return c;
}

/** Parse argv (after the subcommand). `given` holds the flags that appeared. */
export function parseTrainArgs(argv: readonly string[]): { config: TrainConfig; help: boolean; given: Set<string> } {
  const { values, help, given } = parseFlags(argv, TRAIN_FLAGS, DEFAULTS);
  const c = values;
  if (c.labels && !c.data) throw new UsageError('--labels: needs --data <signals.npy>');
  if (c.data && /\.npy$/i.test(c.data) && !c.labels) throw new UsageError('--data: a .npy signals file needs --labels <labels.npy>');
  if (given.has('--momentum') && c.optimizer !== 'sgd') throw new UsageError(`--momentum: applies to --optimizer sgd, not ${c.optimizer}`);
  if ((given.has('--lr-step-size')) && c.scheduler !== 'step') throw new UsageError('--lr-step-size: applies to --scheduler step');
  if (given.has('--lr-gamma') && c.scheduler !== 'step' && c.scheduler !== 'plateau') throw new UsageError('--lr-gamma: applies to --scheduler step or plateau');
  return { config: c, help, given };
}
