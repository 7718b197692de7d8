/**
 * DistributedDataParallel (torch.nn.parallel.DistributedDataParallel): wraps a model so that, after
 * `loss.backward()`, every parameter's `.grad` holds the average of all ranks' gradients.
 *
 * - create() broadcasts rank 0's parameters and buffers, so all ranks start equal.
 * - Gradients are grouped in buckets of about `bucketCapMb`, in reverse registration order (roughly the
 *   order backward produces them). The autograd engine calls a hook when a parameter's gradient is
 *   accumulated; when all of a bucket's gradients are in (and every earlier bucket has been started,
 *   so all ranks issue allreduces in the same order), its allreduce starts on the comm thread while
 *   backward goes on computing the rest.
 * - When backward finishes, a final callback waits natively for every bucket and writes the averages
 *   back into `.grad`, so `loss.backward()` returns with synchronized gradients.
 * Bucketing in reverse order and launching buckets in order follow PyTorch's Reducer
 * (torch/csrc/distributed/c10d/reducer.cpp); the code is our own.
 */
import { Module, type AnyModule } from '../module.js';
import type { Parameter } from '../parameter.js';
import { Tensor } from '../../tensor.js';
import { setGradAccumulatedHook, queueCallback } from '../../autograd/engine.js';
import { allReduce, broadcast } from '../../distributed/collectives.js';
import { groupState } from '../../distributed/process-group.js';
import type { Work } from '../../distributed/work.js';
import { describeValue } from '../../util/describe.js';

/** Options of {@link DistributedDataParallel.create} (PyTorch's keywords, camelCase). */
export interface DistributedDataParallelOptions {
  /** Bucket size in MiB (default 25). */
  bucketCapMb?: number;
  /** Broadcast rank 0's buffers (e.g. batch-norm running stats) before each training forward (default true). */
  broadcastBuffers?: boolean;
  /** Allow parameters that get no gradient in a backward: they count as zero (default false). */
  findUnusedParameters?: boolean;
}

/** One group of parameters reduced by one allreduce. */
interface Bucket {
  params: Parameter[];
  offsets: number[];
  flat: Float32Array;
  ready: number;
  work: Work | null;
}

export class DistributedDataParallel<In extends unknown[] = [Tensor], Out = Tensor> extends Module<In, Out> {
  declare readonly module: Module<In, Out>;
  /** @internal */ declare _ddp: {
    worldSize: number;
    broadcastBuffers: boolean;
    findUnusedParameters: boolean;
    buckets: Bucket[];
    bucketOf: Map<Parameter, Bucket>;
    requireSync: boolean;
    /** A reduction is under way in the current backward. */
    active: boolean;
    ready: Set<Parameter>;
    nextBucket: number;
  };

  /**
   * Wraps `module` (which must already be initialized the same way on every rank, or will be: rank 0's
   * parameters and buffers are broadcast now). Needs an initialized process group.
   * @example
   * dist.initProcessGroup();
   * const ddp = nn.parallel.DistributedDataParallel.create(model);
   * ddp.call(x); loss.backward(); optimizer.step(); // grads are averaged across ranks
   */
  static create<I extends unknown[], O>(module: Module<I, O>, opts: DistributedDataParallelOptions = {}): DistributedDataParallel<I, O> {
    const op = 'DistributedDataParallel';
    if (!(module instanceof Module)) throw new TypeError(`${op}: expected module to be a Module, got ${describeValue(module)}`);
    if (module instanceof DistributedDataParallel) throw new TypeError(`${op}: the module is already wrapped in DistributedDataParallel`);
    const { bucketCapMb = 25, broadcastBuffers = true, findUnusedParameters = false } = opts;
    if (typeof bucketCapMb !== 'number' || !(bucketCapMb > 0)) throw new RangeError(`${op}: bucketCapMb must be a positive number, got ${describeValue(bucketCapMb)}`);
    if (typeof broadcastBuffers !== 'boolean') throw new TypeError(`${op}: broadcastBuffers must be a boolean, got ${describeValue(broadcastBuffers)}`);
    if (typeof findUnusedParameters !== 'boolean') throw new TypeError(`${op}: findUnusedParameters must be a boolean, got ${describeValue(findUnusedParameters)}`);
    const { worldSize } = groupState(op);
    for (const p of module.parameters()) {
      if (!(p.data instanceof Float32Array)) throw new TypeError(`${op}: only float32 parameters are supported, got ${p.dtype}`);
    }
    const ddp = new DistributedDataParallel<I, O>();
    ddp.registerModule('module', module as unknown as AnyModule);
    const params = module.parameters().filter((p) => p.requiresGrad);
    const buckets = makeBuckets(params, bucketCapMb * 1024 * 1024);
    const bucketOf = new Map<Parameter, Bucket>();
    for (const b of buckets) for (const p of b.params) bucketOf.set(p, b);
    Object.defineProperty(ddp, '_ddp', {
      value: { worldSize, broadcastBuffers, findUnusedParameters, buckets, bucketOf, requireSync: true, active: false, ready: new Set(), nextBucket: 0 },
      enumerable: false,
    });
    // Everyone starts from rank 0's state.
    for (const t of [...module.parameters(), ...module.buffers()]) syncTensor(t);
    for (const p of params) setGradAccumulatedHook(p, (leaf) => ddp._onGrad(leaf as Parameter));
    return ddp;
  }

