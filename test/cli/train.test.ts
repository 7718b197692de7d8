/** The training job: flags, a short run producing every output file, and an exact resume. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseTrainArgs, DEFAULTS, effectiveLr, type TrainConfig } from '../../src/cli/args.js';
import { train } from '../../src/cli/train.js';
import { load } from '../../src/io/index.js';
import { Inception1d } from '../../src/models/inception1d.js';
import { writeNpy } from '../../src/data/npy.js';
import type { Tensor } from '../../src/tensor.js';

const quiet = { log: () => {}, progressStream: { write: () => true, isTTY: false } };
const tmp = () => mkdtempSync(join(tmpdir(), 'nodetorch-cli-'));
const small = (out: string, extra: Partial<TrainConfig> = {}): TrainConfig => ({
  ...DEFAULTS, samples: 48, batchSize: 8, epochs: 2, out, ...extra,
});

describe('train flags', () => {
  it('parses every flag', () => {
    const { config } = parseTrainArgs([
      '--epochs', '3', '--batch-size=16', '--lr', '0.01', '--momentum', '0.5', '--val-split', '0.25', '--seed', '7',
      '--backend', 'ref', '--threads', '1', '--out', 'x', '--format', 'pth', '--samples', '100', '--workers', '2',
      '--label-column', 'last', '--label-base', '1', '--num-classes', '3',
    ]);
    expect(config).toMatchObject({
      epochs: 3, batchSize: 16, lr: 0.01, momentum: 0.5, valSplit: 0.25, seed: 7, backend: 'ref', threads: 1,
      out: 'x', format: 'pth', samples: 100, workers: 2, labelColumn: 'last', labelBase: 1, numClasses: 3,
    });
    expect(parseTrainArgs(['--label-column', '4']).config.labelColumn).toBe(4);
    expect(parseTrainArgs(['-h']).help).toBe(true);
  });

  it('defaults mirror the seed: SGD lr 0.003 momentum 0.9, batch 32', () => {
    const { config } = parseTrainArgs([]);
    expect(config).toMatchObject({ optimizer: 'sgd', lr: null, momentum: 0.9, batchSize: 32, data: null, numClasses: null, scheduler: 'none' });
    expect(effectiveLr(config)).toBe(0.003);
    expect(effectiveLr({ ...config, optimizer: 'adam' })).toBe(0.001);
  });

  it.each([
    [['--epochs', '0'], /--epochs: expected a positive integer, got '0'/],
    [['--lr', 'abc'], /--lr: expected a positive number, got 'abc'/],
    [['--momentum', '1'], /--momentum: expected a number in \[0, 1\)/],
    [['--val-split', '1.5'], /--val-split: expected a fraction/],
    [['--backend', 'gpu'], /--backend: expected native, wasm or ref, got 'gpu'/],
    [['--format', 'onnx'], /--format: expected safetensors, pth or both/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--data', 'x.npy'], /needs --labels/],
    [['--labels', 'y.npy'], /needs --data/],
    [['--epochs'], /--epochs: expected a value/],
  ])('rejects %j', (argv, re) => {
    expect(() => parseTrainArgs(argv as string[])).toThrow(re);
  });
});

describe('train job', () => {
  it('a short run writes the best model, the last checkpoint, metrics.jsonl and curves.svg', async () => {
    const out = tmp();
    const lines: string[] = [];
    let bar = '';
    const r = await train(small(out), { log: (l) => lines.push(l), progressStream: { write: (s: string) => (bar += s), isTTY: false } });
    for (const f of ['signal_classes.safetensors', 'signal_classes.pth', 'last.ckpt.safetensors', 'metrics.jsonl', 'curves.svg']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(bar).toMatch(/train epoch\[1\/2\] loss:\d\.\d{3}: 100%\|.*\| 5\/5/);
    expect(bar).toMatch(/train epoch\[2\/2\] loss:\d\.\d{3}/);
    expect(lines.some((l) => /^val {3}epoch\[2\/2\] loss:\d\.\d{3} acc:\d\.\d{4}/.test(l))).toBe(true);
    const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics.map((m) => m.epoch)).toEqual([1, 2]);
    expect(metrics[1].valAcc).toBeGreaterThanOrEqual(0);
    expect(metrics[1].valAcc).toBeLessThanOrEqual(1);
    expect(r.history).toHaveLength(2);
    expect(readFileSync(join(out, 'curves.svg'), 'utf8')).toMatch(/^<\?xml|^<svg/);
    // the best model is a state dict of the reference model in both formats, identical
    const model = new Inception1d();
    const st = load(join(out, 'signal_classes.safetensors')) as Record<string, Tensor>;
    const pth = load(join(out, 'signal_classes.pth')) as Record<string, Tensor>;
    model.loadStateDict(st);
    expect(Object.keys(pth).sort()).toEqual(Object.keys(st).sort()); // safetensors stores keys sorted
    expect(Array.from(pth['head.3.weight'].data)).toEqual(Array.from(st['head.3.weight'].data));
  });

  it('resume continues exactly: 1 epoch + resume to 2 equals 2 straight', async () => {
    const a = tmp();
    const b = tmp();
    await train(small(a), quiet);
    await train(small(b, { epochs: 1 }), quiet);
    await train({ ...small(b), resume: join(b, 'last.ckpt.safetensors') }, quiet);
    const sa = load(join(a, 'last.ckpt.safetensors')) as { model: Record<string, Tensor> };
    const sb = load(join(b, 'last.ckpt.safetensors')) as { model: Record<string, Tensor> };
    for (const k of Object.keys(sa.model)) {
      expect(Array.from(sb.model[k].data), k).toEqual(Array.from(sa.model[k].data));
    }
    const ma = readFileSync(join(a, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const mb = readFileSync(join(b, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(mb.map((m) => [m.trainLoss, m.valLoss, m.valAcc])).toEqual(ma.map((m) => [m.trainLoss, m.valLoss, m.valAcc]));
  });

  it('trains on the user\'s .npy files (1-based labels, as in the seed)', async () => {
    const dir = tmp();
    const n = 24;
    const x = new Float32Array(n * 200);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = (i % 2) + 1;
      for (let t = 0; t < 200; t++) x[i * 200 + t] = Math.sin(t * (y[i] === 1 ? 0.05 : 0.4));
    }
    writeNpy(join(dir, 'x.npy'), { data: x, shape: [n, 200] });
    writeNpy(join(dir, 'y.npy'), { data: y, shape: [n] });
    const r = await train(small(join(dir, 'out'), { data: join(dir, 'x.npy'), labels: join(dir, 'y.npy'), labelBase: 1, epochs: 1, format: 'pth' }), quiet);
    expect(r.history[0].valAcc).toBeGreaterThanOrEqual(0);
    expect(existsSync(join(dir, 'out', 'signal_classes.pth'))).toBe(true);
    expect(existsSync(join(dir, 'out', 'signal_classes.safetensors'))).toBe(false);
  });

  it('a bad data file is an error naming the file', async () => {
    const dir = tmp();
    const csv = join(dir, 'bad.csv');
    (await import('node:fs')).writeFileSync(csv, '0,1,2,3\n1,2,x,4\n');
    await expect(train(small(join(dir, 'out'), { data: csv }), quiet)).rejects.toThrow(/bad\.csv/);
  });
});

describe('nodetorch command', () => {
  const run = (entry: string[]) => (args: string[]) => spawnSync(process.execPath, [...entry, ...args], { encoding: 'utf8' });
  // The sources through tsx, and the npm run train launcher (compiled dist/ when it is up to date).
  const commands: [string, (args: string[]) => ReturnType<typeof spawnSync>][] = [
    ['src/cli/main.ts', run(['--import', 'tsx', 'src/cli/main.ts'])],
    ['scripts/cli.mjs', run(['scripts/cli.mjs'])],
  ];
  it.each(commands)('%s: --help prints the flags and exits 0; a bad flag exits 2 with the reason', (_, cli) => {
    const h = cli(['train', '--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('--resume <file>');
    const bad = cli(['train', '--epochs', 'x']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--epochs: expected a positive integer, got 'x'");
  });
});
