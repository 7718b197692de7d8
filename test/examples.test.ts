/** The README's examples run and do what they say. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';

describe('examples', () => {
  it('quickstart.ts trains: the loss falls below 0.2 from about 0.7', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/quickstart.ts'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const losses = [...r.stdout.matchAll(/loss (\d+\.\d+)/g)].map((m) => Number(m[1]));
    expect(losses).toHaveLength(5);
    expect(losses[losses.length - 1]).toBeLessThan(0.2);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
  });
});
