/**
 * Collectives on the default process group (torch.distributed.all_reduce, broadcast, all_gather,
 * reduce_scatter, barrier). They work in place on float32 tensors, like PyTorch's. Without `asyncOp` they return when
 * done; with it they return a {@link Work} to `wait()` on.
 */
import { Tensor } from '../tensor.js';
import { describeValue } from '../util/describe.js';
import { groupState } from './process-group.js';
import { Work } from './work.js';

/** torch.distributed.ReduceOp, by name. */
export type ReduceOp = 'sum' | 'avg' | 'max' | 'min';
const REDUCE_CODES: Record<ReduceOp, number> = { sum: 0, avg: 1, max: 2, min: 3 };

/** Options of `allReduce`: the reduction (sum, avg, max, min) and whether to return a Work handle (asyncOp). */
export interface AllReduceOptions {
  /** Reduction (default 'sum'); 'avg' divides the sum by the world size. */
  op?: ReduceOp;
  /** Return a Work handle instead of waiting (default false). */
  asyncOp?: boolean;
}

/** Options of `broadcast`: the source rank and whether to return a Work handle (asyncOp). */
export interface BroadcastOptions {
  /** The rank whose tensor everyone receives (default 0). */
  src?: number;
  asyncOp?: boolean;
}

function checkTensor(op: string, t: unknown, name = 'tensor'): Float32Array {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected ${name} to be a Tensor, got ${describeValue(t)}`);
  if (!(t.data instanceof Float32Array)) throw new TypeError(`${op}: only float32 tensors are supported, got ${t.dtype}`);
  return t.data;
}

function finish(work: Work, asyncOp: boolean | undefined): Work | undefined {
  if (asyncOp) return work;
  work.wait();
  return undefined;
}

/** Reduces `tensor` across all ranks in place; every rank gets the result. */
export function allReduce(tensor: Tensor, opts: AllReduceOptions & { asyncOp: true }): Work;
export function allReduce(tensor: Tensor, opts?: AllReduceOptions): Work | undefined;
export function allReduce(tensor: Tensor, opts: AllReduceOptions = {}): Work | undefined {
  const name = 'allReduce';
  const s = groupState(name);
  const data = checkTensor(name, tensor);
  const { op = 'sum', asyncOp = false } = opts;
  const code = REDUCE_CODES[op as ReduceOp];
  if (typeof op !== 'string' || code === undefined) throw new RangeError(`${name}: op must be 'sum', 'avg', 'max' or 'min', got ${describeValue(op)}`);
  return finish(new Work(name, s.addon, s.addon.enqueue(0, data, code), [tensor]), asyncOp);
}

/** Copies rank `src`'s tensor into every rank's `tensor`, in place. */
export function broadcast(tensor: Tensor, opts: BroadcastOptions & { asyncOp: true }): Work;
export function broadcast(tensor: Tensor, opts?: BroadcastOptions): Work | undefined;
export function broadcast(tensor: Tensor, opts: BroadcastOptions = {}): Work | undefined {
  const name = 'broadcast';
  const s = groupState(name);
  const data = checkTensor(name, tensor);
  const { src = 0, asyncOp = false } = opts;
  if (!Number.isInteger(src) || src < 0 || src >= s.worldSize) throw new RangeError(`${name}: src must be a rank in [0, ${s.worldSize}), got ${describeValue(src)}`);
  return finish(new Work(name, s.addon, s.addon.enqueue(1, data, src), [tensor]), asyncOp);
}

/**
 * Gathers every rank's `tensor` into `tensorList` (one tensor per rank, each the shape of `tensor`),
 * torch.distributed.all_gather.
 */
export function allGather(tensorList: Tensor[], tensor: Tensor, opts: { asyncOp?: boolean } = {}): Work | undefined {
  const name = 'allGather';
  const s = groupState(name);
  const data = checkTensor(name, tensor);
  if (!Array.isArray(tensorList) || tensorList.length !== s.worldSize) {
    throw new RangeError(`${name}: tensorList must be an array of ${s.worldSize} tensors (the world size), got ${describeValue(tensorList)}`);
  }
  tensorList.forEach((t, i) => {
    checkTensor(name, t, `tensorList[${i}]`);
    if (t.numel() !== data.length) throw new RangeError(`${name}: tensorList[${i}] has ${t.numel()} elements, expected ${data.length} like the input`);
  });
  const out = new Float32Array(data.length * s.worldSize);
  const scatter = (): void => tensorList.forEach((t, i) => (t.data as Float32Array).set(out.subarray(i * data.length, (i + 1) * data.length)));
  return finish(new Work(name, s.addon, s.addon.enqueue(2, data, 0, out), [tensorList, tensor, out], scatter), opts.asyncOp);
}

/** Blocks until every rank reached its barrier. */
export function barrier(opts: { asyncOp?: boolean } = {}): Work | undefined {
  const s = groupState('barrier');
  return finish(new Work('barrier', s.addon, s.addon.enqueue(3), []), opts.asyncOp);
}

/** Options of `reduceScatter`: the reduction and whether to return a Work handle (asyncOp). */
export interface ReduceScatterOptions {
  /** Reduction (default 'sum'); 'avg' divides the sum by the world size. */
  op?: ReduceOp;
  /** Return a Work handle instead of waiting (default false). */
  asyncOp?: boolean;
}

/**
 * Reduces `inputList[i]` across all ranks into rank i's `output` (torch.distributed.reduce_scatter):
 * `inputList` has one tensor per rank, each with `output`'s number of elements. The MPI engine runs
 * MPI_Reduce_scatter_block. The Gloo engine allreduces the concatenated inputs and keeps this rank's
 * block (Debian's Gloo has reduce-scatter only as a legacy algorithm class, which must not share a
 * context with the collectives used here): the same result, at the traffic of an allreduce of the whole
 * list rather than of one block.
 */
export function reduceScatter(output: Tensor, inputList: Tensor[], opts: ReduceScatterOptions & { asyncOp: true }): Work;
export function reduceScatter(output: Tensor, inputList: Tensor[], opts?: ReduceScatterOptions): Work | undefined;
export function reduceScatter(output: Tensor, inputList: Tensor[], opts: ReduceScatterOptions = {}): Work | undefined {
  const name = 'reduceScatter';
  const s = groupState(name);
  const out = checkTensor(name, output, 'output');
  const { op = 'sum', asyncOp = false } = opts;
  const code = REDUCE_CODES[op as ReduceOp];
  if (typeof op !== 'string' || code === undefined) throw new RangeError(`${name}: op must be 'sum', 'avg', 'max' or 'min', got ${describeValue(op)}`);
  if (!Array.isArray(inputList) || inputList.length !== s.worldSize) {
    throw new RangeError(`${name}: inputList must be an array of ${s.worldSize} tensors (the world size), got ${describeValue(inputList)}`);
  }
  const n = out.length;
  const input = new Float32Array(n * s.worldSize);
  inputList.forEach((t, i) => {
    const d = checkTensor(name, t, `inputList[${i}]`);
    if (d.length !== n) throw new RangeError(`${name}: inputList[${i}] has ${d.length} elements, expected ${n} like the output`);
    input.set(d, i * n);
  });
  return finish(new Work(name, s.addon, s.addon.enqueue(4, input, code, out), [output, input]), asyncOp);
}
