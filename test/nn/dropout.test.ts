import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { ones } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';

describe('nn.Dropout', () => {
  it('drops in training, is the identity in eval, follows its generator', () => {
    const x = ones([1000]);
    const d = new nn.Dropout(0.5, { generator: new Generator(3) });
    const y1 = d.call(x);
    const zerosCount = Array.from(y1.data).filter((v) => v === 0).length;
    expect(zerosCount).toBeGreaterThan(400);
    expect(zerosCount).toBeLessThan(600);
    expect(Array.from(y1.data).every((v) => v === 0 || v === 2)).toBe(true);
    d.generator = new Generator(3);
    expect(Array.from(d.call(x).data)).toEqual(Array.from(y1.data));
    expect(d.eval().call(x)).toBe(x);
    d.train();
    d.p = 0;
    expect(d.call(x)).toBe(x);
  });

  it('rejects p outside [0, 1]', () => {
    expect(() => new nn.Dropout(2)).toThrow(/Dropout: dropout probability has to be between 0 and 1, but got 2/);
  });
});
