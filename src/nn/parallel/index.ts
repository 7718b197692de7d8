/**
 * `nn.parallel`: data-parallel wrappers (torch.nn.parallel).
 * @example
 * const ddp = nn.parallel.DistributedDataParallel.create(model, { bucketCapMb: 25 });
 */
export { DistributedDataParallel, type DistributedDataParallelOptions } from './distributed.js';
