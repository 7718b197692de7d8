import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DistributedSampler } from '../../src/data/distributed-sampler.js';

interface SamplerCase { n: number; world: number; shuffle: boolean; seed: number; epoch: number; dropLast: boolean; ranks: number[][] }
const fx = JSON.parse(readFileSync(new URL('../fixtures/distributed.json', import.meta.url), 'utf8')) as { samplers: SamplerCase[] };
const range = (n: number): { length: number } => ({ length: n });

describe('DistributedSampler', () => {
  it.each(fx.samplers)('equals PyTorch for n=$n world=$world shuffle=$shuffle seed=$seed epoch=$epoch dropLast=$dropLast', (c) => {
    for (let rank = 0; rank < c.world; rank++) {
      const s = new DistributedSampler(range(c.n), { numReplicas: c.world, rank, shuffle: c.shuffle, seed: c.seed, dropLast: c.dropLast });
      s.setEpoch(c.epoch);
      expect([...s]).toEqual(c.ranks[rank]);
      expect(s.length).toBe(c.ranks[rank].length);
    }
  });

  it('changes order with the epoch and keeps it for the same epoch', () => {
    const s = new DistributedSampler(range(50), { numReplicas: 2, rank: 0 });
    const e0 = [...s];
    expect([...s]).toEqual(e0);
    s.setEpoch(1);
    expect([...s]).not.toEqual(e0);
  });

  it('rejects bad options with clear errors', () => {
    expect(() => new DistributedSampler(range(4), { numReplicas: 2, rank: 2 })).toThrow(/Invalid rank 2, rank should be in the interval \[0, 1\]/);
    expect(() => new DistributedSampler(range(4), { numReplicas: 0, rank: 0 })).toThrow(RangeError);
    expect(() => new DistributedSampler(range(4), { numReplicas: 2, rank: 0, shuffle: 1 as unknown as boolean })).toThrow(TypeError);
    expect(() => new DistributedSampler(range(4))).toThrow(/process group.*not initialized/);
    expect(() => new DistributedSampler(range(4), { numReplicas: 2, rank: 0 }).setEpoch(-1)).toThrow(RangeError);
  });
});
