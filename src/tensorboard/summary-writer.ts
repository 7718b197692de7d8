/**
 * `SummaryWriter`: PyTorch's `torch.utils.tensorboard.SummaryWriter` in camelCase. Writes tfevents
 * files that TensorBoard (`tensorboard --logdir runs`) reads: scalars, groups of scalars, histograms
 * and text.
 *
 * @example
 * ```ts
 * const writer = new utils.tensorboard.SummaryWriter('runs/exp1');
 * for (let step = 0; step < 100; step++) writer.addScalar('Loss/train', loss, step);
 * writer.addHistogram('fc.weight', model.fc.weight, epoch);
 * writer.close();
 * ```
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Tensor } from '../tensor.js';
import { describeValue } from '../util/describe.js';
import { EVENT, EventFile, encodeEvent, type EventFileOptions } from './event-file.js';
import { histogramSummary, makeHistogram, scalarSummary, textSummary } from './summary.js';
import type { ProtoWriter } from '../util/protobuf.js';

export interface SummaryWriterOptions {
  /** Appended to the default log directory's name (when `logDir` is not given). */
  comment?: string;
  /** Events with a step >= purgeStep from an earlier run of the same directory are hidden by TensorBoard. */
  purgeStep?: number;
  /** Events queued before a write to disk (default 10). */
  maxQueue?: number;
  /** Seconds between automatic flushes of queued events (default 120). */
  flushSecs?: number;
  /** Appended to every event file's name. */
  filenameSuffix?: string;
}

/** A scalar: a number or a one-element tensor. */
export type ScalarLike = number | Tensor;

/** Histogram input: a tensor, an array or typed array of numbers. */
export type HistogramValues = Tensor | ArrayLike<number>;

const SESSION_LOG_START = 1;

function timeStamp(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${months[d.getMonth()]}${p(d.getDate())}_${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}

function checkTag(op: string, tag: unknown): string {
  if (typeof tag !== 'string') throw new TypeError(`${op}: expected tag to be a string, got ${describeValue(tag)}`);
  return tag;
}

function checkStep(op: string, step: unknown): number | undefined {
  if (step === undefined || step === null) return undefined;
  if (typeof step !== 'number' || !Number.isSafeInteger(step)) throw new TypeError(`${op}: expected globalStep to be an integer, got ${describeValue(step)}`);
  return step;
}

function checkWalltime(op: string, walltime: unknown): number {
  if (walltime === undefined || walltime === null) return Date.now() / 1000;
  if (typeof walltime !== 'number' || !Number.isFinite(walltime)) throw new TypeError(`${op}: expected walltime to be seconds since the epoch, got ${describeValue(walltime)}`);
  return walltime;
}

function scalarValue(op: string, v: unknown): number {
  if (typeof v === 'number') return v;
  if (v instanceof Tensor) {
    if (v.numel() !== 1) throw new RangeError(`${op}: expected a scalar or a one-element tensor, got a tensor of shape (${v.shape.join(', ')})`);
    return v.item();
  }
  throw new TypeError(`${op}: expected scalarValue to be a number or a one-element Tensor, got ${describeValue(v)}`);
}

function histogramValues(op: string, v: unknown): Float64Array {
  if (v instanceof Tensor) return Float64Array.from(v.detach().data as ArrayLike<number>);
  if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array))) {
    const a = v as ArrayLike<unknown>;
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (typeof x !== 'number') throw new TypeError(`${op}: expected numbers, got ${describeValue(x)} at index ${i}`);
      out[i] = x;
    }
    return out;
  }
  throw new TypeError(`${op}: expected values to be a Tensor or an array of numbers, got ${describeValue(v)}`);
}

export class SummaryWriter {
  private readonly logDirPath: string;
  private readonly fileOpts: EventFileOptions;
  private purgeStep: number | undefined;
  private main: EventFile | null = null;
  /** The sub-writers of addScalars, by directory. */
  private readonly scalarWriters = new Map<string, EventFile>();
  private closed = false;

  /** @param logDir where event files go (default `runs/<Mon>DD_HH-MM-SS_<host><comment>`, as PyTorch). */
  constructor(logDir?: string, options: SummaryWriterOptions = {}) {
    const op = 'SummaryWriter';
    if (options === null || typeof options !== 'object') throw new TypeError(`${op}: expected an options object, got ${describeValue(options)}`);
    if (logDir !== undefined && (typeof logDir !== 'string' || logDir === '')) throw new TypeError(`${op}: expected logDir to be a non-empty string, got ${describeValue(logDir)}`);
    const { comment = '', purgeStep, maxQueue = 10, flushSecs = 120, filenameSuffix = '' } = options;
    if (typeof comment !== 'string') throw new TypeError(`${op}: expected comment to be a string, got ${describeValue(comment)}`);
    if (typeof filenameSuffix !== 'string') throw new TypeError(`${op}: expected filenameSuffix to be a string, got ${describeValue(filenameSuffix)}`);
    if (!Number.isInteger(maxQueue) || maxQueue < 1) throw new RangeError(`${op}: expected maxQueue to be a positive integer, got ${describeValue(maxQueue)}`);
    if (typeof flushSecs !== 'number' || !(flushSecs >= 0) || !Number.isFinite(flushSecs)) throw new RangeError(`${op}: expected flushSecs to be a non-negative number, got ${describeValue(flushSecs)}`);
    this.purgeStep = checkStep(op, purgeStep);
    this.logDirPath = logDir ?? join('runs', `${timeStamp(new Date())}_${hostname()}${comment}`);
    this.fileOpts = { maxQueue, flushSecs, filenameSuffix };
    this.file(op); // PyTorch creates the directory and the event file at construction
  }

