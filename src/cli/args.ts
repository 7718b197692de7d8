/** Command-line flags of `nodetorch train`, parsed and validated (errors name the flag). */

export type WeightFormat = 'safetensors' | 'pth' | 'both';

export interface TrainConfig {
  /** CSV or .npy file of signals; null: the built-in synthetic data set. */
  data: string | null;
  /** .npy labels (with --data x.npy). */
  labels: string | null;
  /** Label column of a CSV: 'first', 'last' or a 0-based index. */
  labelColumn: 'first' | 'last' | number;
  /** 1 when the file's labels are 1-based, as in the seed's data (label - 1). */
  labelBase: 0 | 1;
  numClasses: number;
  /** Synthetic samples (train + validation). */
  samples: number;
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  valSplit: number;
  seed: number;
  backend: 'native' | 'wasm' | 'ref' | null;
  threads: number | null;
  workers: number;
  out: string;
  resume: string | null;
  format: WeightFormat;
}

export const DEFAULTS: TrainConfig = {
  data: null,
  labels: null,
  labelColumn: 'first',
  labelBase: 0,
  numClasses: 2,
  samples: 3750,
  epochs: 10,
  batchSize: 32,
  lr: 0.003,
  momentum: 0.9,
  valSplit: 0.2,
  seed: 0,
  backend: null,
  threads: null,
  workers: 0,
  out: 'runs/inception1d',
  resume: null,
  format: 'both',
};

export const TRAIN_HELP = `Usage: nodetorch train [options]      (npm run train -- [options])

Trains the reference Inception1d (1-D CNN) with CrossEntropyLoss on one-hot targets and SGD, like the
PyTorch loop it reproduces: a progress bar per epoch (train epoch[i/n] loss:x), validation loss and
accuracy, the best model by validation accuracy saved atomically.

Data (default: the built-in synthetic 2-class signals, length 1200):
  --data <file>          CSV (one sample per row) or .npy signals (N, L) or (N, 1, L)
  --labels <file.npy>    labels for --data x.npy (int)
  --label-column <c>     CSV label column: first | last | 0-based index   (default first)
  --label-base <0|1>     1 if the file's labels start at 1                 (default 0)
  --num-classes <n>      number of classes                                 (default 2)
  --samples <n>          synthetic samples, train + validation             (default ${DEFAULTS.samples})
  --val-split <f>        fraction held out for validation                  (default ${DEFAULTS.valSplit})

Training:
  --epochs <n>           (default ${DEFAULTS.epochs})
  --batch-size <n>       (default ${DEFAULTS.batchSize})
  --lr <x>               SGD learning rate (default ${DEFAULTS.lr})
  --momentum <x>         SGD momentum (default ${DEFAULTS.momentum})
  --seed <n>             seeds initialisation, split, shuffling and dropout (default ${DEFAULTS.seed})
  --backend <name>       native | wasm | ref (default: best available)
  --threads <n>          native thread pool size (default: all cores)
  --workers <n>          DataLoader worker threads (default 0)

Output:
  --out <dir>            (default ${DEFAULTS.out})
  --format <f>           best model as safetensors | pth | both (default both)
  --resume <file>        continue from a last.ckpt.safetensors written by an earlier run
  -h, --help             this text

Files in --out: signal_classes.safetensors / signal_classes.pth (best model, a state dict PyTorch loads),
last.ckpt.safetensors (model + optimizer + epoch + RNG state, for --resume), metrics.jsonl (one line per
epoch), curves.svg (loss and accuracy per epoch).
`;

export class UsageError extends Error {
  override name = 'UsageError';
}

function num(flag: string, v: string | undefined, check: (x: number) => boolean, what: string): number {
  if (v === undefined) throw new UsageError(`${flag}: expected a value`);
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || !check(x)) throw new UsageError(`${flag}: expected ${what}, got '${v}'`);
  return x;
}

const posInt = (x: number) => Number.isInteger(x) && x >= 1;

/** Parse argv (after the subcommand). Returns null config when help was asked for. */
export function parseTrainArgs(argv: readonly string[]): { config: TrainConfig; help: boolean; given: Set<string> } {
  const c: TrainConfig = { ...DEFAULTS };
  const given = new Set<string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let value: string | undefined;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    const next = () => (value !== undefined ? value : argv[++i]);
    given.add(flag);
    switch (flag) {
      case '-h': case '--help': help = true; break;
      case '--data': c.data = next() ?? null; if (!c.data) throw new UsageError('--data: expected a file'); break;
      case '--labels': c.labels = next() ?? null; if (!c.labels) throw new UsageError('--labels: expected a file'); break;
      case '--label-column': {
        const v = next();
        if (v === 'first' || v === 'last') c.labelColumn = v;
        else c.labelColumn = num(flag, v, Number.isInteger, "'first', 'last' or an integer index");
        break;
      }
      case '--label-base': c.labelBase = num(flag, next(), (x) => x === 0 || x === 1, '0 or 1') as 0 | 1; break;
      case '--num-classes': c.numClasses = num(flag, next(), (x) => posInt(x) && x >= 2, 'an integer >= 2'); break;
      case '--samples': c.samples = num(flag, next(), (x) => posInt(x) && x >= 4, 'an integer >= 4'); break;
      case '--epochs': c.epochs = num(flag, next(), posInt, 'a positive integer'); break;
      case '--batch-size': c.batchSize = num(flag, next(), posInt, 'a positive integer'); break;
      case '--lr': c.lr = num(flag, next(), (x) => x > 0, 'a positive number'); break;
      case '--momentum': c.momentum = num(flag, next(), (x) => x >= 0 && x < 1, 'a number in [0, 1)'); break;
      case '--val-split': c.valSplit = num(flag, next(), (x) => x > 0 && x < 1, 'a fraction in (0, 1)'); break;
      case '--seed': c.seed = num(flag, next(), (x) => Number.isSafeInteger(x) && x >= 0, 'a non-negative integer'); break;
      case '--threads': c.threads = num(flag, next(), posInt, 'a positive integer'); break;
      case '--workers': c.workers = num(flag, next(), (x) => Number.isInteger(x) && x >= 0, 'a non-negative integer'); break;
      case '--backend': {
        const v = next();
        if (v !== 'native' && v !== 'wasm' && v !== 'ref') throw new UsageError(`--backend: expected native, wasm or ref, got '${v ?? ''}'`);
        c.backend = v;
        break;
      }
      case '--out': c.out = next() ?? ''; if (!c.out) throw new UsageError('--out: expected a directory'); break;
      case '--resume': c.resume = next() ?? null; if (!c.resume) throw new UsageError('--resume: expected a checkpoint file'); break;
      case '--format': {
        const v = next();
        if (v !== 'safetensors' && v !== 'pth' && v !== 'both') throw new UsageError(`--format: expected safetensors, pth or both, got '${v ?? ''}'`);
        c.format = v;
        break;
      }
      default:
        throw new UsageError(`unknown option '${argv[i]}' (see --help)`);
    }
  }
  if (c.labels && !c.data) throw new UsageError('--labels: needs --data <signals.npy>');
  if (c.data && /\.npy$/i.test(c.data) && !c.labels) throw new UsageError('--data: a .npy signals file needs --labels <labels.npy>');
  return { config: c, help, given };
}
