/**
 * A tqdm-like progress bar for training loops.
 *
 *   train epoch[3/15] loss:0.412:  45%|█████████               | 45/100 [00:05<00:06,  8.91it/s]
 *
 * On a TTY the line is redrawn in place with `\r` (at most every `minInterval` seconds, and always at
 * the end); elsewhere (a log file, a pipe, CI) nothing is written until close(), which writes the final
 * line once, so a log gets one line per bar (per epoch). The stream is injectable for tests.
 * @example
 * const bar = progress(trainLoader);
 * for await (const [x, y] of bar) {
 *   ...
 *   bar.desc = trainDescription(epoch + 1, epochs, loss.item());
 * }
 */

/** The part of a writable stream the bar uses (process.stderr, a tty.WriteStream, or a test double). */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of `progress` / `ProgressBar`: total, description, output stream and refresh rate. */
export interface ProgressOptions {
  /** Expected number of iterations; default the iterable's `length` (a DataLoader's batches), if any. */
  total?: number;
  /** Text before the bar. */
  desc?: string;
  /** Where to draw; default process.stderr (like tqdm). */
  stream?: ProgressStream;
  /** Redraw in place; default stream.isTTY. */
  tty?: boolean;
  /** Maximum bar width in characters (default 25); shrunk to fit stream.columns. */
  barWidth?: number;
  /** Minimum seconds between redraws on a TTY (default 0.1). */
  minInterval?: number;
  /** Clock in milliseconds (default performance.now); injectable for tests. */
  now?: () => number;
  /** Unit name in the rate (default 'it'). */
  unit?: string;
  /** Use '#' instead of Unicode blocks (default false). */
  ascii?: boolean;
}

const BLOCKS = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];

