/**
 * Data-parallel `nodetorch train`: when the job was started by `nodetorch run` (WORLD_SIZE set) or by
 * mpirun (OMPI_COMM_WORLD_SIZE / PMI_SIZE), every rank trains on its DistributedSampler shard of each
 * epoch with the model wrapped in DistributedDataParallel (batch norm made SyncBatchNorm, so N ranks of
 * batch B train as one process of batch N*B on the same order), validates its share of the validation
 * set, and the metrics are summed across ranks. Only rank 0 writes files and draws the progress bar.
 */
import { Tensor } from '../tensor.js';
import type { Module } from '../nn/module.js';
import { SyncBatchNorm } from '../nn/sync-batchnorm.js';
import { DistributedDataParallel } from '../nn/parallel/index.js';
import { DistributedSampler } from '../data/distributed-sampler.js';
import { Subset, type DatasetLike } from '../data/dataset.js';
import { initProcessGroup, getRank, getWorldSize, isInitialized, destroyProcessGroup } from '../distributed/process-group.js';
import { allReduce } from '../distributed/collectives.js';
import type { ProgressStream } from '../util/progress.js';

/** The data-parallel side of a training run. */
export interface DataParallel {
  rank: number;
  worldSize: number;
  /** Rank 0: writes files, prints the bar and the summary. */
  isMain: boolean;
  /** The model with its batch norms made SyncBatchNorm, and the DDP wrapper around it that training calls. */
  wrap(model: Module): { model: Module; net: Module };
  /** This rank's training sampler; setEpoch before each epoch. */
  trainSampler(dataset: { readonly length: number }, seed: number): DistributedSampler;
  /** This rank's share of the validation set (every world-th sample, no padding: sums stay exact). */
  valShard<T>(dataset: DatasetLike<T>): DatasetLike<T>;
  /** Element-wise sums across ranks (in float32; counts stay exact below 2^24). */
  sum(values: number[]): number[];
  /** Leaves the group (the process group was created here). */
  close(): void;
}

/** Whether this process is a rank of a launched job (nodetorch run, mpirun). */
export function launchedAsRank(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.WORLD_SIZE ?? env.OMPI_COMM_WORLD_SIZE ?? env.PMI_SIZE) !== undefined;
}

/** A progress stream that draws nothing (ranks other than 0). */
export const SILENT: ProgressStream = { write: () => true, isTTY: false };

/** Joins the process group when launched as a rank; null for a plain single-process run. */
export function dataParallel(timeoutMs?: number): DataParallel | null {
  if (!launchedAsRank()) return null;
  const own = !isInitialized();
  if (own) initProcessGroup(timeoutMs === undefined ? {} : { timeoutMs });
  const rank = getRank();
  const worldSize = getWorldSize();
  return {
    rank, worldSize, isMain: rank === 0,
    wrap: (model) => {
      const synced = SyncBatchNorm.convertSyncBatchnorm(model);
      return { model: synced, net: DistributedDataParallel.create(synced) as unknown as Module };
    },
    trainSampler: (dataset, seed) => new DistributedSampler(dataset, { numReplicas: worldSize, rank, shuffle: true, seed }),
    valShard: <T>(dataset: DatasetLike<T>) => new Subset(dataset, Array.from({ length: Math.ceil((dataset.length - rank) / worldSize) }, (_, i) => rank + i * worldSize)),
    sum: (values) => {
      const t = new Tensor(Float32Array.from(values), [values.length], 'float32');
      allReduce(t, { op: 'sum' });
      return Array.from(t.data as Float32Array);
    },
    close: () => {
      if (own) destroyProcessGroup();
    },
  };
}
