/**
 * CSV signal files: one sample a row, a label cell and L signal values.
 *
 * Cells are separated by the `delimiter` (default: detected from the first row: ',', then tab, then ';',
 * else runs of whitespace, as in UCR-archive .txt/.tsv files). Blank lines are skipped; surrounding
 * double quotes of a cell are removed (quoted cells may not contain the delimiter); a UTF-8 BOM is
 * ignored. Every problem is a DataFileError naming the file, the line (`row`, 1-based, counting blank
 * and header lines), the column where it applies, and what is wrong.
 */
import { readFileSync } from 'node:fs';
import { Tensor } from '../tensor.js';
import { DataFileError } from './errors.js';
import { TensorDataset } from './dataset.js';
import { checkLabelOptions, type SignalArrays, type SignalFileOptions } from './npy.js';
import { describeValue } from '../util/describe.js';

export interface CsvSignalOptions extends SignalFileOptions {
  /** Which cell is the label: 'first' (default, the UCR layout), 'last', a 0-based index (negative
   * counts from the end), or 'none' (unlabelled rows: every cell is a signal value, labels are null). */
  labelColumn?: 'first' | 'last' | 'none' | number;
  /**
   * Whether the first row is a header: true, false, or 'auto' (default): it is a header when its label
   * cell is not a number or most of its cells are not numbers.
   */
  header?: 'auto' | boolean;
  /** Cell separator (a string); default detected from the first row. */
  delimiter?: string;
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseCell(cell: string): number {
  let c = cell.trim();
  if (c.length >= 2 && c.startsWith('"') && c.endsWith('"')) c = c.slice(1, -1).trim();
  return NUMBER_RE.test(c) ? Number(c) : Number.NaN;
}

function cellText(cell: string): string {
  const t = cell.trim();
  return t.length > 40 ? `${t.slice(0, 37)}...` : t;
}

/**
 * Read a CSV signal file. Returns signals (N, 1, L) float32 and labels (N,) int64 (0-based: labelBase
 * is subtracted). Errors: unreadable or empty file, ragged rows, a non-numeric or empty cell, a series
 * of the wrong length (with `length`), a non-integer label, a label out of range.
 * @example const { signals, labels } = readCsvSignals('train.csv', { labelColumn: 'first', labelBase: 1 });
 */
export function readCsvSignals(path: string, opts: CsvSignalOptions & { labelColumn: 'none' }): UnlabelledSignals;
export function readCsvSignals(path: string, opts?: CsvSignalOptions): SignalArrays;
export function readCsvSignals(path: string, opts: CsvSignalOptions = {}): SignalArrays | UnlabelledSignals {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DataFileError('readCsvSignals', path, `cannot read file (${(e as Error).message})`);
  }
  return parseCsvSignals(text, path, opts);
}

/** Signals of a CSV without a label column (`labelColumn: 'none'`). */
export interface UnlabelledSignals {
  signals: Tensor;
  labels: null;
}

