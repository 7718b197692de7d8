/**
 * The .pth round trip of the three example models (examples/models.ts): PyTorch 1.13's state dicts
 * (test/fixtures/gen_examples.py) load into the nodetorch models and give PyTorch's logits on every
 * backend; models trained a few steps in nodetorch and saved with savePth load back in PyTorch with
 * strict=True and give nodetorch's logits (`gen_examples.py --check`, only where /usr/bin/python3 has torch).
 */
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nn, optim, randn, randint, noGrad, manualSeed, type Tensor } from '../../src/index.js';
import { loadPth, savePth } from '../../src/io/pth.js';
import { DigitCnn, LstmClassifier, CharTransformer } from '../../examples/models.js';
import { expectClose } from '../helpers/allclose.js';
import { tempDir } from '../io/util.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/examples/', import.meta.url));
const GENERATOR = fileURLToPath(new URL('../fixtures/gen_examples.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

type Io = { input: Tensor; logits: Tensor; lengths?: Tensor };
type Name = 'cnn' | 'lstm' | 'transformer';

/** The nodetorch model at the fixture sizes of gen_examples.py (CNN, LSTM, TRANSFORMER there). */
function build(name: Name): nn.AnyModule {
  if (name === 'cnn') return new DigitCnn({ channels1: 4, channels2: 6 });
  if (name === 'lstm') return new LstmClassifier({ vocab: 12, embeddingDim: 8, hiddenSize: 10, numClasses: 3 });
  return new CharTransformer({ vocab: 20, dModel: 16, nhead: 2, numLayers: 2, dimFeedforward: 24, maxLen: 12 });
}

/** The model's logits for the fixture input. */
function run(model: nn.AnyModule, io: Io): Tensor {
  const m = model as unknown as { forward(x: Tensor, lengths?: number[]): Tensor };
  return io.lengths ? m.forward(io.input, Array.from(io.lengths.data as ArrayLike<number | bigint>, Number)) : m.forward(io.input);
}

/** Three SGD steps in train mode on random targets (random images for the CNN, the fixture input otherwise). */
function trainFewSteps(name: Name, model: nn.AnyModule, io: Io): void {
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const lossFn = new nn.CrossEntropyLoss();
  model.train();
  for (let step = 0; step < 3; step++) {
    const x = name === 'cnn' ? { ...io, input: randn([4, 1, 28, 28]) } : io;
    const logits = run(model, x);
    const classes = logits.shape[logits.ndim - 1];
    const flat = logits.reshape([-1, classes]);
    optimizer.zeroGrad();
    lossFn.forward(flat, randint(0, classes, [flat.shape[0]])).backward();
    optimizer.step();
  }
  model.eval();
}

const NAMES: Name[] = ['cnn', 'lstm', 'transformer'];
const fixture = (name: Name): { state: nn.StateDict; io: Io } => ({
  state: loadPth(join(FIXTURES, `${name}.pth`)), io: loadPth(join(FIXTURES, `${name}_io.pth`)),
});

describe('the example models load PyTorch 1.13 state dicts and give its logits', () => {
  for (const name of NAMES) {
    it(`${name}: strict load, eval logits within rtol 1e-4`, () => {
      const { state, io } = fixture(name);
      const model = build(name);
      const result = model.loadStateDict(state);
      expect(result.missingKeys).toEqual([]);
      expect(result.unexpectedKeys).toEqual([]);
      model.eval();
      const got = noGrad(() => run(model, io));
      expect(got.shape).toEqual(io.logits.shape);
      expectClose(got.data as Float32Array, io.logits.data as Float32Array, 1e-4, 1e-5, `${name} logits`);
    });
  }
});

function torchAvailable(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status === 0) return null;
  return `${PYTHON} with torch is not available (${r.error ? r.error.message : (r.stderr || '').trim().split('\n').pop()})`;
}
const skipReason = torchAvailable();
if (skipReason) console.warn(`[skip] test/examples/models-pth.test.ts PyTorch check: ${skipReason}`);

describe.skipIf(skipReason !== null)('example models trained in nodetorch load back in PyTorch', () => {
  const tmp = tempDir('nodetorch-examples-');
  afterAll(() => tmp.cleanup());
  const check = (dir: string) => spawnSync(PYTHON, [GENERATOR, '--check', dir], { encoding: 'utf8', timeout: 120_000 });

  beforeAll(() => {
    manualSeed(7);
    for (const name of NAMES) {
      const { state, io } = fixture(name);
      const model = build(name);
      model.loadStateDict(state);
      trainFewSteps(name, model, io);
      const logits = noGrad(() => run(model, io));
      savePth(model.stateDict(), join(tmp.dir, `${name}.pth`));
      savePth({ ...io, logits }, join(tmp.dir, `${name}_io.pth`));
    }
  });

  it('gen_examples.py --check: strict load_state_dict, PyTorch logits equal ours (rtol 1e-4)', () => {
    const r = check(tmp.dir);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^cnn: ok[^]*^lstm: ok[^]*^transformer: ok/m);
  });

  it('the check fails when the logits differ (trained weights, the fixture\'s PyTorch logits)', () => {
    const other = tempDir('nodetorch-examples-swapped-');
    for (const name of NAMES) {
      cpSync(join(tmp.dir, `${name}.pth`), join(other.dir, `${name}.pth`));
      const trained: Io = loadPth(join(tmp.dir, `${name}_io.pth`));
      const reference: Io = loadPth(join(FIXTURES, `${name}_io.pth`));
      // the training changed the logits by more than the tolerance, so the PyTorch logits cannot pass
      expect(Math.max(...trained.logits.sub(reference.logits).abs().data as Float32Array)).toBeGreaterThan(1e-2);
      savePth({ ...trained, logits: reference.logits }, join(other.dir, `${name}_io.pth`));
    }
    const r = check(other.dir);
    other.cleanup();
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^cnn: MISMATCH[^]*^lstm: MISMATCH[^]*^transformer: MISMATCH/m);
  });
});
