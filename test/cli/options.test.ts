/** The training CLI's options beyond the seed's loop, --resume rules, class inference, predict / evaluate. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseTrainArgs, DEFAULTS, type TrainConfig } from '../../src/cli/args.js';
import { train } from '../../src/cli/train.js';
import { planLabels, splitIndices, balancedClassWeights, applyNormalize } from '../../src/cli/data.js';
import { classificationReport } from '../../src/cli/metrics.js';
import { parseInferArgs, predict, evaluate } from '../../src/cli/infer.js';
import { loadModelFile } from '../../src/cli/model-file.js';
import { writeNpy } from '../../src/data/npy.js';
import { Generator } from '../../src/util/generator.js';
import { Tensor } from '../../src/tensor.js';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { softmax } from '../../src/ops/softmax.js';
import { readEvents } from '../tensorboard/tfevents-reader.js';

const quiet = { log: () => {}, progressStream: { write: () => true, isTTY: false } };
const tmp = () => mkdtempSync(join(tmpdir(), 'nodetorch-cli-opt-'));
const cfg = (extra: Partial<TrainConfig>): TrainConfig => ({ ...DEFAULTS, batchSize: 8, epochs: 2, model: 'cnn1d', ...extra });

/** n signals of length L in k classes (class c: a sine of frequency c + 1), labels + base. */
function writeSignals(dir: string, n: number, k: number, base: number, L = 64): { x: string; y: string; labels: Int32Array } {
  const x = new Float32Array(n * L);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    y[i] = c + base;
    for (let t = 0; t < L; t++) x[i * L + t] = 3 + 2 * Math.sin((t * (c + 1) * 2 * Math.PI) / L) + 0.1 * Math.cos(i * t);
  }
  writeNpy(join(dir, 'x.npy'), { data: x, shape: [n, L] });
  writeNpy(join(dir, 'y.npy'), { data: y, shape: [n] });
  return { x: join(dir, 'x.npy'), y: join(dir, 'y.npy'), labels: y };
}

const metricsOf = (out: string) => readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('flags', () => {
  it('an unknown flag suggests the nearest one', () => {
    expect(() => parseTrainArgs(['--epoch', '3'])).toThrow("unknown option '--epoch' (did you mean --epochs?)");
    expect(() => parseTrainArgs(['--batchsize', '3'])).toThrow('did you mean --batch-size?');
    expect(() => parseTrainArgs(['--learning-rate', '3'])).toThrow(/^unknown option '--learning-rate' \(see --help\)$/);
    expect(() => parseTrainArgs(['--optimizer', 'adagrad'])).toThrow("--optimizer: expected sgd, adam or adamw, got 'adagrad'");
    expect(() => parseTrainArgs(['--optimizer', 'adam', '--momentum', '0.5'])).toThrow('--momentum: applies to --optimizer sgd, not adam');
    expect(() => parseTrainArgs(['--lr-step-size', '3'])).toThrow('--lr-step-size: applies to --scheduler step');
    expect(() => parseTrainArgs(['--stratify=yes'])).toThrow("--stratify: takes no value, got 'yes'");
    const { config } = parseTrainArgs(['--optimizer', 'adamw', '--weight-decay', '0.1', '--scheduler', 'step', '--lr-step-size', '2', '--lr-gamma', '0.5',
      '--patience', '3', '--class-weights', 'auto', '--stratify', '--normalize', 'per-sample', '--model', 'cnn1d', '--tensorboard', 'tb']);
    expect(config).toMatchObject({ optimizer: 'adamw', weightDecay: 0.1, scheduler: 'step', lrStepSize: 2, lrGamma: 0.5, patience: 3,
      classWeights: 'auto', stratify: true, normalize: 'per-sample', model: 'cnn1d', tensorboard: 'tb' });
  });

  it('the command line suggests commands and flags too', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'trian'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'trian' (did you mean train?)");
  });
});

