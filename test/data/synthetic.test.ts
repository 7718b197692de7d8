import { describe, expect, it } from 'vitest';
import { SyntheticSignals } from '../../src/data/synthetic.js';
import { DataLoader } from '../../src/data/dataloader.js';
import { Subset } from '../../src/data/dataset.js';
import type { Tensor } from '../../src/tensor.js';
import { expectClose } from '../helpers/allclose.js';

/** Best accuracy of a single threshold on `stat` (either direction), over every cut point. */
function bestThresholdAccuracy(stat: number[], labels: number[]): number {
  const order = stat.map((v, i) => [v, labels[i]] as const).sort((a, b) => a[0] - b[0]);
  const n = order.length;
  const ones = labels.filter((y) => y === 1).length;
  let onesBelow = 0;
  let best = Math.max(ones, n - ones) / n;
  for (let k = 0; k < n; k++) { // predict 0 for the first k+1, 1 for the rest (and the reverse)
    if (order[k][1] === 1) onesBelow++;
    const zerosBelow = k + 1 - onesBelow;
    const acc = (zerosBelow + (ones - onesBelow)) / n;
    best = Math.max(best, acc, 1 - acc);
  }
  return best;
}

describe('SyntheticSignals', () => {
  it('samples are (1, length) float32 with a 0/1 label; a DataLoader batches them to (B, 1, L) and (B,) int64', () => {
    const ds = new SyntheticSignals({ numSamples: 10, seed: 0 });
    expect(ds.length).toBe(10);
    const [x, y] = ds.getItem(3);
    expect(x.shape).toEqual([1, 1200]);
    expect(x.dtype).toBe('float32');
    expect([0, 1]).toContain(y);
    expect(x.data.every(Number.isFinite)).toBe(true);
    const [[bx, by]] = [...new DataLoader(ds, { batchSize: 4 })];
    expect(bx.shape).toEqual([4, 1, 1200]);
    expect(by.shape).toEqual([4]);
    expect(by.dtype).toBe('int64');
  });

  it('is pinned: the generator does not drift', () => {
    const ds = new SyntheticSignals({ numSamples: 10, seed: 0 });
    expect(Array.from({ length: 10 }, (_, i) => ds.label(i))).toEqual([1, 0, 1, 0, 0, 1, 1, 0, 0, 1]);
    const x = ds.getItem(3)[0].data as Float32Array;
    expectClose(x.slice(0, 4), [-0.8122186660766602, -0.7342880964279175, -0.8757122755050659, -0.7154401540756226], 1e-6, 1e-6, 'x[0:4]');
    expectClose([x.reduce((a, b) => a + b, 0)], [416.09653450606856], 1e-5, 1e-4, 'sum');
  });

  it('same seed gives identical arrays; sample i does not depend on numSamples; other seeds differ', () => {
    const a = new SyntheticSignals({ numSamples: 50, seed: 5 });
    const b = new SyntheticSignals({ numSamples: 50, seed: 5 });
    const big = new SyntheticSignals({ numSamples: 5000, seed: 5 });
    const other = new SyntheticSignals({ numSamples: 50, seed: 6 });
    for (const i of [0, 1, 17, 49]) {
      const [xa, ya] = a.getItem(i);
      const [xb, yb] = b.getItem(i);
      const [xc, yc] = big.getItem(i);
      expect(Array.from(xb.data)).toEqual(Array.from(xa.data));
      expect(Array.from(xc.data)).toEqual(Array.from(xa.data));
      expect([yb, yc]).toEqual([ya, ya]);
      expect(Array.from(other.getItem(i)[0].data)).not.toEqual(Array.from(xa.data));
      expect(a.getItem(i + 1 < 50 ? i + 1 : 0)[0].data).not.toEqual(xa.data);
      expect(a.label(i)).toBe(ya);
    }
    // a subset sees the same samples as the full set
    const sub = new Subset(big, [4999, 7]);
    expect(Array.from(sub.getItem(1)[0].data)).toEqual(Array.from(big.getItem(7)[0].data));
    // length changes the series, not the label
    const short = new SyntheticSignals({ numSamples: 50, seed: 5, length: 300 });
    expect(short.getItem(9)[0].shape).toEqual([1, 300]);
    expect(short.label(9)).toBe(a.label(9));
  });

  it('classes are exactly balanced: each pair (2k, 2k+1) holds one of each, in a seeded order', () => {
    const ds = new SyntheticSignals({ numSamples: 1000, seed: 2 });
    const labels = Array.from({ length: 1000 }, (_, i) => ds.label(i));
    expect(labels.filter((y) => y === 1).length).toBe(500);
    for (let k = 0; k < 500; k++) expect(labels[2 * k] + labels[2 * k + 1]).toBe(1);
    const firsts = labels.filter((_, i) => i % 2 === 0);
    const ones = firsts.filter((y) => y === 1).length;
    expect(ones).toBeGreaterThan(200); // not alternating
    expect(ones).toBeLessThan(300);
  });

  it('is not trivially separable: thresholds on simple statistics stay near chance', () => {
    const n = 1000;
    const ds = new SyntheticSignals({ numSamples: n, seed: 123 });
    const stats: Record<string, number[]> = { mean: [], std: [], max: [], min: [], range: [], absMaxFromMean: [], diffStd: [] };
    const labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const [t, y] = ds.getItem(i);
      const x = t.data;
      labels.push(y);
      let s = 0;
      let mx = -Infinity;
      let mn = Infinity;
      for (const v of x) {
        s += v;
        if (v > mx) mx = v;
        if (v < mn) mn = v;
      }
      const mean = s / x.length;
      let ss = 0;
      let am = 0;
      let ds2 = 0;
      for (let k = 0; k < x.length; k++) {
        ss += (x[k] - mean) ** 2;
        am = Math.max(am, Math.abs(x[k] - mean));
        if (k > 0) ds2 += (x[k] - x[k - 1]) ** 2;
      }
      stats.mean.push(mean);
      stats.std.push(Math.sqrt(ss / x.length));
      stats.max.push(mx);
      stats.min.push(mn);
      stats.range.push(mx - mn);
      stats.absMaxFromMean.push(am);
      stats.diffStd.push(Math.sqrt(ds2 / (x.length - 1)));
    }
    for (const [name, v] of Object.entries(stats)) {
      const acc = bestThresholdAccuracy(v, labels);
      expect(acc, `${name} threshold accuracy`).toBeGreaterThanOrEqual(0.5);
      expect(acc, `${name} threshold accuracy`).toBeLessThan(0.7);
    }
  });

  it('rejects bad options', () => {
    expect(() => new SyntheticSignals({ numSamples: -1 })).toThrow(/numSamples must be a non-negative integer, got -1/);
    expect(() => new SyntheticSignals({ numSamples: 3, length: 10 })).toThrow(/length must be an integer >= 64, got 10/);
    expect(() => new SyntheticSignals({ numSamples: 3, seed: 1.5 })).toThrow(/seed must be a non-negative integer/);
    expect(() => new SyntheticSignals({ numSamples: 3, noiseScale: -1 })).toThrow(RangeError);
    expect(() => new SyntheticSignals(undefined as never)).toThrow(TypeError);
    expect(() => new SyntheticSignals({ numSamples: 3 }).getItem(3)).toThrow(/SyntheticSignals: index 3 is out of range for a dataset of length 3/);
  });
});
