/**
 * `distributed`: data-parallel training across processes and machines on Gloo or Open MPI (torch.distributed).
 * Start processes with `nodetorch run --nproc-per-node N script.js`, then in the script:
 * @example
 * import { distributed as dist, nn } from 'nodetorch';
 * dist.initProcessGroup({ backend: 'gloo' });
 * const ddp = nn.parallel.DistributedDataParallel.create(model);
 */
export {
  initProcessGroup, isInitialized, getRank, getWorldSize, getBackend, destroyProcessGroup,
  type InitProcessGroupOptions,
} from './process-group.js';
export {
  allReduce, broadcast, allGather, barrier, reduceScatter,
  type ReduceOp, type AllReduceOptions, type BroadcastOptions, type ReduceScatterOptions,
} from './collectives.js';
export { Work } from './work.js';
