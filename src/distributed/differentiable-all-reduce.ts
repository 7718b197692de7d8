/**
 * A sum over ranks that autograd can go through (torch.distributed.nn.functional.all_reduce): the
 * forward sums x over the ranks into a new tensor; the backward sums the incoming gradient over the
 * ranks too (each rank's output depends on every rank's input). SyncBatchNorm reduces its batch
 * statistics with it. Every rank must run the same forward and backward.
 */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { allReduce } from './collectives.js';

export function allReduceSumWithGrad(x: Tensor): Tensor {
  const out = new Tensor(Float32Array.from(x.data as Float32Array), x.shape);
  allReduce(out, { op: 'sum' });
  return record(out, 'AllReduceBackward', [x], (g) => {
    const gg = new Tensor(Float32Array.from(g.data as Float32Array), g.shape);
    allReduce(gg, { op: 'sum' });
    return [gg];
  });
}
