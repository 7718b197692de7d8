/**
 * Datasets (torch.utils.data): the Dataset contract (length + getItem), TensorDataset, Subset,
 * ConcatDataset and randomSplit.
 *
 * A dataset that a DataLoader with `numWorkers > 0` can use must be rebuilt inside each worker thread
 * (functions and class instances do not cross threads). Built-in datasets describe themselves with
 * `workerSpec()` (plain data: TensorDataset shares its storage through SharedArrayBuffer, SyntheticSignals
 * sends its options); a user dataset can implement `workerSpec()` returning
 * `{ kind: 'module', module, export, args }`, or the DataLoader's `workerDataset` option names a module
 * whose export builds it. See dataloader.ts.
 */
import { Tensor, shapeSize, shapeStr, type DType, type Storage } from '../tensor.js';
import { randperm } from '../creation.js';
import { defaultGenerator, Generator } from '../util/generator.js';
import { numberListArg } from '../ops/args.js';
import { describeValue } from '../util/describe.js';

/** A typed array that may live in a SharedArrayBuffer. */
export type SharedStorage = Float32Array | Float64Array | Uint8Array;

/** A serialisable description from which a worker thread rebuilds a dataset. */
export type DatasetSpec =
  | { kind: 'tensor'; tensors: { data: SharedStorage; shape: number[]; dtype: DType }[] }
  | { kind: 'subset'; dataset: DatasetSpec; indices: number[] }
  | { kind: 'concat'; datasets: DatasetSpec[] }
  | { kind: 'synthetic'; options: Record<string, unknown> }
  | { kind: 'syntheticDigits'; options: Record<string, unknown> }
  | ModuleDatasetSpec;

/**
 * A dataset built in the worker by `(await import(module))[export](args)` (export defaults to
 * 'default'); the factory may return the dataset or a promise of it. `module` is a file path, a
 * file: URL or a package name; `args` must be structured-cloneable.
 */
export interface ModuleDatasetSpec {
  kind: 'module';
  module: string;
  export?: string;
  args?: unknown;
}

/** What DataLoader and the samplers need from a dataset: a length and random access. */
export interface DatasetLike<T = unknown> {
  readonly length: number;
/** Sample `index` (0 <= index < length), as `__getitem__`. */
  getItem(index: number): T;
  /** Optional: how a worker thread rebuilds this dataset (needed for numWorkers > 0). */
  workerSpec?(): DatasetSpec;
}

/**
 * Base class of map-style datasets (torch.utils.data.Dataset): subclasses define `length` and
 * `getItem(index)`.
 * @example
 * class Squares extends Dataset<[number, number]> {
 *   readonly length = 10;
 *   getItem(i: number): [number, number] { return [i, i * i]; }
 * }
 */
export abstract class Dataset<T = unknown> implements DatasetLike<T> {
  abstract readonly length: number;
/** Sample `index` (0 <= index < length), as `__getitem__`. */
  abstract getItem(index: number): T;
}

/** Resolve a possibly negative index against length; RangeError (PyTorch's IndexError) if out of range. */
export function checkIndex(op: string, index: number, length: number): number {
  if (!Number.isInteger(index)) throw new TypeError(`${op}: index must be an integer, got ${describeValue(index)}`);
  const i = index < 0 ? index + length : index;
  if (i < 0 || i >= length) throw new RangeError(`${op}: index ${index} is out of range for a dataset of length ${length}`);
  return i;
}

function shareStorage(data: Storage): SharedStorage {
  if (data.buffer instanceof SharedArrayBuffer) return data;
  const Ctor = data.constructor as new (buf: SharedArrayBuffer) => SharedStorage;
  const shared = new Ctor(new SharedArrayBuffer(data.byteLength));
  shared.set(data);
  return shared;
}

/**
 * Samples are slices along the first dimension of each tensor: `getItem(i)` is `[t0[i], t1[i], ...]`
 * (views sharing storage; a 1-D tensor gives 0-d tensors).
 *
 * Shape: every tensor has the same size(0) = length.
 * @example
 * const ds = new TensorDataset(signals, labels); // (N, 1, 1200) float32, (N,) int64
 * const [x, y] = ds.getItem(0);                   // (1, 1200), ()
 */
