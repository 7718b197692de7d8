import { describe, expect, it } from 'vitest';
import {
  SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler,
} from '../../src/data/samplers.js';
import { tensor } from '../../src/creation.js';
import { Generator, manualSeed } from '../../src/util/generator.js';

const src = (n: number) => ({ length: n });
const sorted = (a: number[]) => [...a].sort((p, q) => p - q);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('SequentialSampler', () => {
  it('yields 0..n-1', () => {
    const s = new SequentialSampler(src(4));
    expect(s.length).toBe(4);
    expect([...s]).toEqual([0, 1, 2, 3]);
    expect([...new SequentialSampler(src(0))]).toEqual([]);
  });
});

describe('RandomSampler', () => {
  it('without replacement: a permutation per pass; same seed, same order; passes differ', () => {
    const s = new RandomSampler(src(50), { generator: new Generator(3) });
    expect(s.length).toBe(50);
    const p1 = [...s];
    const p2 = [...s];
    expect(sorted(p1)).toEqual(range(50));
    expect(sorted(p2)).toEqual(range(50));
    expect(p1).not.toEqual(range(50));
    expect(p2).not.toEqual(p1);
    const t = new RandomSampler(src(50), { generator: new Generator(3) });
    expect([...t]).toEqual(p1);
    expect([...t]).toEqual(p2);
  });

  it('numSamples beyond the length chains permutations; below takes a prefix', () => {
    const s = new RandomSampler(src(4), { numSamples: 10, generator: new Generator(1) });
    const got = [...s];
    expect(s.length).toBe(10);
    expect(got.length).toBe(10);
    expect(sorted(got.slice(0, 4))).toEqual([0, 1, 2, 3]);
    expect(sorted(got.slice(4, 8))).toEqual([0, 1, 2, 3]);
    expect(new Set(got.slice(8)).size).toBe(2);
    const short = [...new RandomSampler(src(100), { numSamples: 5, generator: new Generator(1) })];
    expect(new Set(short).size).toBe(5);
  });

  it('with replacement: numSamples uniform draws in range, repeats allowed, seeded', () => {
    const s = new RandomSampler(src(5), { replacement: true, numSamples: 1000, generator: new Generator(2) });
    const got = [...s];
    expect(got.length).toBe(1000);
    expect(got.every((i) => Number.isInteger(i) && i >= 0 && i < 5)).toBe(true);
    const counts = range(5).map((k) => got.filter((i) => i === k).length);
    for (const c of counts) expect(c).toBeGreaterThan(150); // ~200 each
    expect([...new RandomSampler(src(5), { replacement: true, numSamples: 1000, generator: new Generator(2) })]).toEqual(got);
  });

  it('without a generator draws its seed from the default generator', () => {
    manualSeed(11);
    const a = [...new RandomSampler(src(30))];
    const b = [...new RandomSampler(src(30))];
    manualSeed(11);
    expect([...new RandomSampler(src(30))]).toEqual(a);
    expect(b).not.toEqual(a);
  });

  it('errors', () => {
    expect(() => new RandomSampler(src(3), { numSamples: 0 })).toThrow(/numSamples should be a positive integer value, but got numSamples=0/);
    expect(() => new RandomSampler(src(3), { replacement: 1 as never })).toThrow(TypeError);
    expect(() => new RandomSampler(src(3), { generator: 5 as never })).toThrow(/generator must be a Generator/);
    expect(() => [...new RandomSampler(src(0), { numSamples: 2 })]).toThrow(/cannot sample from an empty data source/);
  });
});

describe('SubsetRandomSampler', () => {
  it('a permutation of the given indices, seeded', () => {
    const s = new SubsetRandomSampler([10, 20, 30, 40], { generator: new Generator(5) });
    const got = [...s];
    expect(s.length).toBe(4);
    expect(sorted(got)).toEqual([10, 20, 30, 40]);
    expect([...new SubsetRandomSampler([10, 20, 30, 40], { generator: new Generator(5) })]).toEqual(got);
  });
});

describe('WeightedRandomSampler', () => {
  it('with replacement draws proportionally; zero weight never drawn; seeded', () => {
    const s = new WeightedRandomSampler([1, 0, 3], 4000, { generator: new Generator(0) });
    const got = [...s];
    expect(s.length).toBe(4000);
    expect(got.includes(1)).toBe(false);
    const frac2 = got.filter((i) => i === 2).length / got.length;
    expect(frac2).toBeGreaterThan(0.72);
    expect(frac2).toBeLessThan(0.78);
    expect([...new WeightedRandomSampler(tensor([1, 0, 3], { dtype: 'float32' }), 4000, { generator: new Generator(0) })]).toEqual(got);
  });

  it('without replacement: distinct indices, heavy ones first more often', () => {
    const w = [0.1, 10, 0.1, 0.1, 0];
    let firstIsHeavy = 0;
    const g = new Generator(9);
    for (let r = 0; r < 200; r++) {
      const got = [...new WeightedRandomSampler(w, 4, { replacement: false, generator: g })];
      expect(sorted(got)).toEqual([0, 1, 2, 3]);
      if (got[0] === 1) firstIsHeavy++;
    }
    expect(firstIsHeavy).toBeGreaterThan(180); // P = 10 / 10.3
  });

  it('errors', () => {
    expect(() => new WeightedRandomSampler([1, -1], 2)).toThrow(/weights must be finite and non-negative, got -1 at index 1/);
    expect(() => new WeightedRandomSampler([0, 0], 2)).toThrow(/sum of weights must be positive/);
    expect(() => new WeightedRandomSampler([1, Number.NaN], 2)).toThrow(RangeError);
    expect(() => new WeightedRandomSampler([1, 2], 0)).toThrow(/numSamples should be a positive integer value, but got numSamples=0/);
    expect(() => new WeightedRandomSampler([1, 0, 2], 3, { replacement: false })).toThrow(/cannot draw 3 samples without replacement from 2 indices of non-zero weight/);
    expect(() => new WeightedRandomSampler(tensor([[1, 2]], { dtype: 'float32' }), 1)).toThrow(/weights must be 1-D/);
  });
});

describe('BatchSampler', () => {
  it('groups indices; the last batch is smaller unless dropLast', () => {
    const seq = new SequentialSampler(src(10));
    const b = new BatchSampler(seq, 3, false);
    expect(b.length).toBe(4);
    expect([...b]).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    const d = new BatchSampler(seq, 3, true);
    expect(d.length).toBe(3);
    expect([...d]).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
    expect(new BatchSampler(new SequentialSampler(src(9)), 3, true).length).toBe(3);
    expect([...new BatchSampler(new SequentialSampler(src(0)), 3)]).toEqual([]);
  });

  it('over a seeded RandomSampler: reproducible batches covering every index once', () => {
    const mk = () => new BatchSampler(new RandomSampler(src(10), { generator: new Generator(4) }), 4, false);
    const got = [...mk()];
    expect(got.map((x) => x.length)).toEqual([4, 4, 2]);
    expect(sorted(got.flat())).toEqual(range(10));
    expect([...mk()]).toEqual(got);
  });

  it('errors', () => {
    const seq = new SequentialSampler(src(3));
    expect(() => new BatchSampler(seq, 0)).toThrow(/batchSize should be a positive integer value, but got batchSize=0/);
    expect(() => new BatchSampler(seq, 1.5)).toThrow(RangeError);
    expect(() => new BatchSampler(seq, 2, 'no' as never)).toThrow(/dropLast should be a boolean value/);
    expect(() => new BatchSampler(5 as never, 2)).toThrow(TypeError);
  });
});