/** parseCsvSignals on text already in memory; `name` is used in error messages. */
export function parseCsvSignals(text: string, name: string, opts: CsvSignalOptions & { labelColumn: 'none' }): UnlabelledSignals;
export function parseCsvSignals(text: string, name: string, opts?: CsvSignalOptions): SignalArrays;
export function parseCsvSignals(text: string, name: string, opts: CsvSignalOptions = {}): SignalArrays | UnlabelledSignals {
  const op = 'readCsvSignals';
  const { base, numClasses } = checkLabelOptions(op, opts);
  const { labelColumn = 'first', header = 'auto' } = opts;
  if (!(labelColumn === 'first' || labelColumn === 'last' || labelColumn === 'none' || Number.isInteger(labelColumn))) {
    throw new RangeError(`${op}: labelColumn must be 'first', 'last', 'none' or an integer index, got ${String(labelColumn)}`);
  }
  const unlabelled = labelColumn === 'none';
  const labelCells = unlabelled ? 0 : 1;
  if (!(header === 'auto' || typeof header === 'boolean')) throw new TypeError(`${op}: header must be 'auto', true or false, got ${describeValue(header)}`);
  if (opts.delimiter !== undefined && (typeof opts.delimiter !== 'string' || opts.delimiter.length === 0)) {
    throw new TypeError(`${op}: delimiter must be a non-empty string`);
  }
  if (opts.length !== undefined && (!Number.isInteger(opts.length) || opts.length < 1)) {
    throw new RangeError(`${op}: length must be a positive integer, got ${opts.length}`);
  }
  const fail = (problem: string, row?: number, column?: number): never => {
    throw new DataFileError(op, name, problem, { row, column });
  };
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  let split: ((line: string) => string[]) | null = null;
  let ncells = -1;
  let firstDataRow = -1;
  let labelIdx = -1;
  let values = new Float32Array(0);
  let labels = new Float64Array(0);
  let n = 0;
  let seenFirst = false;
  let pos = 0;
  let lineNo = 0;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    let line = text.slice(pos, end);
    pos = end + 1;
    lineNo++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim().length === 0) continue;
    if (split === null) {
      const d = opts.delimiter ?? [',', '\t', ';'].find((c) => line.includes(c));
      split = d !== undefined ? (l) => l.split(d) : (l) => l.trim().split(/\s+/);
    }
    const cells = split(line);
    if (!seenFirst) {
      seenFirst = true;
      const li = resolveLabelColumn(labelColumn, cells.length);
      let isHeader = header === true;
      if (header === 'auto') {
        const nonNumeric = cells.filter((c) => Number.isNaN(parseCell(c))).length;
        isHeader = (li >= 0 && li < cells.length && Number.isNaN(parseCell(cells[li]))) || nonNumeric * 2 > cells.length;
      }
      if (isHeader) continue;
    }
    if (ncells < 0) {
      ncells = cells.length;
      firstDataRow = lineNo;
      if (ncells < 1 + labelCells) fail(`expected ${unlabelled ? '' : 'a label and '}at least one signal value per row, got ${ncells} cell`, lineNo);
      labelIdx = resolveLabelColumn(labelColumn, ncells);
      if (!unlabelled && (labelIdx < 0 || labelIdx >= ncells)) fail(`labelColumn ${String(labelColumn)} is outside the ${ncells} cells of a row`, lineNo);
      if (opts.length !== undefined && ncells - labelCells !== opts.length) {
        fail(`expected ${opts.length} signal values${unlabelled ? '' : ' and a label'} (${opts.length + labelCells} cells), got ${ncells} cells`, lineNo);
      }
      const cap = 16 + Math.ceil((1.25 * (text.length - pos)) / (line.length + 1)); // rows left, roughly
      values = new Float32Array(cap * (ncells - labelCells));
      labels = new Float64Array(cap);
    } else if (cells.length !== ncells) {
      fail(`expected ${ncells} cells like row ${firstDataRow}, got ${cells.length} (ragged rows)`, lineNo);
    }
    if (n === labels.length) {
      const v2 = new Float32Array(values.length * 2);
      v2.set(values);
      values = v2;
      const l2 = new Float64Array(labels.length * 2);
      l2.set(labels);
      labels = l2;
    }
    const L = ncells - labelCells;
    let k = n * L;
    for (let j = 0; j < ncells; j++) {
      const cell = cells[j];
      const v = parseCell(cell);
      if (j === labelIdx) {
        if (Number.isNaN(v)) fail(cell.trim() === '' ? 'empty label cell' : `label '${cellText(cell)}' is not a number`, lineNo, j + 1);
        if (!Number.isInteger(v)) fail(`label '${cellText(cell)}' is not an integer`, lineNo, j + 1);
        const c = v - base;
        if (!(c >= 0 && c < numClasses)) {
          fail(`label ${v} out of range: expected ${base}..${base + numClasses - 1} (labelBase ${base}, numClasses ${numClasses})`, lineNo, j + 1);
        }
        labels[n] = c;
      } else {
        if (!Number.isFinite(v)) fail(cell.trim() === '' ? 'empty cell' : `non-numeric cell '${cellText(cell)}'`, lineNo, j + 1);
        values[k++] = v;
      }
    }
    n++;
  }
  if (n === 0) fail('no data rows');
  const L = ncells - labelCells;
  const signals = new Tensor(values.slice(0, n * L), [n, 1, L], 'float32');
  if (unlabelled) return { signals, labels: null };
  return { signals, labels: new Tensor(labels.slice(0, n), [n], 'int64') };
}

function resolveLabelColumn(labelColumn: 'first' | 'last' | 'none' | number, ncells: number): number {
  if (labelColumn === 'none') return -1;
  if (labelColumn === 'first') return 0;
  if (labelColumn === 'last') return ncells - 1;
  return labelColumn < 0 ? ncells + labelColumn : labelColumn;
}

/**
 * readCsvSignals as a TensorDataset: samples `[x (1, L) float32, y () int64]`.
 * @example const ds = csvDataset('train.csv', { labelColumn: 'last', labelBase: 1, length: 1200 });
 */
export function csvDataset(path: string, opts: CsvSignalOptions = {}): TensorDataset {
  const { signals, labels } = readCsvSignals(path, opts);
  return labels ? new TensorDataset(signals, labels) : new TensorDataset(signals); // labelColumn 'none': signals only
}