describe('labels', () => {
  it('infers the class count and detects 1-based labels', () => {
    expect(planLabels([0, 1, 2, 1], null, null, 'f')).toMatchObject({ labelBase: 0, numClasses: 3 });
    const one = planLabels([1, 2, 3, 3], null, null, 'f');
    expect(one).toMatchObject({ labelBase: 1, numClasses: 3 });
    expect(one.notes[0]).toMatch(/1-based/);
    expect(planLabels([1, 3], null, null, 'f')).toMatchObject({ labelBase: 0, numClasses: 4 }); // 2 is missing: not 1..K
    expect(planLabels([1, 2, 3], 0, null, 'f')).toMatchObject({ labelBase: 0, numClasses: 4 }); // --label-base overrides
    expect(planLabels([0, 1], null, 5, 'f')).toMatchObject({ numClasses: 5 });
    expect(() => planLabels([0, 1, 4], null, 3, 'f.npy')).toThrow('--num-classes: 3 classes given, but f.npy has label 4, which needs 5 with --label-base 0');
    expect(() => planLabels([0, 0], null, null, 'f')).toThrow(/single class/);
    expect(() => planLabels([0, 1], 1, null, 'f')).toThrow(/below the label base 1/);
  });

  it('stratified split keeps every class share; class weights are N / (K * count)', () => {
    const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : i < 95 ? 1 : 2));
    const s = splitIndices(labels, 3, 0.2, true, new Generator(0))!;
    const count = (idx: number[], c: number) => idx.filter((i) => labels[i] === c).length;
    expect([count(s.val, 0), count(s.val, 1), count(s.val, 2)]).toEqual([16, 3, 1]);
    expect(s.train.length + s.val.length).toBe(100);
    expect(new Set([...s.train, ...s.val]).size).toBe(100);
    expect(splitIndices(labels, 3, 0.2, false, new Generator(0))).toBeNull();
    expect(Array.from(balancedClassWeights(labels, 3))).toEqual([100 / 240, 100 / 45, 100 / 15].map(Math.fround));
  });

  it('classification report: precision, recall, F1 and accuracy from a confusion matrix', () => {
    const r = classificationReport([[5, 1], [2, 2]]);
    expect(r.accuracy).toBe(0.7);
    expect(r.perClass[0]).toMatchObject({ precision: 5 / 7, recall: 5 / 6, support: 6 });
    expect(r.perClass[1].f1).toBeCloseTo((2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3), 12);
    expect(classificationReport([[0, 0], [3, 0]]).perClass[0]).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });
});

