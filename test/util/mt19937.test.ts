import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { torchRandperm, Mt19937 } from '../../src/util/mt19937.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/distributed.json', import.meta.url), 'utf8')) as { randperm: { n: number; seed: number; perm: number[] }[] };

describe('torchRandperm', () => {
  it.each(fx.randperm)('equals torch.randperm for n=$n seed=$seed', ({ n, seed, perm }) => {
    expect(torchRandperm(n, seed)).toEqual(perm);
  });

  it('Mt19937 gives the reference 10000th output for seed 5489 (C++ std::mt19937)', () => {
    const g = new Mt19937(5489);
    let v = 0;
    for (let i = 0; i < 10000; i++) v = g.nextUint32();
    expect(v).toBe(4123659995);
  });
});
