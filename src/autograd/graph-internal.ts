/**
 * Graph-internal activations: layer outputs that only the autograd graph holds, whose storage the engine
 * recycles once backward has consumed them (DESIGN.md section 3: a warmed-up train step then allocates
 * almost no new large arrays, so V8 sees no external-memory growth and skips the garbage collections it
 * would otherwise start every step).
 *
 * A tensor's storage goes back to the pool (src/util/grad-pool.ts releaseActivation) after its own node's
 * backward, in a backward without retainGraph, only when all of these hold:
 * - a built-in container marked it with markGraphInternal(): the container made it and passed it to one
 *   built-in layer that neither keeps its input nor returns storage that aliases it, and never returned
 *   it, so no user code ever saw it (src/nn/graph-internal.ts decides which modules qualify);
 * - the op that made it recorded `ownsOutput` (markOwnsStorage): its storage came from
 *   activationBuffer() and no other tensor of the op wraps it;
 * - its storage is still an activationBuffer() array (releaseActivation checks).
 * Every consumer of such a tensor runs its backward before the tensor's own node (reverse topological
 * order), and the engine drops the consumers' references to it (`GradFn.inputs`) as they finish, so after
 * the release nothing reachable refers to the storage. The graph is spent by then: a second backward
 * through it throws, as it does without this.
 *
 * With gradients off (validation under noGrad) nothing saves a tensor for backward, so a graph-internal
 * activation is dead as soon as its one consumer has run: the container recycles it right then
 * (releaseIfDead).
 */
import type { Tensor } from '../tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { releaseActivation } from '../util/grad-pool.js';

const internal = new WeakSet<Tensor>();
/** Results whose storage the op that made them owns alone (see markOwnsStorage). */
const owning = new WeakSet<Tensor>();

/** Declare that `t` is seen only by the graph (see the module comment for what the caller must prove). */
export function markGraphInternal(t: unknown): void {
  if (typeof t === 'object' && t !== null) internal.add(t as Tensor);
}

/** True if `t` was marked with markGraphInternal(). */
export function isGraphInternal(t: Tensor | null): boolean {
  return t !== null && internal.has(t);
}

/** An op declares that t.data came from activationBuffer() and no other tensor it made wraps it. */
export function markOwnsStorage(t: Tensor): void {
  owning.add(t);
}

/**
 * A view of t was made: its storage is no longer t's alone, so it must never be recycled (a view that
 * reaches the user would see the next step's values). Called by every view op (Tensor._alias).
 */
export function disownStorage(t: Tensor): void {
  owning.delete(t);
}

/** True if the op that made t declared t's storage its own (markOwnsStorage). */
export function ownsStorage(t: Tensor): boolean {
  return owning.has(t);
}

/**
 * Called by a container once the one consumer of `t` has run: with gradients off nothing else can hold a
 * graph-internal activation, so its storage goes back to the pool now (with gradients on, backward does it).
 */
export function releaseIfDead(t: unknown): void {
  if (isGradEnabled() || typeof t !== 'object' || t === null) return;
  const x = t as Tensor;
  if (internal.has(x) && owning.has(x)) releaseActivation(x.data as Float32Array);
}