describe('train with options', () => {
  it('infers 3 classes from 1-based .npy labels, logs it, writes F1 and confusion matrices, and TensorBoard logs', async () => {
    const dir = tmp();
    const { x, y } = writeSignals(dir, 30, 3, 1);
    const lines: string[] = [];
    const out = join(dir, 'out');
    const r = await train(cfg({ data: x, labels: y, out, tensorboard: join(dir, 'tb'), valSplit: 0.3 }), { ...quiet, log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/labels are 1\.\.3 with no 0: read as 1-based/);
    expect(lines.join('\n')).toMatch(/3 classes inferred/);
    const m = metricsOf(out);
    expect(m).toHaveLength(2);
    for (const e of m) {
      expect(e.f1).toHaveLength(3);
      expect(e.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(9);
      expect(e.lr).toBe(0.003);
    }
    expect(m.filter((e) => e.best).map((e) => e.epoch)).toEqual([r.bestEpoch]);
    const files = readdirSync(join(dir, 'tb')).filter((f) => f.startsWith('events.out.tfevents'));
    const ev = readEvents(join(dir, 'tb', files[0])).filter((e) => e.summary);
    const tags = (t: string) => ev.filter((e) => e.summary.value[0].tag === t).map((e) => [e.step, e.summary.value[0].simpleValue]);
    expect(tags('Loss/val')).toEqual(m.map((e) => [e.epoch, Math.fround(e.valLoss)]));
    expect(tags('Accuracy/val')).toEqual(m.map((e) => [e.epoch, Math.fround(e.valAcc)]));
    expect(tags('LearningRate').map((t) => t[1])).toEqual([Math.fround(0.003), Math.fround(0.003)]);
    expect(tags('Loss/train_step')).toHaveLength(2 * Math.ceil(21 / 8));
    const info = JSON.parse(readFileSync(join(out, 'signal_classes.json'), 'utf8'));
    expect(info).toMatchObject({ model: 'cnn1d', numClasses: 3, labelBase: 1, normalize: { mode: 'none' } });
  });

  it('adam with a step schedule decays the learning rate; --patience stops early', async () => {
    const dir = tmp();
    const { x, y } = writeSignals(dir, 24, 2, 0);
    const out = join(dir, 'a');
    await train(cfg({ data: x, labels: y, out, optimizer: 'adam', scheduler: 'step', lrStepSize: 1, lrGamma: 0.5, epochs: 3 }), quiet);
    expect(metricsOf(out).map((e) => e.lr)).toEqual([0.001, 0.0005, 0.00025]);
    const r = await train(cfg({ data: x, labels: y, out: join(dir, 'b'), lr: 1e-12, epochs: 6, patience: 2 }), quiet);
    expect(r.stoppedEarly).toBe(true);
    expect(r.history.length).toBe(r.bestEpoch + 2);
  });

  it('--resume applies --lr and --epochs, refuses a changed --batch-size naming it, and accepts an unchanged one', async () => {
    const dir = tmp();
    const { x, y } = writeSignals(dir, 24, 2, 0);
    const out = join(dir, 'r');
    await train(cfg({ data: x, labels: y, out, epochs: 1 }), quiet);
    const ckpt = join(out, 'last.ckpt.safetensors');
    const argv = (extra: string[]) => parseTrainArgs(['--resume', ckpt, ...extra]);
    const bad = argv(['--batch-size', '4', '--epochs', '2']);
    await expect(train(bad.config, quiet, bad.given)).rejects.toThrow('--batch-size: the checkpoint was trained with --batch-size 8, got 4');
    const badModel = argv(['--model', 'inception1d', '--epochs', '2']);
    await expect(train(badModel.config, quiet, badModel.given)).rejects.toThrow(/^--model: the checkpoint was trained with --model cnn1d/);
    const ok = argv(['--batch-size', '8', '--epochs', '2', '--lr', '0.5']);
    const r = await train(ok.config, quiet, ok.given);
    expect(r.history.map((e) => e.lr)).toEqual([0.003, 0.5]);
    const sched = join(dir, 's');
    await train(cfg({ data: x, labels: y, out: sched, epochs: 1, scheduler: 'cosine' }), quiet);
    const withSched = parseTrainArgs(['--resume', join(sched, 'last.ckpt.safetensors'), '--epochs', '2', '--lr', '0.1']);
    await expect(train(withSched.config, quiet, withSched.given)).rejects.toThrow(/--lr: cannot change on --resume of a run with --scheduler cosine/);
  });

  it('--normalize global is saved with the model and predict applies it; evaluate reports what predict predicts', async () => {
    const dir = tmp();
    const { x, y, labels } = writeSignals(dir, 30, 3, 1);
    const out = join(dir, 'n');
    await train(cfg({ data: x, labels: y, out, normalize: 'global', classWeights: 'auto', stratify: true, epochs: 3 }), quiet);
    const info = JSON.parse(readFileSync(join(out, 'signal_classes.json'), 'utf8'));
    expect(info.normalize.mode).toBe('global');
    expect(info.normalize.mean).toBeGreaterThan(2.5); // the signals sit around 3
    expect(info.normalize.std).toBeGreaterThan(1);
    const csv = predict({ ...parseInferArgs('predict', ['--model', join(out, 'signal_classes.safetensors'), '--data', x]).config }, () => {});
    const rows = csv.trim().split('\n');
    expect(rows[0]).toBe('index,predicted,prob_1,prob_2,prob_3');
    expect(rows).toHaveLength(31);
    // the same probabilities by hand: the model on (x - mean) / std
    const { model } = loadModelFile(join(out, 'signal_classes.safetensors'), 'test');
    const { signals } = { signals: (await import('../../src/data/npy.js')).npyToTensor((await import('../../src/data/npy.js')).readNpy(x)) };
    const xs = signals.reshape([30, 1, 64]);
    const p = noGrad(() => softmax(model.forward(applyNormalize(info.normalize, xs)), 1));
    for (let i = 0; i < 30; i++) {
      const cells = rows[i + 1].split(',').map(Number);
      expect(cells[0]).toBe(i);
      for (let j = 0; j < 3; j++) expect(cells[2 + j]).toBeCloseTo(p.data[i * 3 + j], 5);
      const best = [0, 1, 2].reduce((a, b) => (p.data[i * 3 + b] > p.data[i * 3 + a] ? b : a), 0);
      expect(cells[1]).toBe(best + 1); // reported in the file's 1-based labelling
    }
    const predicted = rows.slice(1).map((r) => Number(r.split(',')[1]));
    const correct = predicted.filter((v, i) => v === labels[i]).length;
    const jsonOut = join(dir, 'report.json');
    const rep = evaluate(parseInferArgs('evaluate', ['--model', join(out, 'signal_classes.pth'), '--data', x, '--labels', y, '--out', jsonOut]).config, () => {});
    expect(rep.accuracy).toBe(correct / 30);
    expect(rep.text).toMatch(/^accuracy \d\.\d{4} \(30 samples\)/);
    expect(rep.text).toContain('confusion matrix');
    const saved = JSON.parse(readFileSync(jsonOut, 'utf8'));
    expect(saved.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(30);
    expect(saved.classes).toEqual(['1', '2', '3']);
    expect(() => evaluate(parseInferArgs('evaluate', ['--model', join(out, 'signal_classes.pth'), '--data', x, '--labels', y, '--label-base', '0']).config, () => {}))
      .toThrow(/evaluate: .*label 3 of sample 2 is outside the model's 3 classes/);
  });

  it('predict reads unlabelled CSV rows and a bare .pth state dict (architecture from its keys)', async () => {
    const dir = tmp();
    const { x, y } = writeSignals(dir, 16, 2, 0);
    const out = join(dir, 'p');
    await train(cfg({ data: x, labels: y, out, epochs: 1, format: 'pth' }), quiet);
    const { rmSync, writeFileSync } = await import('node:fs');
    rmSync(join(out, 'signal_classes.json'));
    const rowsCsv = join(dir, 'rows.csv');
    writeFileSync(rowsCsv, Array.from({ length: 3 }, (_, i) => Array.from({ length: 64 }, (_, t) => Math.sin(t * (i + 1))).join(',')).join('\n'));
    const notes: string[] = [];
    const csv = predict(parseInferArgs('predict', ['--model', join(out, 'signal_classes.pth'), '--data', rowsCsv]).config, (l) => notes.push(l));
    expect(csv.trim().split('\n')).toHaveLength(4);
    expect(notes.join('\n')).toMatch(/carries no nodetorch description: cnn1d, 2 classes/);
    expect(() => parseInferArgs('evaluate', ['--model', 'm.pth', '--data', 'x.npy'])).toThrow('--data: evaluating a .npy signals file needs --labels');
    expect(() => parseInferArgs('predict', ['--data', 'x.npy'])).toThrow(/^--model: expected a model file/);
    expect(() => predict(parseInferArgs('predict', ['--model', join(dir, 'nope.pth'), '--data', rowsCsv]).config)).toThrow(/--model: .*nope\.pth does not exist/);
    expect(existsSync(join(out, 'signal_classes.pth'))).toBe(true);
  });
});

describe('Tensor sanity for the CLI helpers', () => {
  it('per-sample normalisation gives each sample mean 0 and std 1', () => {
    const x = new Tensor(Float32Array.from([1, 2, 3, 4, 10, 10, 10, 14]), [2, 1, 4], 'float32');
    const n = applyNormalize({ mode: 'per-sample' }, x).data;
    for (const s of [0, 1]) {
      const v = Array.from(n.slice(s * 4, s * 4 + 4));
      const m = v.reduce((a, b) => a + b) / 4;
      expect(m).toBeCloseTo(0, 6);
      expect(v.reduce((a, b) => a + (b - m) ** 2, 0) / 4).toBeCloseTo(1, 5);
    }
  });
});
