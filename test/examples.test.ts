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

describe('examples/train-inception1d.ts (the seed loop)', () => {
  it('runs an epoch, prints the seed-style bar and accuracy, saves the best model as .pth', async () => {
    const { mkdtempSync, existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'nodetorch-example-'));
    const savePath = join(dir, 'signal_classes.pth');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/train-inception1d.ts'], {
      // The example's own data size: on the ref backend an epoch takes minutes, so the child picks the
      // fastest backend itself (the kernels are tested per backend elsewhere).
      encoding: 'utf8', env: { ...process.env, NODETORCH_BACKEND: '', EPOCHS: '1', SAVE_PATH: savePath },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/train epoch\[1\/1\] loss:\d\.\d{3}: 100%\|.*\| 94\/94/);
    expect(r.stdout).toMatch(/\[epoch 1\] train_loss: 0\.\d{3} {2}val_accuracy: 0\.\d{3}/);
    expect(r.stdout).toContain('Finished Training');
    expect(existsSync(savePath)).toBe(true);
  });
});
