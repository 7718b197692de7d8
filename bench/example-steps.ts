/**
 * The train steps of the three example models (examples/models.ts) beside PyTorch 1.13
 * (bench/torch_example_steps.py, the same architectures from test/fixtures/gen_examples.py):
 * - cnn: DigitCnn (Conv2d 16 and 32 channels, BatchNorm2d, ReLU, MaxPool2d, Linear) on (32, 1, 28, 28), Adam;
 * - lstm: LstmClassifier (Embedding 128, LSTM hidden 128 over a packed batch, Linear), (32, 64) tokens, Adam;
 * - transformer: CharTransformer (d 128, 4 heads, 2 layers, feed-forward 256, causal mask), (16, 64) tokens
 *   over a vocabulary of 96, AdamW.
 * Each step is zeroGrad + forward + CrossEntropyLoss + backward + optimizer step. Native at each thread count
 * vs PyTorch at the same count (torch.set_num_threads, faster malloc setting), wasm (1 thread) vs PyTorch on
 * 1 thread. Interleaved for a noisy machine: each round runs PyTorch then native per thread count, then wasm;
 * figures are the median over rounds of each measurement's median step, and the minimum over all steps.
 * Run: `npm run bench -- --only examples [--threads 1,2] [--quick]`.
 */
import { performance } from 'node:perf_hooks';
import type { Backend } from '../src/backend/backend.js';
import { setBackend, getBackend, setNumThreads, getNumThreads, type BackendName } from '../src/backend/select.js';
import { nn, optim, randn, randint, manualSeed, type Tensor } from '../src/index.js';
import { DigitCnn, LstmClassifier, CharTransformer } from '../examples/models.js';
import { TORCH_MALLOC_ENV, findPython, median, note, ratio, runPythonJson, threadEnv, type BenchOptions, type Row } from './harness.js';

const MODELS = ['cnn', 'lstm', 'transformer'] as const;
type ModelName = (typeof MODELS)[number];
const SHAPES: Record<ModelName, string> = {
  cnn: 'DigitCnn 16/32 ch, (32, 1, 28, 28)',
  lstm: 'LSTM h 128 seq 64, batch 32 packed',
  transformer: 'encoder d 128 seq 64 x2 layers, batch 16',
};

interface Measure {
  ms: number;
  minMs: number;
}

/** One train step of the model on a fixed random batch (the same shapes as the PyTorch script). */
function makeStep(name: ModelName): () => void {
  manualSeed(0);
  const lossFn = new nn.CrossEntropyLoss();
  let model: nn.AnyModule;
  let forward: () => [Tensor, Tensor];
  if (name === 'cnn') {
    const m = new DigitCnn({ channels1: 16, channels2: 32 });
    const x = randn([32, 1, 28, 28]);
    const y = randint(0, 10, [32]);
    [model, forward] = [m, () => [m.forward(x), y]];
  } else if (name === 'lstm') {
    const m = new LstmClassifier({ vocab: 12, embeddingDim: 128, hiddenSize: 128, numClasses: 2 });
    const x = randint(1, 12, [32, 64]);
    const y = randint(0, 2, [32]);
    const lengths = new Array<number>(32).fill(64);
    [model, forward] = [m, () => [m.forward(x, lengths), y]];
  } else {
    const m = new CharTransformer({ vocab: 96, dModel: 128, nhead: 4, numLayers: 2, dimFeedforward: 256, maxLen: 64 });
    const x = randint(0, 96, [16, 64]);
    const y = randint(0, 96, [16 * 64]);
    [model, forward] = [m, () => [m.forward(x).reshape([-1, 96]), y]];
  }
  model.train();
  const opt = name === 'transformer' ? new optim.AdamW(model.parameters(), { lr: 1e-3 }) : new optim.Adam(model.parameters(), { lr: 1e-3 });
  return () => {
    opt.zeroGrad();
    const [logits, y] = forward();
    lossFn.forward(logits, y).backward();
    opt.step();
  };
}

