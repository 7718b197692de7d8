import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, defaultGenerator } from '../../src/util/generator.js';
import { rand } from '../../src/creation.js';

describe('Generator', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Generator(42);
    const b = new Generator(42);
    const c = new Generator(43);
    const sa = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(sa);
    expect(sa.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)).toBe(true);
  });

  it('random() is uniform in [0, 1)', () => {
    const g = new Generator(1);
    const n = 50000;
    const bins = new Array<number>(10).fill(0);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const u = g.random();
      expect(u >= 0 && u < 1).toBe(true);
      bins[Math.floor(u * 10)]++;
      s += u;
    }
    expect(Math.abs(s / n - 0.5)).toBeLessThan(0.01);
    for (const b of bins) expect(Math.abs(b / n - 0.1)).toBeLessThan(0.01);
  });

  it('randint covers [low, high) and normal() has mean 0, variance 1', () => {
    const g = new Generator(2);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(g.randint(-3, 4));
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    let s = 0;
    let s2 = 0;
    const n = 40000;
    for (let i = 0; i < n; i++) {
      const v = g.normal();
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03);
  });

  it('getState/setState resume the exact stream (including the cached normal)', () => {
    const g = new Generator(3);
    g.normal();
    const state = g.getState();
    const next = [g.normal(), g.random(), g.normal()];
    const h = new Generator(99).setState(state);
    expect([h.normal(), h.random(), h.normal()]).toEqual(next);
    expect(h.initialSeed()).toBe(3);
  });

  it('manualSeed resets the default generator; bigint seeds work', () => {
    manualSeed(7);
    const a = Array.from(rand([4]).data);
    manualSeed(7);
    expect(Array.from(rand([4]).data)).toEqual(a);
    expect(defaultGenerator.initialSeed()).toBe(7);
    expect(new Generator().manualSeed(5n).nextUint32()).toBe(new Generator(5).nextUint32());
  });

  it('errors name the method and the argument', () => {
    expect(() => new Generator(Number.NaN)).toThrow(/^Generator: expected a finite seed, got NaN$/);
    expect(() => new Generator().setState([1, 2] as never)).toThrow(/Generator.setState: expected the 6-number array from getState\(\)/);
  });
});