  override forward(...args: In): Out {
    if (this._ddp.broadcastBuffers && this.training && this._ddp.worldSize > 1) {
      for (const b of this.module.buffers()) syncTensor(b);
    }
    return this.module.forward(...args);
  }

  /**
   * Runs `fn` with gradient synchronization off (torch's `no_sync()` context): backward passes inside
   * only accumulate local gradients; the first backward after it reduces the accumulated sum.
   * Returns what `fn` returns (a Promise is awaited before sync is turned back on).
   */
  noSync<R>(fn: () => R): R {
    if (typeof fn !== 'function') throw new TypeError(`DistributedDataParallel.noSync: expected a function, got ${describeValue(fn)}`);
    const prev = this._ddp.requireSync;
    this._ddp.requireSync = false;
    let async = false;
    try {
      const r = fn();
      if (r instanceof Promise) {
        async = true;
        return r.finally(() => (this._ddp.requireSync = prev)) as R;
      }
      return r;
    } finally {
      if (!async) this._ddp.requireSync = prev;
    }
  }

  /** @internal The engine's hook: `p`'s gradient for this backward is in. */
  _onGrad(p: Parameter): void {
    const s = this._ddp;
    if (!s.requireSync) return;
    if (!s.active) {
      s.active = true;
      queueCallback(() => this._finish());
    }
    if (s.ready.has(p)) return;
    s.ready.add(p);
    const b = s.bucketOf.get(p)!;
    b.ready++;
    this._launchReady();
  }

  /** Starts, in bucket order, every bucket whose gradients are all in. */
  private _launchReady(): void {
    const s = this._ddp;
    while (s.nextBucket < s.buckets.length && s.buckets[s.nextBucket].ready === s.buckets[s.nextBucket].params.length) {
      launch(s.buckets[s.nextBucket++]);
    }
  }

  /** End of backward: reduce what is left, wait for every bucket, write the averages into `.grad`. */
  private _finish(): void {
    const s = this._ddp;
    try {
      const missing = s.buckets.flatMap((b) => b.params).filter((p) => !s.ready.has(p));
      if (missing.length > 0) {
        if (!s.findUnusedParameters) {
          const unused = this.module.namedParameters().filter(([, p]) => !s.ready.has(p)).map(([n]) => n);
          throw new Error(
            'DistributedDataParallel: Expected to have finished reduction in the prior iteration before starting a new one. ' +
              'This error indicates that your module has parameters that were not used in producing loss: ' +
              `${unused.join(', ')}. Pass { findUnusedParameters: true } to DistributedDataParallel.create.`,
          );
        }
        for (const p of missing) {
          s.ready.add(p);
          s.bucketOf.get(p)!.ready++;
        }
        this._launchReady();
      }
      for (const b of s.buckets) {
        b.work!.wait();
        b.work = null;
        unflatten(b);
      }
    } finally {
      // After an error, still let launched allreduces finish: they write into the bucket buffers.
      for (const b of s.buckets) {
        if (b.work === null) continue;
        try {
          b.work.wait();
        } catch {
          // the first error is the one thrown
        }
        b.work = null;
      }
      s.active = false;
      s.ready.clear();
      s.nextBucket = 0;
      for (const b of s.buckets) b.ready = 0;
    }
  }
}

/** Groups parameters (reverse registration order) into buckets of at most capBytes (at least one each). */
function makeBuckets(params: Parameter[], capBytes: number): Bucket[] {
  const buckets: Bucket[] = [];
  let cur: Parameter[] = [];
  let bytes = 0;
  const close = (): void => {
    if (cur.length === 0) return;
    const offsets: number[] = [];
    let n = 0;
    for (const p of cur) {
      offsets.push(n);
      n += p.numel();
    }
    buckets.push({ params: cur, offsets, flat: new Float32Array(n), ready: 0, work: null });
    cur = [];
    bytes = 0;
  };
  for (let i = params.length - 1; i >= 0; i--) {
    const b = params[i].numel() * 4;
    if (cur.length > 0 && bytes + b > capBytes) close();
    cur.push(params[i]);
    bytes += b;
  }
  close();
  return buckets;
}

/** Copies the bucket's gradients (zeros for a parameter without one) into its flat buffer and starts the allreduce. */
function launch(b: Bucket): void {
  b.params.forEach((p, i) => {
    const at = b.offsets[i];
    if (p.grad === null) b.flat.fill(0, at, at + p.numel());
    else b.flat.set(p.grad.data as Float32Array, at);
  });
  b.work = allReduce(wrapFlat(b.flat), { op: 'avg', asyncOp: true });
}

/** Writes the averaged gradients back (parameters without a gradient keep none, as in PyTorch). */
function unflatten(b: Bucket): void {
  b.params.forEach((p, i) => {
    if (p.grad === null) return;
    const at = b.offsets[i];
    (p.grad.data as Float32Array).set(b.flat.subarray(at, at + p.numel()));
  });
}

/** Broadcasts rank 0's values of t (a float32 parameter or buffer) into every rank's t. */
function syncTensor(t: Tensor): void {
  if (!(t.data instanceof Float32Array)) return; // e.g. batch norm's int64 numBatchesTracked: rank 0's count is every rank's
  broadcast(wrapFlat(t.data), { src: 0 });
}

/** A 1-d tensor over `a` (no copy), for the collectives. */
function wrapFlat(a: Float32Array): Tensor {
  return new Tensor(a, [a.length]);
}
