import { describe, expect, it } from 'vitest';
import { SyntheticDigits } from '../../src/data/synthetic-digits.js';
import { DataLoader } from '../../src/data/dataloader.js';
import { buildDataset } from '../../src/data/spec.js';
import type { Tensor } from '../../src/tensor.js';

const pixels = (x: Tensor) => x.data as Float32Array;

/** The ink-weighted centre (row, column) of an image, counting pixels above the background. */
function centroid(img: Float32Array): [number, number] {
  let w = 0, r = 0, c = 0;
  for (let i = 0; i < img.length; i++) {
    const v = img[i] > 0.5 ? img[i] : 0;
    w += v;
    r += v * Math.floor(i / 28);
    c += v * (i % 28);
  }
  return [r / w, c / w];
}

describe('SyntheticDigits', () => {
  it('samples are (1, 28, 28) float32 with a digit 0-9; a DataLoader batches them to (B, 1, 28, 28) and (B,) int64', () => {
    const ds = new SyntheticDigits({ numSamples: 12, seed: 0 });
    expect(ds.length).toBe(12);
    const [x, y] = ds.getItem(3);
    expect(x.shape).toEqual([1, 28, 28]);
    expect(x.dtype).toBe('float32');
    expect(Number.isInteger(y) && y >= 0 && y <= 9).toBe(true);
    expect(pixels(x).every(Number.isFinite)).toBe(true);
    const [[bx, by]] = [...new DataLoader(ds, { batchSize: 4 })];
    expect(bx.shape).toEqual([4, 1, 28, 28]);
    expect(by.shape).toEqual([4]);
    expect(by.dtype).toBe('int64');
  });

  it('is deterministic per (seed, index), independent of numSamples; seeds differ; label() agrees with getItem', () => {
    const a = new SyntheticDigits({ numSamples: 30, seed: 5 });
    const b = new SyntheticDigits({ numSamples: 1000, seed: 5 });
    const c = new SyntheticDigits({ numSamples: 30, seed: 6 });
    for (const i of [0, 7, 29]) {
      expect(pixels(a.getItem(i)[0])).toEqual(pixels(b.getItem(i)[0]));
      expect(a.getItem(i)[1]).toBe(a.label(i));
      expect(pixels(a.getItem(i)[0])).not.toEqual(pixels(c.getItem(i)[0]));
    }
  });

  it('is pinned: the generator does not drift', () => {
    const ds = new SyntheticDigits({ numSamples: 10, seed: 0 });
    expect(Array.from({ length: 10 }, (_, i) => ds.label(i))).toEqual([5, 2, 7, 8, 3, 9, 0, 1, 4, 6]);
    const sum = pixels(ds.getItem(0)[0]).reduce((s, v) => s + v, 0);
    expect(sum).toBeCloseTo(PINNED_SUM_0, 3);
  });

  it('labels are exactly balanced: every block of ten holds each digit once', () => {
    const ds = new SyntheticDigits({ numSamples: 200, seed: 3 });
    for (let block = 0; block < 20; block++) {
      const digits = Array.from({ length: 10 }, (_, k) => ds.label(block * 10 + k)).sort((p, q) => p - q);
      expect(digits).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
  });

  it('the glyph moves: the same digit is drawn at centres several pixels apart (no fixed pixel tells digits apart)', () => {
    const ds = new SyntheticDigits({ numSamples: 300, seed: 1 });
    const rows: number[] = [];
    const cols: number[] = [];
    for (let i = 0; i < ds.length; i++) {
      if (ds.label(i) !== 8) continue;
      const [r, c] = centroid(pixels(ds.getItem(i)[0]));
      rows.push(r);
      cols.push(c);
    }
    expect(Math.max(...rows) - Math.min(...rows)).toBeGreaterThan(4);
    expect(Math.max(...cols) - Math.min(...cols)).toBeGreaterThan(4);
  });

  it('noiseScale 0 leaves clean ink and background; a larger noiseScale adds noise', () => {
    const clean = pixels(new SyntheticDigits({ numSamples: 1, noiseScale: 0 }).getItem(0)[0]);
    const noisy = pixels(new SyntheticDigits({ numSamples: 1, noiseScale: 3 }).getItem(0)[0]);
    expect(Math.min(...clean)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...clean)).toBeLessThanOrEqual(1.2);
    expect(noisy.some((v, i) => Math.abs(v - clean[i]) > 0.1)).toBe(true);
  });

  it('workerSpec rebuilds the same samples', async () => {
    const ds = new SyntheticDigits({ numSamples: 20, seed: 9, noiseScale: 0.5 });
    const rebuilt = (await buildDataset(ds.workerSpec())) as SyntheticDigits;
    expect(rebuilt.length).toBe(20);
    expect(pixels(rebuilt.getItem(13)[0])).toEqual(pixels(ds.getItem(13)[0]));
  });

  it('bad options and indices throw clear errors', () => {
    expect(() => new SyntheticDigits(null as never)).toThrow(/^SyntheticDigits: expected an options object/);
    expect(() => new SyntheticDigits({ numSamples: -1 })).toThrow(RangeError);
    expect(() => new SyntheticDigits({ numSamples: 1.5 })).toThrow(/^SyntheticDigits: numSamples must be a non-negative integer, got 1.5/);
    expect(() => new SyntheticDigits({ numSamples: 1, seed: -2 })).toThrow(/^SyntheticDigits: seed must be/);
    expect(() => new SyntheticDigits({ numSamples: 1, noiseScale: Number.NaN })).toThrow(/^SyntheticDigits: noiseScale must be finite/);
    const ds = new SyntheticDigits({ numSamples: 3 });
    expect(() => ds.getItem(3)).toThrow(RangeError);
    expect(() => ds.getItem(0.5)).toThrow(TypeError);
    expect(ds.getItem(-1)[1]).toBe(ds.label(2));
  });
});

/** Sum of the pixels of sample 0, seed 0 (computed once; a change to the generator moves it). */
const PINNED_SUM_0 = 166.702267;
