/**
 * Samplers (torch.utils.data.sampler): iterables of dataset indices (or of index batches), each with a
 * `length`. Randomness comes from a seeded Generator: the same generator state gives the same order.
 */
import { checkAllocation } from '../util/limits.js';
import { numberListArg, optionsArg } from '../ops/args.js';

/** A data source must have an integer length (a dataset, an array). */
function dataSourceArg<T extends { readonly length: number }>(op: string, v: T): T {
  if (v === null || v === undefined || !Number.isInteger((v as { length?: unknown }).length)) {
    throw new TypeError(`${op}: expected a data source with an integer length, got ${describeValue(v)}`);
  }
  return v;
}
import { Tensor } from '../tensor.js';
import { defaultGenerator, Generator } from '../util/generator.js';
import { describeValue } from '../util/describe.js';

/** An iterable of dataset indices with a known length. */
export interface Sampler<T = number> extends Iterable<T> {
  readonly length: number;
}

function checkGenerator(op: string, g: unknown): void {
  if (g !== undefined && !(g instanceof Generator)) throw new TypeError(`${op}: generator must be a Generator, got ${describeValue(g)}`);
}

/**
 * The generator to draw from in one pass: the given one (its state advances pass after pass), or,
 * like PyTorch, a fresh one seeded from the default generator.
 */
function passGenerator(g: Generator | undefined): Generator {
  return g ?? new Generator(defaultGenerator.nextUint32() * 2 ** 21 + (defaultGenerator.nextUint32() >>> 11));
}