  /** The directory the event files are written to. */
  getLogdir(): string {
    return this.logDirPath;
  }

  private file(op: string): EventFile {
    if (this.closed) throw new Error(`${op}: the SummaryWriter was closed`);
    if (this.main === null) {
      this.main = new EventFile(this.logDirPath, this.fileOpts);
      if (this.purgeStep !== undefined) {
        const step = this.purgeStep;
        this.purgeStep = undefined;
        const now = Date.now() / 1000;
        this.main.add(encodeEvent(now, step, (w) => w.string(EVENT.fileVersion, 'brain.Event:2')));
        this.main.add(encodeEvent(now, step, (w) => w.message(EVENT.sessionLog, (s) => s.varint(1, SESSION_LOG_START))));
      }
    }
    return this.main;
  }

  private addSummary(file: EventFile, summary: ProtoWriter, step: number | undefined, walltime: number): void {
    file.add(encodeEvent(walltime, step, (w) => w.message(EVENT.summary, summary)));
  }

  /** Log one scalar (`Summary.Value.simple_value`, float32 as in PyTorch). */
  addScalar(tag: string, scalarValue_: ScalarLike, globalStep?: number, walltime?: number): void {
    const op = 'addScalar';
    const t = checkTag(op, tag);
    const v = scalarValue(op, scalarValue_);
    this.addSummary(this.file(op), scalarSummary(t, v), checkStep(op, globalStep), checkWalltime(op, walltime));
  }

  /**
   * Log several scalars on one chart: each key goes to its own event file under
   * `<logDir>/<mainTag with '/' as '_'>_<key>`, tagged `mainTag`, as PyTorch does.
   */
  addScalars(mainTag: string, tagScalarDict: Record<string, ScalarLike> | Map<string, ScalarLike>, globalStep?: number, walltime?: number): void {
    const op = 'addScalars';
    const t = checkTag(op, mainTag);
    if (tagScalarDict === null || typeof tagScalarDict !== 'object') throw new TypeError(`${op}: expected tagScalarDict to be an object of scalars, got ${describeValue(tagScalarDict)}`);
    const step = checkStep(op, globalStep);
    const wall = checkWalltime(op, walltime);
    const entries = tagScalarDict instanceof Map ? [...tagScalarDict] : Object.entries(tagScalarDict);
    const values = entries.map(([k, v]) => [k, scalarValue(`${op}: ${k}`, v)] as const);
    const base = this.file(op).logDir;
    for (const [key, v] of values) {
      const dir = `${base}/${t.replace(/\//g, '_')}_${key}`;
      let fw = this.scalarWriters.get(dir);
      if (!fw) {
        fw = new EventFile(dir, this.fileOpts);
        this.scalarWriters.set(dir, fw);
      }
      this.addSummary(fw, scalarSummary(t, v), step, wall);
    }
  }

  /**
   * Log a histogram of `values`. `bins`: 'tensorflow' (TensorBoard's default exponential edges), a
   * number of equal bins over the values' range, or explicit increasing edges.
   */
  addHistogram(tag: string, values: HistogramValues, globalStep?: number, bins: 'tensorflow' | number | readonly number[] = 'tensorflow', walltime?: number, maxBins?: number): void {
    const op = 'addHistogram';
    const t = checkTag(op, tag);
    if (maxBins !== undefined && (!Number.isInteger(maxBins) || maxBins < 1)) throw new RangeError(`${op}: expected maxBins to be a positive integer, got ${describeValue(maxBins)}`);
    if (typeof bins === 'string' && bins !== 'tensorflow') throw new RangeError(`${op}: bins must be 'tensorflow', a number of bins or an array of edges, got '${bins}'`);
    const h = makeHistogram(op, histogramValues(op, values), bins, maxBins);
    this.addSummary(this.file(op), histogramSummary(t, h), checkStep(op, globalStep), checkWalltime(op, walltime));
  }

  /** Log text (Markdown) for TensorBoard's text tab. */
  addText(tag: string, textString: string, globalStep?: number, walltime?: number): void {
    const op = 'addText';
    const t = checkTag(op, tag);
    if (typeof textString !== 'string') throw new TypeError(`${op}: expected textString to be a string, got ${describeValue(textString)}`);
    this.addSummary(this.file(op), textSummary(t, textString), checkStep(op, globalStep), checkWalltime(op, walltime));
  }

  /** Write every queued event to disk. */
  flush(): void {
    this.main?.flush();
    for (const f of this.scalarWriters.values()) f.flush();
  }

  /** Flush and close every event file. Further add* calls throw. */
  close(): void {
    if (this.closed) return;
    this.main?.close();
    for (const f of this.scalarWriters.values()) f.close();
    this.closed = true;
  }
}
