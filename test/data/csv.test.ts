import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsvSignals, parseCsvSignals, csvDataset, type CsvSignalOptions } from '../../src/data/csv.js';
import { DataFileError } from '../../src/data/errors.js';
import { DataLoader } from '../../src/data/dataloader.js';
import type { Tensor } from '../../src/tensor.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nodetorch-csv-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
function file(text: string): string {
  const path = join(dir, `f${counter++}.csv`);
  writeFileSync(path, text);
  return path;
}

function expectFileError(text: string, opts: CsvSignalOptions, re: RegExp, where: { row?: number; column?: number } = {}): void {
  const path = file(text);
  let err: unknown;
  try {
    readCsvSignals(path, opts);
  } catch (e) {
    err = e;
  }
  expect(err, `expected an error matching ${re}`).toBeInstanceOf(DataFileError);
  const e = err as DataFileError;
  expect(e.message).toMatch(re);
  expect(e.message.startsWith(`readCsvSignals: ${path}`)).toBe(true);
  expect(e.path).toBe(path);
  expect(e.row).toBe(where.row);
  expect(e.column).toBe(where.column);
}

describe('readCsvSignals', () => {
  it('label first (default), 0-based labels: signals (N, 1, L) float32, labels (N,) int64', () => {
    const { signals, labels } = readCsvSignals(file('0,1.5,2,3\n1,4,5,6e-1\n1,-7,.5,9\n'));
    expect(signals.shape).toEqual([3, 1, 3]);
    expect(signals.dtype).toBe('float32');
    expect(signals.toArray()).toEqual([[[1.5, 2, 3]], [[4, 5, Math.fround(0.6)]], [[-7, 0.5, 9]]]);
    expect(labels.dtype).toBe('int64');
    expect(labels.toArray()).toEqual([0, 1, 1]);
  });

  it('label last or at an index (negative from the end), 1-based labels subtracted', () => {
    const text = '1,2,3,1\n4,5,6,2\n';
    expect(readCsvSignals(file(text), { labelColumn: 'last', labelBase: 1 }).labels.toArray()).toEqual([0, 1]);
    expect(readCsvSignals(file(text), { labelColumn: -1, labelBase: 1 }).signals.toArray()).toEqual([[[1, 2, 3]], [[4, 5, 6]]]);
    const mid = readCsvSignals(file('10,0,20\n30,1,40\n'), { labelColumn: 1 });
    expect(mid.labels.toArray()).toEqual([0, 1]);
    expect(mid.signals.toArray()).toEqual([[[10, 20]], [[30, 40]]]);
    expect(readCsvSignals(file('0,1\n2,1\n'), { numClasses: 3 }).labels.toArray()).toEqual([0, 2]);
  });

  it('header detection: a non-numeric label cell or mostly text; or forced with header: true/false', () => {
    expect(readCsvSignals(file('label,t0,t1\n1,0.5,0.25\n')).signals.toArray()).toEqual([[[0.5, 0.25]]]);
    expect(readCsvSignals(file('label,0,1,2\n0,1,2,3\n')).labels.toArray()).toEqual([0]); // numeric column names
    expect(readCsvSignals(file('t0,t1,class\n1,2,0\n'), { labelColumn: 'last' }).signals.toArray()).toEqual([[[1, 2]]]);
    expect(readCsvSignals(file('7,8,9\n0,1,2\n'), { header: true }).labels.toArray()).toEqual([0]);
    expectFileError('label,a,b\n0,1,2\n', { header: false }, /label 'label' is not a number/, { row: 1, column: 1 });
  });

  it('delimiters: tab, semicolon, whitespace (UCR style), CRLF, BOM, blank lines, quotes', () => {
    expect(readCsvSignals(file('0\t1\t2\n1\t3\t4\n')).signals.toArray()).toEqual([[[1, 2]], [[3, 4]]]);
    expect(readCsvSignals(file('0;1;2\n')).signals.toArray()).toEqual([[[1, 2]]]);
    const ucr = '   1.0000000e+00  -1.2e-01   3.5\n  2.0000000e+00   4   5\n';
    const u = readCsvSignals(file(ucr), { labelBase: 1 });
    expect(u.labels.toArray()).toEqual([0, 1]);
    expect(u.signals.toArray()).toEqual([[[Math.fround(-0.12), 3.5]], [[4, 5]]]);
    const messy = '\ufeff"label","x0","x1"\r\n\r\n"1","0.5",0.75\r\n\n0,1,2\r\n\n';
    const m = readCsvSignals(file(messy));
    expect(m.labels.toArray()).toEqual([1, 0]);
    expect(m.signals.toArray()).toEqual([[[0.5, 0.75]], [[1, 2]]]);
    expect(readCsvSignals(file('0|1|2\n'), { delimiter: '|' }).signals.toArray()).toEqual([[[1, 2]]]);
  });

  it('csvDataset feeds a DataLoader with (B, 1, L) batches', () => {
    const rows = Array.from({ length: 5 }, (_, i) => `${i % 2},${i},${i + 0.5},${-i}`).join('\n');
    const ds = csvDataset(file(rows), { length: 3 });
    expect(ds.length).toBe(5);
    const batches = [...new DataLoader(ds, { batchSize: 2 })];
    expect(batches.map(([x]) => x.shape)).toEqual([[2, 1, 3], [2, 1, 3], [1, 1, 3]]);
    expect(batches[1][0].toArray()).toEqual([[[2, 2.5, -2]], [[3, 3.5, -3]]]);
    expect(batches[2][1].toArray()).toEqual([0]);
  });

  it('reads a larger file (1200-long rows) correctly', () => {
    const L = 1200;
    const lines: string[] = [];
    for (let r = 0; r < 40; r++) {
      const vals = Array.from({ length: L }, (_, t) => ((r * 7 + t) % 13) / 4 - 1.5);
      lines.push(`${(r % 2) + 1},${vals.join(',')}`);
    }
    const { signals, labels } = readCsvSignals(file(lines.join('\n')), { labelBase: 1, length: L });
    expect(signals.shape).toEqual([40, 1, L]);
    expect(labels.toArray()).toEqual(Array.from({ length: 40 }, (_, r) => r % 2));
    expect(signals.data[39 * L + 1199]).toBe(((39 * 7 + 1199) % 13) / 4 - 1.5);
  });

  it('bad files: the error names the file, row (line), column and problem', () => {
    expectFileError('0,1,2\n1,3\n', {}, /row 2: expected 3 cells like row 1, got 2 \(ragged rows\)/, { row: 2 });
    expectFileError('h1,h2,h3\n0,1,2\n\n1,3,4,5\n', {}, /row 4: expected 3 cells like row 2, got 4/, { row: 4 });
    expectFileError('0,1,2\n1,abc,3\n', {}, /row 2, column 2: non-numeric cell 'abc'/, { row: 2, column: 2 });
    expectFileError('0,1,2\n1,,3\n', {}, /row 2, column 2: empty cell/, { row: 2, column: 2 });
    expectFileError('0,1,2\n1,NaN,3\n', {}, /non-numeric cell 'NaN'/, { row: 2, column: 2 });
    expectFileError('0,1,Infinity\n', {}, /row 1, column 3: non-numeric cell 'Infinity'/, { row: 1, column: 3 });
    expectFileError('0,1,2,\n', {}, /row 1, column 4: empty cell/, { row: 1, column: 4 });
    expectFileError('0,1,2\n1,2,3\n', { length: 1200 }, /row 1: expected 1200 signal values and a label \(1201 cells\), got 3 cells/, { row: 1 });
    expectFileError('1,1,2\n2,1,2\n0,5,5\n', { labelBase: 1 }, /row 3, column 1: label 0 out of range: expected 1\.\.2 \(labelBase 1, numClasses 2\)/, { row: 3, column: 1 });
    expectFileError('0,1,2\n2,1,2\n', {}, /row 2, column 1: label 2 out of range: expected 0\.\.1/, { row: 2, column: 1 });
    expectFileError('0,1,2\n1.5,1,2\n', {}, /row 2, column 1: label '1\.5' is not an integer/, { row: 2, column: 1 });
    expectFileError('1,2,0\n3,4,x\n', { labelColumn: 'last' }, /row 2, column 3: label 'x' is not a number/, { row: 2, column: 3 });
    expectFileError('0\n1\n', {}, /row 1: expected a label and at least one signal value per row, got 1 cell/, { row: 1 });
    expectFileError('0,1\n', { labelColumn: 5 }, /labelColumn 5 is outside the 2 cells of a row/, { row: 1 });
    expectFileError('', {}, /no data rows/);
    expectFileError('\n\n  \n', {}, /no data rows/);
    expectFileError('label,a,b\n', {}, /no data rows/);
    const missing = join(dir, 'does-not-exist.csv');
    expect(() => readCsvSignals(missing)).toThrow(DataFileError);
    expect(() => readCsvSignals(missing)).toThrow(/readCsvSignals: .*does-not-exist\.csv: cannot read file/);
  });

  it('rejects bad options', () => {
    expect(() => parseCsvSignals('0,1', 'x', { labelColumn: 'middle' as never })).toThrow(RangeError);
    expect(() => parseCsvSignals('0,1', 'x', { header: 'yes' as never })).toThrow(TypeError);
    expect(() => parseCsvSignals('0,1', 'x', { labelBase: 2 as never })).toThrow(/labelBase must be 0 or 1, got 2/);
    expect(() => parseCsvSignals('0,1', 'x', { numClasses: 0 })).toThrow(/numClasses must be a positive integer/);
    expect(() => parseCsvSignals('0,1', 'x', { length: 0 })).toThrow(/length must be a positive integer/);
    expect(() => parseCsvSignals('0,1', 'x', { delimiter: '' })).toThrow(TypeError);
  });
});
