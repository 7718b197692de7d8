/**
 * Data-parallel `nodetorch train`: 2 ranks of batch B against 1 rank of batch 2B (the same
 * DistributedSampler order: one replica's permutation is the order both runs split), 1 short epoch on
 * tiny synthetic data, then --resume for a second epoch. Only rank 0 writes; the metrics are the ranks'
 * own figures combined; the weights agree within 1e-5. The cnn1d model has batch norm (SyncBatchNorm
 * on the ranks) and no dropout (whose masks would differ between the runs).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensors } from '../../src/io/index.js';
import { ENGINES, launch, type Run } from './helpers.js';

const B = 4;
// 40 samples, 20% validation: 32 train, 8 batches of 4 at one rank's batch 8, 4 per rank at 2 ranks.
const common = ['--model', 'cnn1d', '--samples', '40', '--val-split', '0.2', '--format', 'safetensors'];

function train(engine: string, ranks: number, out: string, extra: string[]): Promise<Run> {
  return launch(['--backend', engine, '--nproc-per-node', String(ranks)], 'src/cli/main.ts',
    ['train', ...common, '--batch-size', String(B * (3 - ranks)), '--out', out, ...extra], { hardLimitMs: 100_000 });
}

/** The per-rank lines `rank R epoch E: {...}` for epoch `epoch`. */
function rankLines(stdout: string, epoch: number): Array<{ trainLoss: number; valLossSum: number; valSeen: number; valCorrect: number }> {
  return [...stdout.matchAll(new RegExp(`^\\[rank\\d+\\]: rank (\\d+) epoch ${epoch}: (.*)$`, 'gm'))]
    .sort((a, b) => Number(a[1]) - Number(b[1])).map((m) => JSON.parse(m[2]));
}

/** Largest difference between the float tensors of one file in two output directories (same keys). */
function maxDiff(dirA: string, dirB: string, file = 'signal_classes.safetensors'): number {
  const a = loadSafetensors(join(dirA, file));
  const b = loadSafetensors(join(dirB, file));
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  let d = 0;
  let n = 0;
  for (const [k, t] of Object.entries(a)) {
    if (t.dtype !== 'float32') continue;
    n += t.numel();
    const u = b[k].data as Float32Array;
    (t.data as Float32Array).forEach((v, i) => (d = Math.max(d, Math.abs(v - u[i]))));
  }
  expect(n).toBeGreaterThan(9000); // the model's 9,282 parameters at least
  return d;
}

describe.each(ENGINES)('data-parallel nodetorch train ($engine)', ({ engine, skip }) => {
  it.skipIf(skip)('2 ranks of batch B = 1 rank of batch 2B; rank 0 alone writes; metrics combine the ranks; --resume continues', async () => {
    const two = mkdtempSync(join(tmpdir(), 'nt-dp2-'));
    const one = mkdtempSync(join(tmpdir(), 'nt-dp1-'));
    const [r2, r1] = [await train(engine, 2, two, ['--epochs', '1']), await train(engine, 1, one, ['--epochs', '1'])];
    expect(r2.code, r2.stderr).toBe(0);
    expect(r1.code, r1.stderr).toBe(0);
    // One set of files, written by rank 0 only (rank 1 prints nothing but its own figures).
    expect(readdirSync(two).sort()).toEqual(['curves.svg', 'last.ckpt.safetensors', 'metrics.jsonl', 'signal_classes.json', 'signal_classes.safetensors']);
    expect(r2.stdout).not.toMatch(/^\[rank1\]: (?!rank 1 epoch)/m);
    expect(r2.stdout).toMatch(/^\[rank0\]: nodetorch train: 2 ranks, data-parallel/m);
    // The metrics: the mean of the ranks' train losses, the validation sums.
    const ranks = rankLines(r2.stdout, 1);
    expect(ranks.length).toBe(2);
    const m = JSON.parse(readFileSync(join(two, 'metrics.jsonl'), 'utf8').trim());
    expect(m.trainLoss).toBeCloseTo((ranks[0].trainLoss + ranks[1].trainLoss) / 2, 6);
    const seen = ranks[0].valSeen + ranks[1].valSeen;
    expect(seen).toBe(8);
    expect(m.valLoss).toBeCloseTo((ranks[0].valLossSum + ranks[1].valLossSum) / seen, 5);
    expect(m.valAcc).toBeCloseTo((ranks[0].valCorrect + ranks[1].valCorrect) / seen, 6);
    expect(m.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(8);
    // The weights: the same as one process with twice the batch.
    const d1 = maxDiff(two, one);
    expect(d1).toBeLessThanOrEqual(1e-5);
    // A second epoch from the checkpoint, on both.
    const [s2, s1] = [
      await train(engine, 2, two, ['--epochs', '2', '--resume', join(two, 'last.ckpt.safetensors')]),
      await train(engine, 1, one, ['--epochs', '2', '--resume', join(one, 'last.ckpt.safetensors')]),
    ];
    expect(s2.code, s2.stderr).toBe(0);
    expect(s1.code, s1.stderr).toBe(0);
    expect(s2.stdout).toMatch(/resuming from .* after epoch 1/);
    expect(rankLines(s2.stdout, 2).length).toBe(2);
    expect(readFileSync(join(two, 'metrics.jsonl'), 'utf8').trim().split('\n').length).toBe(2);
    // The checkpoints after epoch 2: weights, batch-norm statistics and momentum buffers.
    expect(maxDiff(two, one, 'last.ckpt.safetensors')).toBeLessThanOrEqual(1e-5);
  }, 240_000);
});