function permutation(n: number, g: Generator): number[] {
  const p = new Array<number>(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) { // Fisher-Yates, as randperm
    const j = g.randint(0, i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** 0, 1, ..., length-1 (torch.utils.data.SequentialSampler). */
export class SequentialSampler implements Sampler<number> {
  readonly dataSource: { readonly length: number };

  constructor(dataSource: { readonly length: number }) {
    this.dataSource = dataSourceArg('SequentialSampler', dataSource);
  }

  get length(): number {
    return this.dataSource.length;
  }

/** The indices of one pass (a new order each pass where the sampler shuffles). */
  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    for (let i = 0; i < n; i++) yield i;
  }
}

/** Options of `data.RandomSampler`: sampling with replacement, the number of samples, and the generator. */
export interface RandomSamplerOptions {
  /** Draw with replacement (default false). */
  replacement?: boolean;
  /** Indices per pass; default the data source's length. Without replacement, more than the length
   * repeats whole permutations. */
  numSamples?: number;
  /** Source of randomness; default a fresh generator per pass seeded from the default generator. */
  generator?: Generator;
}

/**
 * Random indices (torch.utils.data.RandomSampler): without replacement a fresh permutation each pass
 * (numSamples > length chains permutations); with replacement numSamples uniform draws.
 * @example new RandomSampler(ds, { generator: new Generator(0) })
 */
export class RandomSampler implements Sampler<number> {
  readonly dataSource: { readonly length: number };
  readonly replacement: boolean;
  generator: Generator | undefined;
  private readonly numSamples_: number | undefined;

  constructor(dataSource: { readonly length: number }, opts: RandomSamplerOptions = {}) {
    opts = optionsArg('RandomSampler', opts) as typeof opts;
    dataSourceArg('RandomSampler', dataSource);
    const { replacement = false, numSamples, generator } = opts;
    if (typeof replacement !== 'boolean') throw new TypeError(`RandomSampler: replacement should be a boolean value, but got replacement=${String(replacement)}`);
    if (numSamples !== undefined && (!Number.isInteger(numSamples) || numSamples <= 0)) {
      throw new RangeError(`RandomSampler: numSamples should be a positive integer value, but got numSamples=${numSamples}`);
    }
    checkGenerator('RandomSampler', generator);
    this.dataSource = dataSource;
    this.replacement = replacement;
    this.numSamples_ = numSamples;
    this.generator = generator;
  }

  /** Indices drawn per pass. */
  get numSamples(): number {
    return this.numSamples_ ?? this.dataSource.length;
  }

  get length(): number {
    return this.numSamples;
  }

/** The indices of one pass (a new order each pass where the sampler shuffles). */
  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    const total = this.numSamples;
    if (total === 0) return;
    if (n === 0) throw new RangeError('RandomSampler: cannot sample from an empty data source');
    const g = passGenerator(this.generator);
    if (this.replacement) {
      for (let i = 0; i < total; i++) yield g.randint(0, n);
      return;
    }
    for (let r = 0; r < Math.floor(total / n); r++) yield* permutation(n, g);
    const rest = total % n;
    if (rest > 0) yield* permutation(n, g).slice(0, rest);
  }
}

/** A random permutation of the given indices each pass (torch.utils.data.SubsetRandomSampler). */
export class SubsetRandomSampler implements Sampler<number> {
  readonly indices: readonly number[];
  generator: Generator | undefined;

  constructor(indices: Iterable<number> | ArrayLike<number>, opts: { generator?: Generator } = {}) {
    opts = optionsArg('SubsetRandomSampler', opts) as typeof opts;
    checkGenerator('SubsetRandomSampler', opts.generator);
    this.indices = Object.freeze(numberListArg('SubsetRandomSampler', 'indices', indices));
    this.generator = opts.generator;
  }

  get length(): number {
    return this.indices.length;
  }

/** The indices of one pass (a new order each pass where the sampler shuffles). */
  *[Symbol.iterator](): Iterator<number> {
    const g = passGenerator(this.generator);
    for (const k of permutation(this.indices.length, g)) yield this.indices[k];
  }
}

/** Options of `data.WeightedRandomSampler`: with or without replacement, and the generator. */
export interface WeightedRandomSamplerOptions {
  /** Draw with replacement (default true). Without, an index is drawn at most once per pass. */
  replacement?: boolean;
  generator?: Generator;
}

/**
 * Indices 0..weights.length-1 drawn with probability proportional to weights
 * (torch.utils.data.WeightedRandomSampler; torch.multinomial). Weights need not sum to 1.
 * @example new WeightedRandomSampler([0.1, 0.9, 0.4], 5, { generator: new Generator(1) })
 */
export class WeightedRandomSampler implements Sampler<number> {
  readonly weights: Float64Array;
  readonly numSamples: number;
  readonly replacement: boolean;
  generator: Generator | undefined;
  private readonly cdf: Float64Array;

  constructor(weights: ArrayLike<number> | Tensor, numSamples: number, opts: WeightedRandomSamplerOptions = {}) {
    opts = optionsArg('WeightedRandomSampler', opts) as typeof opts;
    const op = 'WeightedRandomSampler';
    const { replacement = true, generator } = opts;
    if (weights instanceof Tensor && weights.ndim !== 1) throw new RangeError(`${op}: weights must be 1-D, got shape (${weights.shape.join(', ')})`);
    const w = Float64Array.from(weights instanceof Tensor ? weights.data : numberListArg(op, 'weights', weights));
    if (typeof numSamples !== 'number') throw new TypeError(`${op}: numSamples should be a positive integer value, but got ${typeof numSamples}`);
    if (!Number.isInteger(numSamples) || numSamples <= 0) {
      throw new RangeError(`${op}: numSamples should be a positive integer value, but got numSamples=${numSamples}`);
    }
    if (typeof replacement !== 'boolean') throw new TypeError(`${op}: replacement should be a boolean value, but got replacement=${String(replacement)}`);
    checkGenerator(op, generator);
    let total = 0;
    let positive = 0;
    w.forEach((v, i) => {
      if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${op}: weights must be finite and non-negative, got ${v} at index ${i}`);
      total += v;
      if (v > 0) positive++;
    });
    if (!(total > 0)) throw new RangeError(`${op}: the sum of weights must be positive, got ${total}`);
    if (!replacement && numSamples > positive) {
      throw new RangeError(`${op}: cannot draw ${numSamples} samples without replacement from ${positive} indices of non-zero weight`);
    }
    this.weights = w;
    this.numSamples = numSamples;
    this.replacement = replacement;
    this.generator = generator;
    this.cdf = new Float64Array(w.length);
    let acc = 0;
    for (let i = 0; i < w.length; i++) this.cdf[i] = acc += w[i];
  }

  get length(): number {
    return this.numSamples;
  }

/** The indices of one pass (a new order each pass where the sampler shuffles). */
  *[Symbol.iterator](): Iterator<number> {
    const g = passGenerator(this.generator);
    const n = this.weights.length;
    if (this.replacement) {
      const total = this.cdf[n - 1];
      for (let k = 0; k < this.numSamples; k++) {
        const r = g.random() * total;
        let lo = 0;
        let hi = n - 1;
        while (lo < hi) { // first i with cdf[i] > r (skips zero-weight entries)
          const mid = (lo + hi) >> 1;
          if (this.cdf[mid] > r) hi = mid;
          else lo = mid + 1;
        }
        yield lo;
      }
      return;
    }
    // Without replacement: Efraimidis-Spirakis keys log(u) / w, largest first; equal in distribution
    // to drawing one index at a time proportionally to the remaining weights.
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = g.random();
      keys[i] = this.weights[i] > 0 ? Math.log(u > 0 ? u : Number.MIN_VALUE) / this.weights[i] : -Infinity;
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[b] - keys[a] || a - b);
    yield* order.slice(0, this.numSamples);
  }
}

/**
 * Groups the indices of `sampler` into batches of batchSize (the last one smaller unless dropLast)
 * (torch.utils.data.BatchSampler).
 * @example [...new BatchSampler(new SequentialSampler({ length: 5 }), 2, false)] // [[0, 1], [2, 3], [4]]
 */
export class BatchSampler implements Sampler<number[]> {
  readonly sampler: Sampler<number>;
  readonly batchSize: number;
  readonly dropLast: boolean;

  constructor(sampler: Sampler<number>, batchSize: number, dropLast = false) {
    if (sampler === null || typeof sampler !== 'object' || typeof (sampler as Sampler)[Symbol.iterator] !== 'function') {
      throw new TypeError('BatchSampler: sampler must be an iterable of indices with a length');
    }
    if (!Number.isInteger(batchSize) || batchSize <= 0 || typeof batchSize === 'boolean') {
      throw new RangeError(`BatchSampler: batchSize should be a positive integer value, but got batchSize=${String(batchSize)}`);
    }
    if (typeof dropLast !== 'boolean') throw new TypeError(`BatchSampler: dropLast should be a boolean value, but got dropLast=${String(dropLast)}`);
    checkAllocation('BatchSampler', batchSize, 8); // the index list of one batch
    this.sampler = sampler;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
  }

  get length(): number {
    const n = this.sampler.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

/** The batches of indices of one pass. */
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}
