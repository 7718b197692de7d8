import { describe, expect, it } from 'vitest';
import { ProgressBar, progress, formatInterval, trainDescription } from '../../src/util/progress.js';
import { DataLoader } from '../../src/data/dataloader.js';
import { TensorDataset } from '../../src/data/dataset.js';
import { arange } from '../../src/creation.js';

/** A fake stream that records writes, and a clock advanced by hand. */
function setup(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  const stream = { isTTY, columns, write: (s: string) => { writes.push(s); return true; } };
  let t = 1000;
  const clock = { now: () => t, advance: (ms: number) => { t += ms; } };
  return { writes, stream, clock, text: () => writes.join('') };
}

describe('formatInterval and trainDescription', () => {
  it('formats like tqdm', () => {
    expect(formatInterval(0)).toBe('00:00');
    expect(formatInterval(5.4)).toBe('00:05');
    expect(formatInterval(65)).toBe('01:05');
    expect(formatInterval(3600 + 2 * 60 + 3)).toBe('1:02:03');
    expect(formatInterval(Number.NaN)).toBe('?');
    expect(trainDescription(3, 15, 0.41234)).toBe('train epoch[3/15] loss:0.412');
    expect(trainDescription(1, 2, 1, 'valid')).toBe('valid epoch[1/2] loss:1.000');
  });
});

describe('ProgressBar', () => {
  it('renders description, percentage, bar, counts, elapsed<remaining and rate', () => {
    const { stream, clock } = setup(false);
    const bar = new ProgressBar(null, { total: 100, desc: 'train epoch[1/10] loss:0.693', stream, now: clock.now, barWidth: 10 });
    expect(bar.render()).toBe('train epoch[1/10] loss:0.693:   0%|          | 0/100 [00:00<?, ?it/s]');
    clock.advance(5000);
    bar.update(45);
    // 45 it in 5 s = 9 it/s; 55 left -> 6.1 s
    expect(bar.render()).toBe('train epoch[1/10] loss:0.693:  45%|████▌     | 45/100 [00:05<00:06,  9.00it/s]');
    clock.advance(5000);
    bar.update(55);
    expect(bar.render()).toBe('train epoch[1/10] loss:0.693: 100%|██████████| 100/100 [00:10<00:00, 10.00it/s]');
  });

  it('shows s/it when slower than one per second, and counts without a total', () => {
    const { stream, clock } = setup(false);
    const bar = new ProgressBar(null, { total: 4, stream, now: clock.now, barWidth: 4, ascii: true });
    clock.advance(2500);
    bar.update();
    expect(bar.render()).toBe(' 25%|#   | 1/4 [00:02<00:07,  2.50s/it]'); // 7.5 s left, truncated
    const open = new ProgressBar(null, { stream, now: clock.now });
    clock.advance(2000);
    open.update(6);
    expect(open.render()).toBe('6it [00:02,  3.00it/s]');
  });

  it('not a TTY: writes nothing until close, then exactly one line (idempotent close)', () => {
    const { writes, stream, clock } = setup(false);
    const bar = new ProgressBar(null, { total: 3, stream, now: clock.now, barWidth: 6, ascii: true });
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      bar.desc = `train epoch[2/5] loss:${(0.5 - i / 10).toFixed(3)}`;
      bar.update();
    }
    expect(writes).toEqual([]);
    bar.close();
    bar.close();
    expect(writes).toEqual(['train epoch[2/5] loss:0.300: 100%|######| 3/3 [00:03<00:00,  1.00it/s]\n']);
  });

  it('TTY: redraws in place with \\r, throttled by minInterval, always at the end, newline at close', () => {
    const { writes, stream, clock } = setup(true);
    const bar = new ProgressBar(null, { total: 4, desc: 'long description here', stream, now: clock.now, barWidth: 4, ascii: true, minInterval: 0.5 });
    bar.update(); // first draw (never drawn before)
    clock.advance(100);
    bar.update(); // throttled
    clock.advance(600);
    bar.desc = 'short';
    bar.update(); // drawn, padded over the longer previous line
    bar.update(); // last one: always drawn
    bar.close();
    expect(writes.length).toBe(5);
    expect(writes.every((w, i) => (i < 4 ? w.startsWith('\r') : w === '\n'))).toBe(true);
    expect(writes[0]).toMatch(/^\rlong description here:  25%\|# {3}\| 1\/4 \[00:00</);
    const prevLen = writes[0].length - 1;
    expect(writes[1].length - 1).toBe(prevLen); // padded to the old length
    expect(writes[1]).toMatch(/^\rshort:  75%\|### \| 3\/4 \[00:00<00:00, {2}4\.29it\/s\] +$/);
    expect(writes[2]).toMatch(/^\rshort: 100%\|####\| 4\/4 /);
    expect(writes[3]).toMatch(/^\rshort: 100%\|####\| 4\/4 /);
  });

  it('TTY: the bar shrinks to fit the terminal width', () => {
    const { writes, stream, clock } = setup(true, 60);
    const bar = new ProgressBar(null, { total: 10, desc: 'train epoch[1/10] loss:0.693', stream, now: clock.now });
    clock.advance(1000);
    bar.update(5);
    expect(writes.length).toBe(1);
    expect(writes[0].length - 1).toBeLessThanOrEqual(59);
    expect(writes[0]).toContain('5/10');
  });

  it('wraps a DataLoader (length = total) with for await and closes at the end, also on break', async () => {
    const { writes, stream, clock } = setup(false);
    const loader = new DataLoader(new TensorDataset(arange(10)), { batchSize: 3 });
    const bar = progress(loader, { stream, now: clock.now, barWidth: 4, ascii: true });
    expect(bar.total).toBe(4);
    let seen = 0;
    for await (const [y] of bar) {
      expect(y.shape[0]).toBeGreaterThan(0);
      clock.advance(250);
      bar.desc = trainDescription(1, 2, 0.5 / ++seen);
    }
    expect(seen).toBe(4);
    expect(bar.n).toBe(4);
    expect(writes).toEqual(['train epoch[1/2] loss:0.125: 100%|####| 4/4 [00:01<00:00,  4.00it/s]\n']);
    const b2 = progress([1, 2, 3], { stream, now: clock.now, total: 3, barWidth: 3, ascii: true });
    for (const v of b2) {
      if (v === 2) break;
    }
    expect(writes[1]).toBe(' 33%|#  | 1/3 [00:00<?, ?it/s]\n'); // no time passed: no rate yet
  });

  it('errors', () => {
    expect(() => new ProgressBar(null, { total: -1 })).toThrow(RangeError);
    const bar = new ProgressBar(null, { stream: { write: () => true } });
    expect(() => [...bar]).toThrow(/not a synchronous iterable/);
  });
});
