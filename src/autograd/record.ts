import type { Tensor } from '../tensor.js';
import type { BackwardFn } from './node.js';
import { isGradEnabled } from './grad-mode.js';
import { markOwnsStorage } from './graph-internal.js';

/** True if an op on these inputs must record history. */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}

/**
 * Attach an autograd record to `out` if any input requires grad and recording is on. `backward` gets the
 * gradient of `out` (same shape) and returns one gradient per input (null where not needed); it runs
 * with recording off, and may overwrite the gradient when told it owns it (see BackwardFn). Returns `out`.
 * `opts` says what may be recycled once the graph is spent (see RecordOptions).
 */
export function record(
  out: Tensor,
  name: string,
  inputs: readonly (Tensor | null)[],
  backward: BackwardFn,
  opts: RecordOptions = {},
): Tensor {
  if (opts.ownsOutput === true) markOwnsStorage(out);
  if (needsGrad(...inputs)) out._setHistory({ name, inputs, backward, release: opts.release });
  return out;
}

export interface RecordOptions {
  /**
   * out.data came from activationBuffer() and no other tensor of the op wraps it, so the engine may
   * recycle it when the graph alone holds out (src/autograd/graph-internal.ts).
   */
  ownsOutput?: boolean;
  /** Recycles the closure's private scratch once the node is spent (GradFn.release). */
  release?: () => void;
}
