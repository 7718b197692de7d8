/** API habits PyTorch users expect: tolist(), save(model) explained, source maps that resolve. */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { tensor, save, nn } from '../src/index.js';

describe('API habits', () => {
  it('tolist() is toArray()', () => {
    expect(tensor([[1, 2], [3, 4]], { dtype: 'float32' }).tolist()).toEqual([[1, 2], [3, 4]]);
    expect(tensor([true, false], { dtype: 'bool' }).tolist()).toEqual([true, false]);
  });

  it('save(model) says to pass model.stateDict()', () => {
    expect(() => save(new nn.Linear(2, 2) as any, '/tmp/x.safetensors')).toThrow(/cannot save a Module itself .*pass model\.stateDict\(\)/);
  });

  it('the built source maps carry their sources (the tarball ships dist/ only)', () => {
    const map = new URL('../dist/index.js.map', import.meta.url);
    expect(existsSync(map), 'dist/ is built by npm install (prepare)').toBe(true);
    const m = JSON.parse(readFileSync(map, 'utf8'));
    expect(m.sources).toEqual(['../src/index.ts']);
    expect(m.sourcesContent?.[0]).toContain('export');
  });
});
