/**
 * DataLoader worker thread entry. workerData: { spec: DatasetSpec, mode, workerId, numWorkers }.
 * It rebuilds the dataset once, then answers each request { id, indices } in the order received:
 * - mode 'collate': loads the samples, collates them with defaultCollate and transfers the batch's
 *   freshly allocated arrays (no copy);
 * - mode 'raw': sends the samples (or the one sample, for an index without batching); the main thread
 *   applies the user's collateFn.
 * Errors travel back as { id, error } and are rethrown by the DataLoader in the main thread.
 * The worker's own defaultGenerator is seeded with `seed` (distinct per worker).
 */
import { parentPort, workerData, isMainThread } from 'node:worker_threads';
import type { DatasetLike, DatasetSpec } from './dataset.js';
import { setWorkerInfo } from './dataset.js';
import { buildDataset } from './spec.js';
import { defaultCollate } from './collate.js';
import { encodeForTransfer, serializeError } from './transfer.js';
import { manualSeed } from '../util/generator.js';

export interface WorkerInit {
  spec: DatasetSpec;
  mode: 'collate' | 'raw';
  workerId: number;
  numWorkers: number;
  /** Seed of this worker's defaultGenerator. */
  seed: number;
}

export interface WorkerRequest {
  id: number;
  /** Indices of one batch, or one index when automatic batching is off. */
  indices: number[] | number;
}

export type WorkerReply =
  | { id: number; batch: unknown }
  | { id: number; error: ReturnType<typeof serializeError> };

function serve(): void {
  const port = parentPort!;
  const init = workerData as WorkerInit;
  manualSeed(init.seed);
  let dataset: DatasetLike | null = null;
  const ready = buildDataset(init.spec).then((ds) => {
    dataset = ds;
    setWorkerInfo({ id: init.workerId, numWorkers: init.numWorkers, seed: init.seed, dataset: ds });
  });
  ready.catch(() => undefined); // reported per request below

  port.on('message', (req: WorkerRequest) => {
    ready.then(() => {
      const ds = dataset!;
      let value: unknown;
      let owned = false;
      if (typeof req.indices === 'number') {
        value = ds.getItem(req.indices);
      } else {
        const samples = req.indices.map((i) => ds.getItem(i));
        if (init.mode === 'collate') {
          value = defaultCollate(samples);
          owned = true;
        } else {
          value = samples;
        }
      }
      const { message, transfer } = encodeForTransfer(value, owned);
      port.postMessage({ id: req.id, batch: message } satisfies WorkerReply, transfer);
    }).catch((e: unknown) => {
      port.postMessage({ id: req.id, error: serializeError(e) } satisfies WorkerReply);
    });
  });
}

if (!isMainThread && parentPort && (workerData as WorkerInit | undefined)?.spec) serve();