/** Median and min of `steps` timed steps after 2 warm-ups. */
function measure(step: () => void, steps: number): Measure {
  for (let i = 0; i < 2; i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), minMs: Math.min(...times) };
}

export interface ExampleStepsResult {
  /** One row per model and side (native at each thread count, wasm at 1). */
  rows: Row[];
  torch: string | null;
  rounds: number;
  /** Every measurement, by `<side>/<model>/<threads>`, in round order. */
  raw: Record<string, Measure[]>;
}

export function benchExampleSteps(backends: Backend[], o: BenchOptions): ExampleStepsResult {
  const previous = getBackend().name;
  const prevThreads = getNumThreads();
  const sides = (['native', 'wasm'] as BackendName[]).filter((b) => backends.some((x) => x.name === b));
  if (!sides.includes('native')) note('example steps: native addon not loaded: native rows skipped');
  const py = findPython('torch');
  if (typeof py === 'string') note(`example steps: PyTorch baseline skipped: ${py}`);
  const rounds = o.quick ? 1 : 3;
  const steps = o.quick ? 3 : 8;
  const torchThreads = [...new Set([...o.threads, ...(sides.includes('wasm') ? [1] : [])])].sort((a, b) => a - b);
  const ms = new Map<string, Measure[]>();
  const push = (k: string, m: Measure) => ms.set(k, [...(ms.get(k) ?? []), m]);
  const stepsOf = new Map<string, () => void>();
  const stepOn = (backend: BackendName, name: ModelName) => {
    setBackend(backend);
    const key = `${backend}/${name}`;
    if (!stepsOf.has(key)) stepsOf.set(key, makeStep(name));
    return stepsOf.get(key)!;
  };

  for (let r = 0; r < rounds; r++) {
    for (const t of torchThreads) {
      if (typeof py !== 'string') {
        try {
          const m = runPythonJson<Record<ModelName, Measure>>(py.exe, 'torch_example_steps.py', [t, steps], { ...threadEnv(t), ...TORCH_MALLOC_ENV });
          for (const name of MODELS) push(`torch/${name}/${t}`, m[name]);
        } catch (e) {
          note(`example steps: PyTorch, ${t} threads failed: ${(e as Error).message}`);
        }
      }
      if (sides.includes('native') && o.threads.includes(t)) {
        for (const name of MODELS) {
          const step = stepOn('native', name);
          setNumThreads(t);
          push(`native/${name}/${t}`, measure(step, steps));
        }
      }
    }
    if (sides.includes('wasm')) for (const name of MODELS) push(`wasm/${name}/1`, measure(stepOn('wasm', name), steps));
  }
  setBackend(previous);
  if (sides.includes('native')) setNumThreads(prevThreads);

  const med = (k: string) => (ms.has(k) ? median(ms.get(k)!.map((m) => m.ms)) : null);
  const min = (k: string) => (ms.has(k) ? Math.min(...ms.get(k)!.map((m) => m.minMs)) : null);
  const rows: Row[] = [];
  for (const name of MODELS) {
    const sideThreads: [BackendName, number][] = [
      ...(sides.includes('native') ? o.threads.map((t): [BackendName, number] => ['native', t]) : []),
      ...(sides.includes('wasm') ? [['wasm', 1] as [BackendName, number]] : []),
    ];
    for (const [side, t] of sideThreads) {
      const ours = `${side}/${name}/${t}`;
      const torch = `torch/${name}/${t}`;
      rows.push({
        model: name, shape: SHAPES[name], side, threads: t,
        'ours ms': med(ours), 'PyTorch ms': med(torch), 'ours/PyTorch': ratio(med(ours), med(torch)),
        'ours min': min(ours), 'PyTorch min': min(torch), 'ratio of mins': ratio(min(ours), min(torch)),
      });
    }
  }
  return { rows, torch: typeof py === 'string' ? null : `${py.version} via ${py.exe}`, rounds, raw: Object.fromEntries(ms) };
}
