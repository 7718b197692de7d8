import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { curvesSvg, writeCurvesSvg, niceTicks, stepDecimals, type EpochRecord } from '../../src/util/svg-plot.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nodetorch-svg-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Checks that every tag is closed in order (a small XML well-formedness check). */
function expectWellFormed(svg: string): void {
  const body = svg.replace(/^<\?xml[^>]*\?>\s*/, '');
  const stack: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body)) !== null) {
    expect(body.slice(consumed, m.index)).not.toMatch(/[<>]/); // no stray or malformed tags between
    consumed = m.index + m[0].length;
    const [, close, name, , self] = m;
    if (close) expect(stack.pop(), `closing </${name}>`).toBe(name);
    else if (!self) stack.push(name);
  }
  expect(body.slice(consumed).trim()).toBe('');
  expect(stack).toEqual([]);
}

function polylines(svg: string, label: string): [number, number][][] {
  const re = new RegExp(`<polyline class="series" data-label="${label}" points="([^"]*)"`, 'g');
  return [...svg.matchAll(re)].map((m) => m[1].split(' ').map((p) => p.split(',').map(Number) as [number, number]));
}

const history: EpochRecord[] = [
  { epoch: 1, trainLoss: 0.69, valLoss: 0.68, valAcc: 0.62 },
  { epoch: 2, trainLoss: 0.52, valLoss: 0.42, valAcc: 0.88 },
  { epoch: 3, trainLoss: 0.21, valLoss: 0.13, valAcc: 0.967 },
  { epoch: 4, trainLoss: 0.09, valLoss: 0.05, valAcc: 0.987 },
];

describe('niceTicks', () => {
  it('round steps covering the range', () => {
    expect(niceTicks(0.05, 0.69, 6)).toEqual({ lo: 0, hi: 0.8, ticks: [0, 0.2, 0.4, 0.6, 0.8], step: 0.2 });
    expect(niceTicks(1, 12, 10, true).ticks).toEqual([0, 2, 4, 6, 8, 10, 12]);
    expect(niceTicks(1, 40, 10, true).ticks).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40]);
    expect(niceTicks(3, 3).lo).toBeLessThan(3);
    expect(niceTicks(Number.NaN, 1).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect([stepDecimals(0.25), stepDecimals(5), stepDecimals(0.005), stepDecimals(0.2)]).toEqual([2, 0, 3, 1]);
  });
});

describe('curvesSvg', () => {
  it('a standalone, well-formed SVG with title, two panels, axes, ticks and legend', () => {
    const svg = curvesSvg(history, { title: 'run <1> & "two"' });
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="960" height="400" viewBox="0 0 960 400">')).toBe(true);
    expectWellFormed(svg);
    expect(svg).toContain('>run &lt;1&gt; &amp; &quot;two&quot;</text>');
    expect(svg).toContain('>Loss</text>');
    expect(svg).toContain('>Accuracy</text>');
    expect((svg.match(/>epoch<\/text>/g) ?? []).length).toBe(2);
    expect((svg.match(/class="x-axis"/g) ?? []).length).toBe(2);
    expect((svg.match(/class="y-axis"/g) ?? []).length).toBe(2);
    for (const label of ['train loss', 'val loss', 'val accuracy']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).not.toContain('train accuracy');
    for (const tick of ['>0.0<', '>0.2<', '>0.8<', '>1<', '>2<', '>3<', '>4<', '>100%<', '>60%<']) expect(svg).toContain(tick);
    const many = curvesSvg(Array.from({ length: 30 }, (_, i) => ({ epoch: i + 1, trainLoss: 1 / (i + 1) })));
    for (const tick of ['>0<', '>5<', '>30<']) expect(many).toContain(tick);
    expect((svg.match(/<g class="legend">/g) ?? []).length).toBe(2);
  });

  it('one polyline per series with a point per epoch, mapped monotonically (higher value = higher up)', () => {
    const svg = curvesSvg(history);
    const [train] = polylines(svg, 'train loss');
    const [val] = polylines(svg, 'val loss');
    const [acc] = polylines(svg, 'val accuracy');
    for (const line of [train, val, acc]) expect(line.length).toBe(4);
    for (let i = 1; i < 4; i++) {
      expect(train[i][0]).toBeGreaterThan(train[i - 1][0]); // epochs left to right
      expect(train[i][1]).toBeGreaterThan(train[i - 1][1]); // falling loss goes down (SVG y grows downward)
      expect(acc[i][1]).toBeLessThan(acc[i - 1][1]); // rising accuracy goes up
    }
    expect(train.map((p) => p[0])).toEqual(val.map((p) => p[0]));
    // val loss below train loss at every epoch
    for (let i = 0; i < 4; i++) expect(val[i][1]).toBeGreaterThan(train[i][1]);
    // accuracy points lie inside the right panel
    for (const [x] of acc) expect(x).toBeGreaterThan(480);
    expect((svg.match(/<circle /g) ?? []).length).toBe(12);
  });

  it('gaps (missing or NaN values) split a curve; train accuracy appears when given', () => {
    const h: EpochRecord[] = [
      { epoch: 1, trainLoss: 1, valLoss: 1.1, valAcc: 0.5, trainAcc: 0.55 },
      { epoch: 2, trainLoss: 0.8, valLoss: Number.NaN, valAcc: 0.6, trainAcc: 0.65 },
      { epoch: 3, trainLoss: 0.6, valAcc: 0.7, trainAcc: 0.75 },
      { epoch: 4, trainLoss: 0.5, valLoss: 0.55, valAcc: 0.8, trainAcc: 0.85 },
    ];
    const svg = curvesSvg(h);
    expectWellFormed(svg);
    expect(polylines(svg, 'train loss').map((r) => r.length)).toEqual([4]);
    expect(polylines(svg, 'val loss').map((r) => r.length)).toEqual([1, 1]);
    expect(polylines(svg, 'train accuracy').map((r) => r.length)).toEqual([4]);
    expect(svg).toContain('stroke-dasharray="5,3"');
  });

  it('handles one epoch and an empty history', () => {
    const one = curvesSvg([{ epoch: 1, trainLoss: 0.7, valLoss: 0.69, valAcc: 0.5 }]);
    expectWellFormed(one);
    expect(polylines(one, 'train loss')[0].length).toBe(1);
    expect(one).not.toContain('NaN');
    expect(one).not.toContain('Infinity');
    const empty = curvesSvg([]);
    expectWellFormed(empty);
    expect((empty.match(/>no data<\/text>/g) ?? []).length).toBe(2);
    expect(empty).not.toContain('NaN');
    expect(() => curvesSvg(null as never)).toThrow(TypeError);
    expect(() => curvesSvg(history, { width: 10 })).toThrow(RangeError);
  });

  it('writeCurvesSvg writes the same document atomically', () => {
    const path = join(dir, 'curves.svg');
    writeCurvesSvg(path, history, { width: 800, height: 300 });
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(curvesSvg(history, { width: 800, height: 300 }));
    expect(readdirSync(dir)).toEqual(['curves.svg']);
    expect(() => writeCurvesSvg(join(dir, 'no', 'such', 'dir.svg'), history)).toThrow();
    expect(readdirSync(dir)).toEqual(['curves.svg']);
  });
});
