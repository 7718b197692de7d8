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
 * - the op that made it recorded `ownsOutput`: its storage came from activationBuffer() and no other
 *   tensor of the op wraps it;
 * - its storage is still an activationBuffer() array (releaseActivation checks).
 * Every consumer of such a tensor runs its backward before the tensor's own node (reverse topological
 * order), and the engine drops the consumers' references to it (`GradFn.inputs`) as they finish, so after
 * the release nothing reachable refers to the storage. The graph is spent by then: a second backward
 * through it throws, as it does without this.
 */
import type { Tensor } from '../tensor.js';

const internal = new WeakSet<Tensor>();

/** Declare that `t` is seen only by the graph (see the module comment for what the caller must prove). */
export function markGraphInternal(t: unknown): void {
  if (typeof t === 'object' && t !== null) internal.add(t as Tensor);
}

/** True if `t` was marked with markGraphInternal(). */
export function isGraphInternal(t: Tensor | null): boolean {
  return t !== null && internal.has(t);
}
