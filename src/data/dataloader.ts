/**
 * DataLoader (torch.utils.data.DataLoader): batches of a dataset, in order or shuffled, loaded in the
 * main thread or ahead of time in worker threads.
 *
 * Workers (numWorkers > 0). Each worker thread rebuilds the dataset from a serialisable description
 * (dataset.workerSpec(), or the workerDataset option naming a module and export that builds it), so
 * getItem(i) must be a function of i (derive any randomness from the index, as SyntheticSignals does;
 * a worker's own defaultGenerator is seeded with 0x5eed0000 + its id, see getWorkerInfo()). The main thread runs the sampler (so the order, and the use of
 * the generator, are exactly those of numWorkers = 0), sends batch k's indices to worker k mod
 * numWorkers, keeps up to prefetchFactor * numWorkers batches in flight while the training step runs,
 * and yields them in sampler order. With the default collate the worker builds the batch and transfers
 * its arrays (no copy); TensorDataset storage is shared through SharedArrayBuffer; with a custom
 * collateFn the worker sends the samples and collateFn runs in the main thread.
 *
 * Iterating. `for await (const batch of loader)` always works. `for (const batch of loader)` works with
 * numWorkers = 0; with numWorkers > 0 it throws a TypeError saying to use `for await` (a synchronous
 * loop cannot wait for a worker, and silently loading in-process would hide the missing speed-up).
 * Workers start when an iteration starts and are terminated when it ends, including an early `break`
 * or an exception; with persistentWorkers they live across epochs until close().
 */
import { checkAllocation } from '../util/limits.js';
import { optionsArg } from '../ops/args.js';
import { Worker } from 'node:worker_threads';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { Generator } from '../util/generator.js';
import { checkDataset, specOf, type DatasetLike, type DatasetSpec, type ModuleDatasetSpec } from './dataset.js';
import { SequentialSampler, RandomSampler, BatchSampler, type Sampler } from './samplers.js';
import { defaultCollate, defaultConvert, type CollateFn, type Collated } from './collate.js';
import { decodeTransfer, reviveError } from './transfer.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker.js';
import { describeValue } from '../util/describe.js';

/** A module export that builds the dataset inside each worker (see ModuleDatasetSpec). */
export interface WorkerDatasetOption {
  /** A file path (relative to the current directory), a file: URL, or a package name. */
  module: string | URL;
  /** The export: a function (args) => dataset | Promise<dataset>, or a dataset. Default 'default'. */
  export?: string;
  /** Structured-cloneable argument passed to the factory. */
  args?: unknown;
}

/** Options of `data.DataLoader`, PyTorch's keywords in camelCase: batching, shuffling or a sampler, collation, worker threads. */
export interface DataLoaderOptions<S = unknown, B = Collated<S>> {
  /** Samples per batch (default 1); null turns automatic batching off (one sample per item). */
  batchSize?: number | null;
  /** Reshuffle every pass (a RandomSampler over the dataset). Exclusive with sampler. */
  shuffle?: boolean;
  /** Where the indices come from. Exclusive with shuffle. */
  sampler?: Sampler<number>;
  /** Yields whole batches of indices. Exclusive with batchSize, shuffle, sampler and dropLast. */
  batchSampler?: Sampler<number[]>;
  /** Builds a batch from its samples; default defaultCollate (defaultConvert without batching). */
  collateFn?: CollateFn<S, B>;
  /** Drop the last incomplete batch (default false). */
  dropLast?: boolean;
  /** Generator for shuffle: the same seed gives the same order; passes advance its state. */
  generator?: Generator;
  /** Worker threads loading batches ahead (default 0: load in the calling thread). */
  numWorkers?: number;
  /** Batches in flight per worker (default 2); only with numWorkers > 0. */
  prefetchFactor?: number;
  /** Keep the workers between passes until close() (default false). */
  persistentWorkers?: boolean;
  /** How workers build the dataset when it has no workerSpec(). */
  workerDataset?: WorkerDatasetOption;
}

/**
 * How to start a worker: the compiled `worker.js` next to this module (the published package), or,
 * when running from the TypeScript sources (tests, tsx), a small bootstrap that registers tsx's ESM
 * hooks in the worker and then imports `worker.ts` (Node 20 does not apply `--import tsx` given in a
 * worker's execArgv).
 */
