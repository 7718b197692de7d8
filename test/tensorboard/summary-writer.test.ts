import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor, utils } from '../../src/index.js';
import { crc32c, maskedCrc32c } from '../../src/util/crc32c.js';
import { makeHistogram } from '../../src/tensorboard/summary.js';
import { crc32cBitwise, masked, readEvents } from './tfevents-reader.js';
import { loadFixture } from '../helpers/fixtures.js';

const { SummaryWriter } = utils.tensorboard;

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'nt-tb-'));
}

function eventFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.')).map((f) => join(dir, f));
}

describe('CRC-32C', () => {
  it('matches the standard check value and an independent bitwise implementation', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32c(check)).toBe(0xe3069283); // RFC 3720 / iSCSI check value
    const rnd = new Uint8Array(1000).map((_, i) => (i * 7919 + 13) & 0xff);
    for (const n of [0, 1, 7, 8, 9, 1000]) {
      expect(crc32c(rnd.subarray(0, n))).toBe(crc32cBitwise(rnd.subarray(0, n)));
      expect(maskedCrc32c(rnd.subarray(0, n))).toBe(masked(rnd.subarray(0, n)));
    }
  });
});

describe('utils.tensorboard.SummaryWriter', () => {
  it('writes a tfevents file with the file version first, then scalars with steps and wall times', () => {
    const dir = tmp();
    const w = new SummaryWriter(dir);
    expect(w.getLogdir()).toBe(dir);
    w.addScalar('Loss/train', 0.5, 1);
    w.addScalar('Loss/train', tensor([0.25]), 2, 1700000000.5);
    w.addScalar('lr', 0.003);
    w.close();
    const files = eventFiles(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/events\.out\.tfevents\.\d{10}\.[^.]+.*\.\d+\.\d+$/);
    const ev = readEvents(files[0]);
    expect(ev[0].fileVersion).toBe('brain.Event:2');
    expect(ev.slice(1).map((e) => [e.step ?? 0, e.summary.value[0].tag, e.summary.value[0].simpleValue])).toEqual([
      [1, 'Loss/train', 0.5], [2, 'Loss/train', 0.25], [0, 'lr', Math.fround(0.003)],
    ]);
    expect(ev[2].wallTime).toBe(1700000000.5);
    expect(Math.abs(ev[1].wallTime - Date.now() / 1000)).toBeLessThan(60);
  });

  it('addScalars writes one sub-directory per key, tagged with the main tag, as PyTorch', () => {
    const dir = tmp();
    const w = new SummaryWriter(dir);
    w.addScalars('run/loss', { train: 1.5, val: 2.5 }, 3);
    w.addScalars('run/loss', new Map([['train', 1.0]]), 4);
    w.close();
    const train = readEvents(eventFiles(join(dir, 'run_loss_train'))[0]);
    const val = readEvents(eventFiles(join(dir, 'run_loss_val'))[0]);
    expect(train.slice(1).map((e) => [e.step, e.summary.value[0].tag, e.summary.value[0].simpleValue])).toEqual([[3, 'run/loss', 1.5], [4, 'run/loss', 1]]);
    expect(val.slice(1).map((e) => [e.step, e.summary.value[0].simpleValue])).toEqual([[3, 2.5]]);
  });

  it('addText writes the text plugin tensor PyTorch writes', () => {
    const dir = tmp();
    const w = new SummaryWriter(dir);
    w.addText('notes', 'héllo **world**', 7);
    w.close();
    const [, e] = readEvents(eventFiles(dir)[0]);
    const v = e.summary.value[0];
    expect(e.step).toBe(7);
    expect(v.tag).toBe('notes/text_summary');
    expect(v.metadata.pluginData.pluginName).toBe('text');
    expect(v.tensor.dtype).toBe(7); // DT_STRING
    expect(v.tensor.tensorShape.dim).toEqual([{ size: 1 }]);
    expect(new TextDecoder().decode(v.tensor.stringVal[0])).toBe('héllo **world**');
  });

  it('addHistogram writes the buckets PyTorch computes (fixtures from PyTorch 1.13)', () => {
    const { cases } = loadFixture('tensorboard.json');
    const dir = tmp();
    const w = new SummaryWriter(dir);
    cases.forEach((c: any, i: number) => w.addHistogram(c.name, Float64Array.from(c.values), i, c.bins, undefined, c.max_bins ?? undefined));
    w.close();
    const events = readEvents(eventFiles(dir)[0]).slice(1);
    expect(events).toHaveLength(cases.length);
    cases.forEach((c: any, i: number) => {
      const e = events[i];
      expect(e.step ?? 0).toBe(i);
      const h = e.summary.value[0].histo;
      expect(e.summary.value[0].tag).toBe(c.name);
      const x = c.expected;
      expect([h.min ?? 0, h.max ?? 0, h.num], c.name).toEqual([x.min, x.max, x.num]);
      expect(h.sum ?? 0).toBeCloseTo(x.sum, 9);
      expect(h.sumSquares ?? 0).toBeCloseTo(x.sum_squares, 9);
      expect(h.bucket, c.name).toEqual(x.bucket);
      expect(h.bucketLimit, c.name).toEqual(x.bucket_limit); // the edges themselves, bit for bit
    });
  });

  it('takes tensors for histograms and rejects empty, non-finite and malformed input with the op name', () => {
    const dir = tmp();
    const w = new SummaryWriter(dir);
    w.addHistogram('w', tensor([[1, 2], [3, 4]], { dtype: 'float32' }), 0, 4);
    expect(() => w.addHistogram('w', [], 0)).toThrow(/^addHistogram: the input has no element/);
    expect(() => w.addHistogram('w', [1, NaN], 0)).toThrow(/^addHistogram: expected finite values, got NaN at index 1/);
    expect(() => w.addHistogram('w', [1, 2], 0, 'auto' as any)).toThrow(/^addHistogram: bins must be/);
    expect(() => w.addHistogram('w', [1, 2], 0, [2, 1])).toThrow(/^addHistogram: bins must increase/);
    expect(() => w.addHistogram('w', [5], 0, [0, 1])).toThrow(/^addHistogram: no value falls inside the bins/);
    expect(() => w.addHistogram('w', 'abc' as any)).toThrow(TypeError);
    expect(() => w.addScalar('x', 'a' as any)).toThrow(/^addScalar: expected scalarValue to be a number/);
    expect(() => w.addScalar('x', tensor([1, 2], { dtype: 'float32' }))).toThrow(/^addScalar: expected a scalar or a one-element tensor/);
    expect(() => w.addScalar(3 as any, 1)).toThrow(/^addScalar: expected tag to be a string/);
    expect(() => w.addScalar('x', 1, 1.5)).toThrow(/^addScalar: expected globalStep to be an integer/);
    expect(() => w.addText('t', 5 as any)).toThrow(/^addText: expected textString to be a string/);
    expect(() => new SummaryWriter(dir, { maxQueue: 0 })).toThrow(/^SummaryWriter: expected maxQueue/);
    w.close();
    expect(() => w.addScalar('x', 1)).toThrow(/^addScalar: the SummaryWriter was closed/);
    const ev = readEvents(eventFiles(dir)[0]);
    expect(ev).toHaveLength(2); // the file version and the one good histogram
    expect(makeHistogram('h', Float64Array.from([1, 2, 3, 4]), 4).bucket).toEqual([0, 1, 1, 1, 1]);
  });

  it('queues up to maxQueue events, flushes on flush(), and a reader detects a corrupted record', () => {
    const dir = tmp();
    const w = new SummaryWriter(dir, { maxQueue: 3, flushSecs: 1000 });
    const file = eventFiles(dir)[0];
    expect(readEvents(file)).toHaveLength(1); // the version event is written at construction
    w.addScalar('a', 1, 1);
    w.addScalar('a', 2, 2);
    expect(readEvents(file)).toHaveLength(1);
    w.addScalar('a', 3, 3); // the third queued event triggers a write
    expect(readEvents(file)).toHaveLength(4);
    w.addScalar('a', 4, 4);
    w.flush();
    expect(readEvents(file)).toHaveLength(5);
    w.close();
    const bytes = readFileSync(file);
    bytes[bytes.length - 6] ^= 1; // inside the last record's data
    const bad = join(dir, 'corrupt');
    writeFileSync(bad, bytes);
    expect(() => readEvents(bad)).toThrow(/bad data CRC/);
  });

  it('defaults to runs/<Mon>DD_HH-MM-SS_<host><comment> and writes purgeStep events as PyTorch', () => {
    const cwd = process.cwd();
    const dir = tmp();
    process.chdir(dir);
    try {
      const w = new SummaryWriter(undefined, { comment: '_lr0.1', purgeStep: 5 });
      expect(w.getLogdir()).toMatch(/^runs\/[A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}_.+_lr0\.1$/);
      w.close();
      expect(existsSync(w.getLogdir())).toBe(true);
      const ev = readEvents(eventFiles(w.getLogdir())[0]);
      expect(ev.map((e) => [e.step ?? 0, e.fileVersion ?? null, e.sessionLog?.status ?? null])).toEqual([
        [0, 'brain.Event:2', null], [5, 'brain.Event:2', null], [5, null, 1],
      ]);
    } finally {
      process.chdir(cwd);
    }
  });
});
