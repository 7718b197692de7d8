/**
 * The parameter set-up of Linear and the conv layers (src/nn/weight-and-bias.ts): PyTorch's
 * reset_parameters draws the weight (kaiming-uniform, a = sqrt(5)) and then the bias
 * (U(-1/sqrt(fanIn), 1/sqrt(fanIn))) from one generator. Each layer is checked element for element against
 * those two draws made from a generator with the same seed, the bias bound from a fanIn worked out here
 * from the layer's arguments (for the transposed convs PyTorch takes it from the weight's dim 1,
 * C_out / groups).
 */
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';

interface Case {
  name: string;
  make: (g: Generator) => { weight: nn.Parameter; bias: nn.Parameter | null };
  weightShape: number[];
  fanIn: number;
  bias: boolean;
}

const CASES: Case[] = [
  { name: 'Linear', make: (g) => new nn.Linear(5, 3, { generator: g }), weightShape: [3, 5], fanIn: 5, bias: true },
  { name: 'Linear without bias', make: (g) => new nn.Linear(5, 3, { bias: false, generator: g }), weightShape: [3, 5], fanIn: 5, bias: false },
  { name: 'Conv1d, groups 2', make: (g) => new nn.Conv1d(4, 6, 3, { groups: 2, generator: g }), weightShape: [6, 2, 3], fanIn: 6, bias: true },
  { name: 'Conv1d without bias', make: (g) => new nn.Conv1d(3, 2, 5, { bias: false, generator: g }), weightShape: [2, 3, 5], fanIn: 15, bias: false },
  { name: 'Conv2d', make: (g) => new nn.Conv2d(3, 4, [2, 3], { generator: g }), weightShape: [4, 3, 2, 3], fanIn: 18, bias: true },
  { name: 'ConvTranspose1d, groups 2', make: (g) => new nn.ConvTranspose1d(4, 6, 3, { groups: 2, generator: g }), weightShape: [4, 3, 3], fanIn: 9, bias: true },
  { name: 'ConvTranspose2d', make: (g) => new nn.ConvTranspose2d(2, 5, [3, 2], { generator: g }), weightShape: [2, 5, 3, 2], fanIn: 30, bias: true },
];

describe('Linear and conv layers: weight then bias, as PyTorch reset_parameters', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const m = c.make(new Generator(11));
      const g = new Generator(11);
      const w = nn.init.kaimingUniform_(zeros(c.weightShape), Math.sqrt(5), 'fan_in', 'leaky_relu', g);
      expect(m.weight.shape).toEqual(c.weightShape);
      expect(Array.from(m.weight.data)).toEqual(Array.from(w.data));
      const bound = 1 / Math.sqrt(c.fanIn); // also kaiming-uniform's bound with a = sqrt(5)
      expect(Math.max(...Array.from(m.weight.data, Math.abs))).toBeLessThanOrEqual(bound * (1 + 1e-6));
      if (!c.bias) {
        expect(m.bias).toBeNull();
        return;
      }
      const b = nn.init.uniform_(zeros([m.bias!.numel()]), -bound, bound, g);
      expect(Array.from(m.bias!.data)).toEqual(Array.from(b.data));
    });
  }

  it('resetParameters redraws the same values from the same seed', () => {
    const m = new nn.Conv2d(2, 3, 3, { generator: new Generator(5) });
    const w = Array.from(m.weight.data);
    const b = Array.from(m.bias!.data);
    m.resetParameters(new Generator(6));
    expect(Array.from(m.weight.data)).not.toEqual(w);
    m.resetParameters(new Generator(5));
    expect(Array.from(m.weight.data)).toEqual(w);
    expect(Array.from(m.bias!.data)).toEqual(b);
  });
});