function workerScript(): { filename: URL | string; eval: boolean } {
  const js = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { filename: js, eval: false };
  const ts = new URL('./worker.ts', import.meta.url);
  if (!existsSync(fileURLToPath(ts))) {
    throw new Error(`DataLoader: worker script not found next to ${import.meta.url} (expected worker.js or worker.ts)`);
  }
  const api = tsxEsmApi();
  const code = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ts.href)}); });`;
  return { filename: code, eval: true };
}

let tsxApiUrl: string | undefined;

function tsxEsmApi(): string {
  if (tsxApiUrl) return tsxApiUrl;
  try {
    const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports?: Record<string, unknown> };
    const entry = (pkg.exports?.['./esm/api'] as { import?: { default?: string } } | undefined)?.import?.default;
    if (typeof entry !== 'string') throw new Error('tsx/package.json has no ./esm/api import entry');
    tsxApiUrl = pathToFileURL(join(dirname(pkgPath), entry)).href;
    return tsxApiUrl;
  } catch (e) {
    throw new Error(`DataLoader: running from TypeScript sources, worker threads need the tsx package (npm i -D tsx): ${(e as Error).message}`);
  }
}

function moduleSpecifier(m: string | URL): string {
  if (m instanceof URL) return m.href;
  if (m.startsWith('file:')) return m;
  if (m.startsWith('.') || isAbsolute(m)) return pathToFileURL(resolvePath(m)).href;
  return m;
}

/** Worker k seeds its defaultGenerator with WORKER_SEED_BASE + k. */
const WORKER_SEED_BASE = 0x5eed0000;

let liveWorkers = 0;

/** @internal Worker threads started by DataLoaders that have not exited yet (for tests). */
export function activeWorkerCount(): number {
  return liveWorkers;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  worker: number;
}

/** The worker threads of one pass (or of all passes, with persistentWorkers). */
class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly abandoned = new Set<number>();
  private readonly inFlight: number[];
  private nextId = 0;
  private failure: Error | null = null;
  private closed = false;

  constructor(spec: DatasetSpec, numWorkers: number, mode: WorkerInit['mode']) {
    const script = workerScript();
    this.inFlight = new Array<number>(numWorkers).fill(0);
    for (let k = 0; k < numWorkers; k++) {
      const init: WorkerInit = { spec, mode, workerId: k, numWorkers, seed: WORKER_SEED_BASE + k };
      const w = new Worker(script.filename, { workerData: init, eval: script.eval });
      liveWorkers++;
      w.unref(); // referenced only while it owes us a batch
      w.on('message', (reply: WorkerReply) => this.onReply(k, reply));
      w.on('error', (e: Error) => this.fail(reviveError({ name: e.name, message: e.message, stack: e.stack }, `DataLoader worker ${k}`)));
      w.on('exit', (code) => {
        liveWorkers--;
        if (!this.closed) this.fail(new Error(`DataLoader worker ${k} exited unexpectedly with code ${code}`));
      });
      this.workers.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Ask worker k for a batch; the promise settles with the decoded batch. */
  request(k: number, indices: number[] | number): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('DataLoader: workers were closed'));
    const id = this.nextId++;
    const p = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject, worker: k }));
    p.catch(() => undefined); // the consumer may stop before awaiting it
    if (this.inFlight[k]++ === 0) this.workers[k].ref();
    this.workers[k].postMessage({ id, indices } satisfies WorkerRequest);
    return p;
  }

  /** Drop the requests still in flight (a pass of persistent workers that ended early). */
  abandon(): void {
    for (const id of this.pending.keys()) this.abandoned.add(id);
    this.pending.clear();
  }

  /** False once terminated or broken (a persistent pool is then replaced). */
  get alive(): boolean {
    return !this.closed && this.failure === null;
  }

  /**
   * A reply from worker k arrived: unref it when it owes nothing more, so an idle pool never keeps
   * the process alive. Never once terminating: Worker.terminate() refs the worker so that the event
   * loop stays alive until its 'exit' event settles the promise, and a reply still in the port (Node
   * drains it while the thread stops) would otherwise drop that ref. With nothing else pending (an
   * early `break` out of `for await`, whose return() awaits terminate()), Node then exited mid-await:
   * code 13 under top-level await, or 0 without running the code after the loop.
   */
  private settle(k: number): void {
    if (--this.inFlight[k] === 0 && !this.closed) this.workers[k].unref();
  }

  private onReply(k: number, reply: WorkerReply): void {
    this.settle(k);
    const p = this.pending.get(reply.id);
    if (!p) {
      this.abandoned.delete(reply.id);
      return;
    }
    this.pending.delete(reply.id);
    if ('error' in reply) p.reject(reviveError(reply.error, `DataLoader worker ${k}`));
    else p.resolve(decodeTransfer(reply.batch));
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    void this.terminate();
  }

  async terminate(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new Error('DataLoader: workers were closed');
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    // Worker.terminate() refs the worker until its 'exit' event; settle() must not unref it after
    // this point (see there).
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Combines a dataset and a sampler into an iterable of batches (torch.utils.data.DataLoader).
 *
 * Shape: with the default collate, samples `[x (1, L), y]` give batches `[x (B, 1, L), y (B,)]`.
 * Types: the batch type follows the dataset's sample type (`Collated<S>`: tensors and numbers become
 * stacked tensors, tuples and objects keep their structure), or a custom collateFn's return type.
 * @example
 * const loader = new DataLoader(trainSet, { batchSize: 32, shuffle: true, generator: new Generator(0) });
 * for await (const [x, y] of loader) { ... }   // loader.length batches
 */
export class DataLoader<S = unknown, B = Collated<S>> implements Iterable<B>, AsyncIterable<B> {
  readonly dataset: DatasetLike<S>;
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly sampler: Sampler<number>;
  readonly batchSampler: Sampler<number[]> | null;
  readonly collateFn: CollateFn<S, B>;
  readonly numWorkers: number;
  readonly prefetchFactor: number;
  readonly persistentWorkers: boolean;
  readonly generator: Generator | undefined;
  private readonly workerDataset: ModuleDatasetSpec | undefined;
  /** Workers send samples and collateFn runs here (custom collateFn, or no automatic batching). */
  private readonly rawMode: boolean;
  private pool: WorkerPool | null = null;

  constructor(dataset: DatasetLike<S>, opts: DataLoaderOptions<S, B> = {}) {
    opts = optionsArg('DataLoader', opts) as typeof opts;
    const op = 'DataLoader';
    checkDataset(op, dataset);
    if (opts === null || typeof opts !== 'object') throw new TypeError(`${op}: options must be an object`);
    const { shuffle = false, sampler, batchSampler, collateFn, generator, numWorkers = 0, persistentWorkers = false } = opts;
    let batchSize = opts.batchSize === undefined ? 1 : opts.batchSize;
    // A batch holds at least batchSize elements: a runaway size fails here, not when its index list fills memory.
    if (Number.isInteger(batchSize)) checkAllocation(op, batchSize as number, 8);
    let dropLast = opts.dropLast ?? false;
    if (typeof shuffle !== 'boolean') throw new TypeError(`${op}: shuffle must be a boolean, got ${describeValue(shuffle)}`);
    if (typeof dropLast !== 'boolean') throw new TypeError(`${op}: dropLast must be a boolean, got ${describeValue(dropLast)}`);
    if (!Number.isInteger(numWorkers) || numWorkers < 0) {
      throw new RangeError(`${op}: numWorkers option should be a non-negative integer; use numWorkers=0 to disable worker threads (got ${numWorkers})`);
    }
    if (opts.prefetchFactor !== undefined && numWorkers === 0) {
      throw new RangeError(`${op}: prefetchFactor option could only be specified with worker threads; let numWorkers > 0 to enable them`);
    }
    const prefetchFactor = opts.prefetchFactor ?? 2;
    if (!Number.isInteger(prefetchFactor) || prefetchFactor < 1) throw new RangeError(`${op}: prefetchFactor must be a positive integer, got ${prefetchFactor}`);
    if (persistentWorkers && numWorkers === 0) throw new RangeError(`${op}: persistentWorkers option needs numWorkers > 0`);
    if (generator !== undefined && !(generator instanceof Generator)) throw new TypeError(`${op}: generator must be a Generator`);
    if (collateFn !== undefined && typeof collateFn !== 'function') throw new TypeError(`${op}: collateFn must be a function, got ${describeValue(collateFn)}`);
    if (sampler !== undefined && shuffle) throw new RangeError(`${op}: sampler option is mutually exclusive with shuffle`);
    if (batchSampler !== undefined) {
      if ((opts.batchSize !== undefined && opts.batchSize !== 1) || shuffle || sampler !== undefined || dropLast) {
        throw new RangeError(`${op}: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast`);
      }
      batchSize = null;
      dropLast = false;
      checkSampler(op, 'batchSampler', batchSampler);
    } else if (batchSize === null) {
      if (dropLast) throw new RangeError(`${op}: batchSize=null option disables auto-batching and is mutually exclusive with dropLast`);
    } else if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new RangeError(`${op}: batchSize should be a positive integer value or null, but got batchSize=${String(batchSize)}`);
    }
    if (sampler !== undefined) checkSampler(op, 'sampler', sampler);

    this.dataset = dataset;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    this.generator = generator;
    this.sampler = sampler ?? (shuffle ? new RandomSampler(dataset, { generator }) : new SequentialSampler(dataset));
    this.batchSampler = batchSampler ?? (batchSize !== null ? new BatchSampler(this.sampler, batchSize, dropLast) : null);
    const autoBatch = this.batchSampler !== null;
    this.rawMode = !autoBatch || (collateFn !== undefined && collateFn !== defaultCollate);
    this.collateFn = collateFn ?? ((autoBatch ? defaultCollate : defaultConvert) as unknown as CollateFn<S, B>);
    this.numWorkers = numWorkers;
    this.prefetchFactor = prefetchFactor;
    this.persistentWorkers = persistentWorkers;
    if (opts.workerDataset !== undefined) {
      const w = opts.workerDataset;
      if (w === null || typeof w !== 'object' || (typeof w.module !== 'string' && !(w.module instanceof URL))) {
        throw new TypeError(`${op}: workerDataset must be { module: string | URL, export?: string, args? }`);
      }
      this.workerDataset = { kind: 'module', module: moduleSpecifier(w.module), export: w.export, args: w.args };
    }
  }

  /** Number of batches per pass (len(batchSampler); len(sampler) without automatic batching). */
  get length(): number {
    return this.batchSampler !== null ? this.batchSampler.length : this.sampler.length;
  }

  /** Batch index lists (or single indices without automatic batching), in order. */
  private indexIterator(): Iterator<number[] | number> {
    return (this.batchSampler ?? this.sampler)[Symbol.iterator]() as Iterator<number[] | number>;
  }

  private loadInProcess(indices: number[] | number): B {
    if (typeof indices === 'number') return this.collateFn(this.dataset.getItem(indices) as never);
    return this.collateFn(indices.map((i) => this.dataset.getItem(i)));
  }

/** The batches of one pass, loaded in this thread (`for (const b of loader)`; workers need `for await`). */
  *[Symbol.iterator](): Iterator<B> {
    if (this.numWorkers > 0) {
      throw new TypeError(
        `DataLoader: numWorkers=${this.numWorkers} loads batches asynchronously in worker threads; ` +
        'iterate with `for await (const batch of loader)`, or set numWorkers: 0 to use a synchronous for...of',
      );
    }
    const it = this.indexIterator();
    for (let r = it.next(); !r.done; r = it.next()) yield this.loadInProcess(r.value);
  }

/** The batches of one pass, from the worker threads when numWorkers > 0 (`for await (const b of loader)`). */
  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.numWorkers === 0) {
      const it = this.indexIterator();
      for (let r = it.next(); !r.done; r = it.next()) yield this.loadInProcess(r.value);
      return;
    }
    yield* this.iterateWithWorkers();
  }

  private workerSpec(): DatasetSpec {
    return this.workerDataset ?? specOf('DataLoader (numWorkers > 0)', this.dataset);
  }

  private async *iterateWithWorkers(): AsyncGenerator<B> {
    const it = this.indexIterator();
    const maxInFlight = this.prefetchFactor * this.numWorkers;
    const inFlight: Promise<unknown>[] = [];
    let pool: WorkerPool | null = null;
    let sent = 0;
    let exhausted = false;
    const getPool = (): WorkerPool => {
      if (pool) return pool;
      if (this.persistentWorkers && this.pool?.alive) return (pool = this.pool);
      pool = new WorkerPool(this.workerSpec(), this.numWorkers, this.rawMode ? 'raw' : 'collate');
      if (this.persistentWorkers) this.pool = pool;
      return pool;
    };
    const fill = (): void => {
      while (!exhausted && inFlight.length < maxInFlight) {
        const r = it.next();
        if (r.done) {
          exhausted = true;
          break;
        }
        const p = getPool();
        inFlight.push(p.request(sent % p.size, r.value));
        sent++;
      }
    };
    let finished = false;
    try {
      fill();
      while (inFlight.length > 0) {
        const raw = await inFlight.shift()!;
        fill(); // keep the workers busy while the consumer works on this batch
        yield (this.rawMode ? this.collateFn(raw as never) : raw) as B;
      }
      finished = true;
    } finally {
      const used = pool as WorkerPool | null;
      if (used && !this.persistentWorkers) await used.terminate();
      else if (used && !finished) used.abandon();
    }
  }

  /** Terminate persistent workers (no-op otherwise). The loader can still be iterated afterwards. */
  async close(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    if (p) await p.terminate();
  }
}

function checkSampler(op: string, name: string, s: unknown): void {
  const v = s as Sampler | null;
  if (v === null || typeof v !== 'object' || typeof v[Symbol.iterator] !== 'function' || !Number.isInteger(v.length)) {
    throw new TypeError(`${op}: ${name} must be an iterable with an integer length`);
  }
}
