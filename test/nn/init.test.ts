import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { zeros, ones } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { nnFixture } from './nn-fixtures.js';

const { init } = nn;

function stats(d: ArrayLike<number>) {
  let s = 0;
  let s2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < d.length; i++) {
    s += d[i];
    s2 += d[i] * d[i];
    min = Math.min(min, d[i]);
    max = Math.max(max, d[i]);
  }
  const mean = s / d.length;
  return { mean, std: Math.sqrt(s2 / d.length - mean * mean), min, max };
}

describe('nn.init', () => {
  it("calculateGain matches PyTorch's", () => {
    const g = nnFixture().gains;
    expect(init.calculateGain('linear')).toBe(g.linear);
    expect(init.calculateGain('conv1d')).toBe(g.conv1d);
    expect(init.calculateGain('sigmoid')).toBe(g.sigmoid);
    expect(init.calculateGain('tanh')).toBeCloseTo(g.tanh, 15);
    expect(init.calculateGain('relu')).toBeCloseTo(g.relu, 15);
    expect(init.calculateGain('leaky_relu')).toBeCloseTo(g.leaky_relu, 15);
    expect(init.calculateGain('leaky_relu', 0.2)).toBeCloseTo(g['leaky_relu 0.2'], 15);
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(g['leaky_relu sqrt5'], 15);
    expect(init.calculateGain('selu')).toBe(g.selu);
    expect(() => init.calculateGain('swish' as never)).toThrow(/calculateGain: unsupported nonlinearity 'swish'/);
  });

  it('fan in / fan out include the receptive field', () => {
    expect(init.calculateFanInAndFanOut(zeros([32, 4, 7]))).toEqual({ fanIn: 28, fanOut: 224 });
    expect(init.calculateFanInAndFanOut(zeros([2, 64]))).toEqual({ fanIn: 64, fanOut: 2 });
    expect(() => init.calculateFanInAndFanOut(zeros([5]))).toThrow(/fewer than 2 dimensions, got shape \(5,\)/);
  });

  it('uniform_ / normal_ / constant_ / zeros_ / ones_', () => {
    const g = new Generator(1);
    const u = stats(init.uniform_(zeros([20000]), -2, 3, g).data);
    expect(u.min).toBeGreaterThanOrEqual(-2);
    expect(u.max).toBeLessThan(3);
    expect(u.mean).toBeCloseTo(0.5, 1);
    const n = stats(init.normal_(zeros([20000]), 1, 2, g).data);
    expect(n.mean).toBeCloseTo(1, 1);
    expect(n.std).toBeCloseTo(2, 1);
    expect(Array.from(init.constant_(zeros([3]), 0.5).data)).toEqual([0.5, 0.5, 0.5]);
    expect(Array.from(init.zeros_(ones([2])).data)).toEqual([0, 0]);
    expect(Array.from(init.ones_(zeros([2])).data)).toEqual([1, 1]);
    expect(() => init.uniform_(zeros([2]), 1, 0)).toThrow(/uniform_: expected a <= b, got a=1, b=0/);
    expect(() => init.normal_(zeros([2], { dtype: 'int64' }))).toThrow(/normal_: expected a float32 tensor, got int64/);
  });

  it('xavier and kaiming use PyTorch fan/gain formulas', () => {
    const g = new Generator(2);
    const w = zeros([200, 100, 3]); // fan_in 300, fan_out 600
    const xu = stats(init.xavierUniform_(w, 2, g).data);
    const a = 2 * Math.sqrt(6 / 900);
    expect(xu.max).toBeLessThanOrEqual(a);
    expect(xu.min).toBeGreaterThanOrEqual(-a);
    expect(xu.max).toBeGreaterThan(0.99 * a);
    expect(stats(init.xavierNormal_(w, 1, g).data).std).toBeCloseTo(Math.sqrt(2 / 900), 3);
    const ku = stats(init.kaimingUniform_(w, Math.sqrt(5), 'fan_in', 'leaky_relu', g).data);
    expect(ku.max).toBeLessThanOrEqual(1 / Math.sqrt(300));
    expect(ku.max).toBeGreaterThan(0.99 / Math.sqrt(300));
    const kn = stats(init.kaimingNormal_(w, 0, 'fan_out', 'relu', g).data);
    expect(kn.std).toBeCloseTo(Math.sqrt(2) / Math.sqrt(600), 3);
    expect(() => init.kaimingUniform_(w, 0, 'fan_avg' as never)).toThrow(/kaimingUniform_: mode 'fan_avg' not supported, please use one of 'fan_in', 'fan_out'/);
    expect(init.kaimingUniform_(zeros([0, 3])).numel()).toBe(0);
  });

  it('is reproducible with a seeded generator and returns the tensor', () => {
    const t = zeros([5, 4]);
    expect(init.kaimingNormal_(t, 0, 'fan_in', 'leaky_relu', new Generator(9))).toBe(t);
    const again = init.kaimingNormal_(zeros([5, 4]), 0, 'fan_in', 'leaky_relu', new Generator(9));
    expect(Array.from(again.data)).toEqual(Array.from(t.data));
  });

  it('Linear and Conv1d default init: weight and bias within 1/sqrt(fan_in)', () => {
    const conv = new nn.Conv1d(4, 6, 5, { groups: 2, generator: new Generator(3) }); // fan_in = 2 * 5
    const bound = 1 / Math.sqrt(10);
    for (const p of conv.parameters()) {
      const s = stats(p.data);
      expect(s.max).toBeLessThanOrEqual(bound);
      expect(s.min).toBeGreaterThanOrEqual(-bound);
    }
    const lin = new nn.Linear(0, 3);
    expect(Array.from(lin.bias!.data)).toEqual([0, 0, 0]);
  });
});