/** `mm:ss`, or `h:mm:ss` from an hour on (tqdm's format_interval). */
export function formatInterval(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.floor(seconds); // truncated, like tqdm
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (v: number) => String(v).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${two(m)}:${two(sec)}`;
}

/** The description the training loop shows: `train epoch[3/15] loss:0.412`. */
export function trainDescription(epoch: number, epochs: number, loss: number, prefix = 'train'): string {
  return `${prefix} epoch[${epoch}/${epochs}] loss:${loss.toFixed(3)}`;
}

/**
 * A progress bar, optionally wrapping an iterable (sync or async): iterating the bar iterates the
 * wrapped iterable, counts each item and closes the bar at the end (also on break or an exception).
 */
export class ProgressBar<T = unknown> implements Iterable<T>, AsyncIterable<T> {
  /** Text before the bar; assign it inside the loop (like tqdm's `bar.desc = ...`), shown at the next redraw. */
  desc: string;
  /** Iterations done. */
  n = 0;
  readonly total: number | undefined;
  private readonly iterable: Iterable<T> | AsyncIterable<T> | null;
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly barWidth: number;
  private readonly minInterval: number;
  private readonly now: () => number;
  private readonly unit: string;
  private readonly ascii: boolean;
  private readonly start: number;
  private lastDraw = -Infinity;
  private lastLen = 0;
  private closed = false;

  constructor(iterable: Iterable<T> | AsyncIterable<T> | null = null, opts: ProgressOptions = {}) {
    this.iterable = iterable;
    const len = (iterable as { length?: unknown } | null)?.length;
    this.total = opts.total ?? (typeof len === 'number' && Number.isFinite(len) ? len : undefined);
    if (this.total !== undefined && (!Number.isFinite(this.total) || this.total < 0)) {
      throw new RangeError(`ProgressBar: total must be a non-negative number, got ${this.total}`);
    }
    this.desc = opts.desc ?? '';
    this.stream = opts.stream ?? process.stderr;
    this.tty = opts.tty ?? this.stream.isTTY === true;
    this.barWidth = opts.barWidth ?? 25;
    this.minInterval = opts.minInterval ?? 0.1;
    this.now = opts.now ?? (() => performance.now());
    this.unit = opts.unit ?? 'it';
    this.ascii = opts.ascii ?? false;
    this.start = this.now();
  }

  /** Count n more iterations (default 1) and redraw if due. */
  update(n = 1): void {
    this.n += n;
    if (!this.tty || this.closed) return;
    const t = this.now();
    if ((t - this.lastDraw) / 1000 >= this.minInterval || (this.total !== undefined && this.n >= this.total)) this.draw(t);
  }

  /** Change the description and redraw now (tqdm's set_description). */
  setDescription(desc: string): void {
    this.desc = desc;
    this.refresh();
  }

  /** Redraw now (TTY only). */
  refresh(): void {
    if (this.tty && !this.closed) this.draw(this.now());
  }

  /** The current line, e.g. `desc:  45%|████▌     | 45/100 [00:05<00:06,  8.91it/s]`. */
  render(at: number = this.now()): string {
    const elapsed = Math.max(0, (at - this.start) / 1000);
    const rate = elapsed > 0 && this.n > 0 ? this.n / elapsed : undefined;
    const rateStr = rate === undefined
      ? `?${this.unit}/s`
      : rate >= 1 || rate === 0 ? `${rate.toFixed(2).padStart(5)}${this.unit}/s` : `${(1 / rate).toFixed(2).padStart(5)}s/${this.unit}`;
    const prefix = this.desc ? `${this.desc}: ` : '';
    if (this.total === undefined) {
      return `${prefix}${this.n}${this.unit} [${formatInterval(elapsed)}, ${rateStr}]`;
    }
    const total = this.total;
    const frac = total > 0 ? Math.min(1, this.n / total) : 1;
    const pct = `${Math.floor(frac * 100)}`.padStart(3);
    const remaining = rate === undefined ? '?' : formatInterval(Math.max(0, total - this.n) / rate);
    const counts = `${this.n}/${total}`;
    const tail = `| ${counts} [${formatInterval(elapsed)}<${remaining}, ${rateStr}]`;
    let width = this.barWidth;
    const cols = this.stream.columns;
    if (this.tty && typeof cols === 'number' && cols > 0) {
      width = Math.max(0, Math.min(width, cols - 1 - prefix.length - pct.length - 2 - tail.length));
    }
    return `${prefix}${pct}%|${this.bar(frac, width)}${tail}`;
  }

  private bar(frac: number, width: number): string {
    if (width <= 0) return '';
    if (this.ascii) {
      const full = Math.floor(frac * width);
      return '#'.repeat(full) + ' '.repeat(width - full);
    }
    const eighths = Math.floor(frac * width * 8);
    const full = Math.floor(eighths / 8);
    const part = eighths % 8;
    const s = '█'.repeat(full) + (full < width ? BLOCKS[part] : '');
    return s + ' '.repeat(Math.max(0, width - s.length));
  }

  private draw(t: number): void {
    let line = this.render(t);
    const cols = this.stream.columns;
    if (typeof cols === 'number' && cols > 1 && line.length > cols - 1) line = line.slice(0, cols - 1);
    const pad = this.lastLen > line.length ? ' '.repeat(this.lastLen - line.length) : '';
    this.stream.write(`\r${line}${pad}`);
    this.lastLen = line.length;
    this.lastDraw = t;
  }

  /** Final redraw and newline on a TTY; the one summary line elsewhere. Idempotent. */
  close(): void {
    if (this.closed) return;
    if (this.tty) {
      this.draw(this.now());
      this.stream.write('\n');
    } else {
      this.stream.write(`${this.render()}\n`);
    }
    this.closed = true;
  }

/** Iterate the wrapped iterable, drawing the bar as items go by. */
  *[Symbol.iterator](): Iterator<T> {
    const it = this.iterable as Iterable<T> | null;
    if (it === null || typeof (it as Iterable<T>)[Symbol.iterator] !== 'function') {
      throw new TypeError('ProgressBar: the wrapped object is not a synchronous iterable; use for await');
    }
    this.refresh();
    try {
      for (const v of it) {
        yield v;
        this.update();
      }
    } finally {
      this.close();
    }
  }

/** Iterate the wrapped (async) iterable, drawing the bar as items go by. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    const it = this.iterable;
    if (it === null) throw new TypeError('ProgressBar: no iterable to iterate');
    this.refresh();
    try {
      for await (const v of it as AsyncIterable<T>) {
        yield v;
        this.update();
      }
    } finally {
      this.close();
    }
  }
}

/** Wrap an iterable (e.g. a DataLoader) in a ProgressBar, like `tqdm(loader)`. */
export function progress<T>(iterable: Iterable<T> | AsyncIterable<T>, opts: ProgressOptions = {}): ProgressBar<T> {
  return new ProgressBar<T>(iterable, opts);
}
