/**
 * DistributedSampler (torch.utils.data.distributed.DistributedSampler): each rank iterates its own
 * share of the dataset. The index list (shuffled or not) is padded by repeating its start until it
 * divides evenly (or cut when `dropLast`), then rank r takes indices[r], indices[r + world], ...
 * The shuffle is PyTorch's own: randperm under a generator seeded `seed + epoch` (util/mt19937.ts), so
 * all ranks agree without talking, and the lists equal PyTorch's. Call `setEpoch(epoch)` every epoch.
 */
import { describeValue } from '../util/describe.js';
import { torchRandperm } from '../util/mt19937.js';
import { isInitialized, getRank, getWorldSize } from '../distributed/process-group.js';
import type { Sampler } from './samplers.js';

/** Options of `data.DistributedSampler`: numReplicas and rank (default: the process group's), shuffle, seed and dropLast. */
export interface DistributedSamplerOptions {
  /** Number of ranks; default the process group's world size. */
  numReplicas?: number;
  /** This rank; default the process group's rank. */
  rank?: number;
  /** Shuffle each epoch (default true). */
  shuffle?: boolean;
  /** Shuffle seed, the same on every rank (default 0). */
  seed?: number;
  /** Drop the tail instead of padding so every rank gets the same count (default false). */
  dropLast?: boolean;
}

function checkCount(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number') throw new TypeError(`DistributedSampler: ${name} must be a number, got ${describeValue(v)}`);
  if (!Number.isInteger(v) || v < min) throw new RangeError(`DistributedSampler: ${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

/**
 * @example
 * const sampler = new data.DistributedSampler(ds, { seed: 0 });
 * const loader = new data.DataLoader(ds, { batchSize: 32, sampler });
 * for (let epoch = 0; epoch < 10; epoch++) { sampler.setEpoch(epoch); for (const b of loader) ... }
 */
export class DistributedSampler implements Sampler<number> {
  readonly dataset: { readonly length: number };
  readonly numReplicas: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  epoch = 0;

  constructor(dataset: { readonly length: number }, opts: DistributedSamplerOptions = {}) {
    if (dataset === null || typeof dataset !== 'object' || typeof dataset.length !== 'number') {
      throw new TypeError(`DistributedSampler: expected a dataset with a length, got ${describeValue(dataset)}`);
    }
    const needGroup = opts.numReplicas === undefined || opts.rank === undefined;
    if (needGroup && !isInitialized()) {
      throw new Error('DistributedSampler: numReplicas and rank default to the process group, which is not initialized: call distributed.initProcessGroup() or pass both');
    }
    const { numReplicas = getWorldSize(), shuffle = true, seed = 0, dropLast = false } = opts;
    const rank = opts.rank ?? getRank();
    this.numReplicas = checkCount('numReplicas', numReplicas, 1);
    checkCount('rank', rank, -Infinity);
    if (rank < 0 || rank >= numReplicas) throw new RangeError(`DistributedSampler: Invalid rank ${rank}, rank should be in the interval [0, ${numReplicas - 1}]`);
    if (typeof shuffle !== 'boolean') throw new TypeError(`DistributedSampler: shuffle must be a boolean, got ${describeValue(shuffle)}`);
    if (typeof dropLast !== 'boolean') throw new TypeError(`DistributedSampler: dropLast must be a boolean, got ${describeValue(dropLast)}`);
    checkCount('seed', seed, 0);
    this.dataset = dataset;
    this.rank = rank;
    this.shuffle = shuffle;
    this.seed = seed;
    this.dropLast = dropLast;
  }

  /** Indices per rank: ceil(N / world), or floor when dropLast (PyTorch's num_samples). */
  get length(): number {
    const n = this.dataset.length;
    const w = this.numReplicas;
    return this.dropLast && n % w !== 0 ? Math.ceil((n - w) / w) : Math.ceil(n / w);
  }

  /** Sets the epoch, which seeds this epoch's shuffle (seed + epoch). */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`DistributedSampler.setEpoch: expected a non-negative integer, got ${describeValue(epoch)}`);
    this.epoch = epoch;
  }

/** This rank's indices for the current epoch (`indices[rank::numReplicas]` after padding or dropping). */
  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataset.length;
    let indices = this.shuffle ? torchRandperm(n, this.seed + this.epoch) : Array.from({ length: n }, (_, i) => i);
    const total = this.length * this.numReplicas;
    if (!this.dropLast) {
      // Pad by repeating from the start (the whole list as often as needed when it is shorter than the pad).
      const padded = indices.slice();
      for (let k = 0; padded.length < total; k++) padded.push(indices[k % n]);
      indices = padded;
    } else {
      indices = indices.slice(0, total);
    }
    for (let i = this.rank; i < total; i += this.numReplicas) yield indices[i];
  }
}
