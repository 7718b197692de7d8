/**
 * Recycled Float32Array storage for the gradients of one backward pass.
 *
 * A fresh large typed array costs a page fault per 4 KiB on first touch, and a train step allocates the
 * same gradient sizes again and again. Backward closures allocate the gradients they return with
 * gradBuffer()/gradBufferZeroed(); the autograd engine hands a buffer back with releaseGrad() once the
 * gradient has been consumed and no pending gradient shares its storage, and the next gradBuffer() of the
 * same length reuses it.
 *
 * Safety rests on provenance: only arrays created here (and not adopted since) are ever recycled, so the
 * storage of a tensor that an op, the optimizer or the user may still hold is never reused. A backward
 * closure must not keep a gradBuffer() array after returning it. A gradient that escapes the engine (a
 * leaf's `.grad`) is adopted first, which removes it from the pool's bookkeeping for good.
 *
 * An elementwise backward may also write its input gradient over the incoming gradient when the engine
 * says it owns it (the `gradOwned` argument of backward, src/autograd/node.ts).
 *
 * Forward activations share the free lists: the big layer ops (conv1d, batch norm, max pool, relu, cat)
 * take their outputs from activationBuffer(), and the engine hands such an output back with
 * releaseActivation() once backward has consumed it and no user-reachable tensor can see it
 * (src/autograd/graph-internal.ts says when). Each array remembers which side it was made for, so a
 * gradient release never accepts an activation's storage and an activation release never a gradient's.
 */
import { uninitF32, uninitU8 } from './alloc.js';

/**
 * Arrays created by the pool and not adopted, by what they were last handed out as: releaseGrad() accepts
 * only 'grad' arrays, releaseActivation() only 'activation' ones.
 */
const owned = new WeakMap<Float32Array, 'grad' | 'activation'>();
/**
 * Free arrays of one element type by exact length, with a guard against a double release; pooledBytes
 * counts what all of them hold.
 */
class FreeLists<A extends Float32Array | Uint8Array> {
  private readonly lists = new Map<number, A[]>();
  private readonly free = new WeakSet<A>();

  /** A free array of length n, taken out of the lists, or undefined. */
  pop(n: number): A | undefined {
    const a = this.lists.get(n)?.pop();
    if (a !== undefined) {
      this.free.delete(a);
      pooledBytes -= a.byteLength;
    }
    return a;
  }

  /** Keep a dead array for reuse (ignored if already free, or beyond MAX_POOLED_BYTES). */
  push(a: A): void {
    if (this.free.has(a) || pooledBytes + a.byteLength > MAX_POOLED_BYTES) return;
    let list = this.lists.get(a.length);
    if (list === undefined) {
      list = [];
      this.lists.set(a.length, list);
    }
    list.push(a);
    this.free.add(a);
    pooledBytes += a.byteLength;
  }

  clear(): void {
    this.lists.clear();
  }
}

const floats = new FreeLists<Float32Array>();
let pooledBytes = 0;
/** Arrays of at least LARGE_BYTES the pool had to create so far (see poolFreshArrays). */
let freshArrays = 0;
const LARGE_BYTES = 16 * 1024;

/** Free storage kept at most; a release beyond it is left to the garbage collector. */
const MAX_POOLED_BYTES = 256 * 1024 * 1024;
/** Below this length a fresh array is as cheap as the bookkeeping. */
const MIN_POOLED_LENGTH = 1024;

/** A Float32Array of length n with unspecified contents (the caller writes every element). */
export function gradBuffer(n: number): Float32Array {
  return take(n, 'grad');
}

/**
 * Storage for a layer op's output (unspecified contents: the op writes every element). Only an op whose
 * result tensor wraps this array directly, and that keeps no other tensor on it, may use it (the
 * engine may recycle it through releaseActivation()).
 */
export function activationBuffer(n: number): Float32Array {
  return take(n, 'activation');
}

function take(n: number, kind: 'grad' | 'activation'): Float32Array {
  const reused = n >= MIN_POOLED_LENGTH ? floats.pop(n) : undefined;
  if (reused !== undefined) {
    owned.set(reused, kind);
    return reused;
  }
  const a = uninitF32(n);
  if (n >= MIN_POOLED_LENGTH) owned.set(a, kind);
  if (a.byteLength >= LARGE_BYTES) freshArrays++;
  return a;
}

/** Arrays of 16 KiB or more that the pool had to create (none came free): for tests and profiling. */
export function poolFreshArrays(): number {
  return freshArrays;
}

/** A Float32Array of length n filled with zeros (for gradients built by scatter-add). */
export function gradBufferZeroed(n: number): Float32Array {
  return gradBuffer(n).fill(0);
}

/** True if `a` came from gradBuffer() and has not been adopted (it may be released once dead). */
export function isPooled(a: unknown): a is Float32Array {
  return a instanceof Float32Array && owned.get(a) === 'grad';
}

/**
 * Return a dead gradient buffer for reuse. Arrays that did not come from gradBuffer(), that were adopted,
 * or that are already free are ignored, so a caller only has to prove that nothing refers to `a` any more.
 */
export function releaseGrad(a: Float32Array): void {
  if (owned.get(a) === 'grad') floats.push(a);
}

/**
 * Return a dead activation (an activationBuffer() array) for reuse; anything else is ignored. The caller
 * proves that no tensor still in use, the user's or the graph's, refers to `a`.
 */
export function releaseActivation(a: Float32Array): void {
  if (owned.get(a) === 'activation') floats.push(a);
}


/** Byte arrays created by byteBuffer() (the only ones releaseBytes() accepts). */
const ownedBytes = new WeakSet<Uint8Array>();
const bytes = new FreeLists<Uint8Array>();

/**
 * A Uint8Array of length n with unspecified contents, for an op's private scratch that lives until its
 * autograd node is spent (max pooling's argmax offsets); recycled with releaseBytes().
 */
export function byteBuffer(n: number): Uint8Array {
  const reused = bytes.pop(n);
  if (reused !== undefined) return reused;
  const a = uninitU8(n);
  if (n >= MIN_POOLED_LENGTH * 4) ownedBytes.add(a);
  if (a.byteLength >= LARGE_BYTES) freshArrays++;
  return a;
}

/** Return a dead byteBuffer() array for reuse (anything else is ignored). */
export function releaseBytes(a: Uint8Array): void {
  if (ownedBytes.has(a)) bytes.push(a);
}

/** Take `a` out of the pool's bookkeeping for good (it becomes ordinary storage, e.g. a leaf's `.grad`). */
export function adoptGrad(a: Float32Array): void {
  owned.delete(a);
}

/** Bytes of free storage the pool holds now. */
export function gradPoolBytes(): number {
  return pooledBytes;
}

/** Drop every free buffer (they become garbage). */
export function clearGradPool(): void {
  floats.clear();
  bytes.clear();
  pooledBytes = 0;
}