export class TensorDataset extends Dataset<Tensor[]> {
  tensors: Tensor[];
  private shared = false;

  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new TypeError('TensorDataset: expected at least one tensor');
    tensors.forEach((t, k) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: argument ${k} must be a Tensor, got ${describeValue(t)}`);
      if (t.ndim === 0) throw new RangeError(`TensorDataset: argument ${k} is 0-d; tensors need a first (sample) dimension`);
    });
    const n = tensors[0].shape[0];
    tensors.forEach((t, k) => {
      if (t.shape[0] !== n) {
        throw new RangeError(`TensorDataset: size mismatch between tensors: tensor 0 has size(0) ${n}, tensor ${k} has shape ${shapeStr(t.shape)}`);
      }
    });
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

/** `[t0[index], t1[index], ...]`. */
  getItem(index: number): Tensor[] {
    const i = checkIndex('TensorDataset', index, this.length);
    return this.tensors.map((t) => {
      const rest = t.shape.slice(1);
      const stride = shapeSize(rest);
      return new Tensor(t.data.subarray(i * stride, (i + 1) * stride), rest, t.dtype);
    });
  }

  /**
   * Moves this dataset's storage into SharedArrayBuffers (once; the caller's tensors are left alone)
   * so every worker reads the same memory without a copy.
   */
/** How a DataLoader worker rebuilds this dataset (the tensors are shared, not copied). */
  workerSpec(): DatasetSpec {
    if (!this.shared) {
      this.tensors = this.tensors.map((t) => new Tensor(shareStorage(t.data), t.shape, t.dtype));
      this.shared = true;
    }
    return {
      kind: 'tensor',
      tensors: this.tensors.map((t) => ({ data: t.data as SharedStorage, shape: [...t.shape], dtype: t.dtype })),
    };
  }
}

/** The samples of `dataset` at `indices`, in that order (torch.utils.data.Subset); negative indices count from the end. */
export class Subset<T = unknown> extends Dataset<T> {
  readonly dataset: DatasetLike<T>;
  readonly indices: readonly number[];

  constructor(dataset: DatasetLike<T>, indices: Iterable<number> | ArrayLike<number>) {
    super();
    checkDataset('Subset', dataset);
    this.dataset = dataset;
    const list = numberListArg('Subset', 'indices', indices).map((i) => {
      if (!Number.isInteger(i) || i < -dataset.length || i >= dataset.length) {
        throw new RangeError(`Subset: index ${i} is out of range for a dataset of length ${dataset.length}`);
      }
      return i < 0 ? i + dataset.length : i;
    });
    this.indices = Object.freeze(list);
  }

  get length(): number {
    return this.indices.length;
  }

/** Sample `indices[index]` of the wrapped dataset. */
  getItem(index: number): T {
    return this.dataset.getItem(this.indices[checkIndex('Subset', index, this.indices.length)]);
  }

/** How a DataLoader worker rebuilds this subset (the wrapped dataset's spec and the indices). */
  workerSpec(): DatasetSpec {
    return { kind: 'subset', dataset: specOf('Subset', this.dataset), indices: [...this.indices] };
  }
}

/** Datasets one after another (torch.utils.data.ConcatDataset). */
export class ConcatDataset<T = unknown> extends Dataset<T> {
  readonly datasets: readonly DatasetLike<T>[];
  /** cumulativeSizes[k] = total length of datasets 0..k. */
  readonly cumulativeSizes: readonly number[];

  constructor(datasets: Iterable<DatasetLike<T>>) {
    super();
    if (datasets === null || datasets === undefined || typeof (datasets as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
      throw new TypeError(`ConcatDataset: expected an iterable of datasets, got ${describeValue(datasets)}`);
    }
    const list = [...datasets];
    if (list.length === 0) throw new RangeError('ConcatDataset: datasets should not be an empty iterable');
    list.forEach((d) => checkDataset('ConcatDataset', d));
    this.datasets = Object.freeze(list);
    let acc = 0;
    this.cumulativeSizes = Object.freeze(list.map((d) => (acc += d.length)));
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }

/** Sample `index` of the concatenation (from the dataset that holds it). */
  getItem(index: number): T {
    const i = checkIndex('ConcatDataset', index, this.length);
    let lo = 0;
    let hi = this.cumulativeSizes.length - 1;
    while (lo < hi) { // first k with cumulativeSizes[k] > i
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid] > i) hi = mid;
      else lo = mid + 1;
    }
    const start = lo === 0 ? 0 : this.cumulativeSizes[lo - 1];
    return this.datasets[lo].getItem(i - start);
  }

/** How a DataLoader worker rebuilds the concatenation (each dataset's spec). */
  workerSpec(): DatasetSpec {
    return { kind: 'concat', datasets: this.datasets.map((d) => specOf('ConcatDataset', d)) };
  }
}

export function checkDataset(op: string, dataset: unknown): asserts dataset is DatasetLike {
  const d = dataset as DatasetLike | null;
  if (d === null || typeof d !== 'object' || typeof d.getItem !== 'function' || !Number.isInteger(d.length) || d.length < 0) {
    throw new TypeError(`${op}: expected a dataset with an integer length and a getItem(index) method, got ${describeValue(dataset)}`);
  }
}

/** The worker spec of a dataset, or a TypeError explaining how to provide one. */
export function specOf(op: string, dataset: DatasetLike): DatasetSpec {
  if (typeof dataset.workerSpec === 'function') return dataset.workerSpec();
  throw new TypeError(
    `${op}: ${describeValue(dataset, { type: true })} cannot be rebuilt in a worker thread: give it a workerSpec() method ` +
    `(e.g. returning { kind: 'module', module, export, args }), pass the DataLoader option ` +
    `workerDataset: { module, export, args }, or use numWorkers: 0`,
  );
}

/**
 * Split a dataset into non-overlapping random subsets (torch.utils.data.random_split). `lengths` are
 * either sizes summing to dataset.length, or fractions in [0, 1] summing to 1: sizes are then
 * floor(n * f) and the remainder is handed out one by one, round-robin from the first subset.
 * @example const [train, val] = randomSplit(ds, [0.8, 0.2], new Generator(42));
 */
export function randomSplit<T>(dataset: DatasetLike<T>, lengths: readonly number[], generator: Generator = defaultGenerator): Subset<T>[] {
  checkDataset('randomSplit', dataset);
  if (!Array.isArray(lengths) || lengths.length === 0) throw new TypeError('randomSplit: lengths must be a non-empty array of numbers');
  let sizes = numberListArg('randomSplit', 'lengths', lengths);
  if (!(generator instanceof Generator)) throw new TypeError(`randomSplit: expected generator to be a Generator, got ${describeValue(generator)}`);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) <= 1e-9 && total <= 1 + 1e-9) {
    sizes.forEach((f, i) => {
      if (!(f >= 0 && f <= 1)) throw new RangeError(`randomSplit: fraction at index ${i} is not between 0 and 1: ${f}`);
    });
    const n = dataset.length;
    sizes = sizes.map((f) => Math.floor(n * f));
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length] += 1;
  }
  sizes.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 0) throw new RangeError(`randomSplit: length at index ${i} must be a non-negative integer, got ${s}`);
  });
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum !== dataset.length) {
    throw new RangeError(`randomSplit: sum of input lengths (${sum}) does not equal the length of the input dataset (${dataset.length})`);
  }
  const perm = randperm(sum, { generator }).data;
  const out: Subset<T>[] = [];
  let offset = 0;
  for (const s of sizes) {
    out.push(new Subset(dataset, perm.subarray(offset, offset + s)));
    offset += s;
  }
  return out;
}

/** Set inside a DataLoader worker thread: which worker this is (torch.utils.data.get_worker_info). */
export interface WorkerInfo {
  id: number;
  numWorkers: number;
  /** The seed of this worker thread's defaultGenerator. */
  seed: number;
  /** The dataset rebuilt in this worker. */
  dataset: DatasetLike;
}

let currentWorkerInfo: WorkerInfo | null = null;

/** In a DataLoader worker thread, its id, the number of workers and its dataset; null elsewhere. */
export function getWorkerInfo(): WorkerInfo | null {
  return currentWorkerInfo;
}

/** @internal called by the worker entry. */
export function setWorkerInfo(info: WorkerInfo | null): void {
  currentWorkerInfo = info;
}
