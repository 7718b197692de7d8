import type { Tensor } from '../tensor.js';
import type { BackwardFn, GradFn } from './node.js';
import { refreshViewHistory } from './inplace-history.js';
import { isGradEnabled } from './grad-mode.js';
import { markOwnsStorage } from './graph-internal.js';

/**
 * What an op knows beyond its tensor inputs and output shape, for a graph export (src/onnx): conv
 * stride/padding, pool windows, softmax dim, batch-norm running statistics, ... Plain values and tensors.
 */
export type OpAttrs = Readonly<Record<string, unknown>>;

/**
 * Called for every op that calls record() while a trace is active (see {@link setTracer}), also those
 * that attach no history (no input requires grad): an export maps those where its graph reaches them.
 */
export type TraceHook = (out: Tensor, name: string, inputs: readonly (Tensor | null)[], attrs: OpAttrs | undefined) => void;

/** The active tracer: null except while an export traces a forward (one null check per recorded op). */
let tracer: TraceHook | null = null;

/** @internal Install (or with null remove) the tracer; returns the previous one so callers can restore it. */
export function setTracer(hook: TraceHook | null): TraceHook | null {
  const prev = tracer;
  tracer = hook;
  return prev;
}

/** @internal True while an export traces a forward (ops then keep their unfused form, which it maps). */
export function isTracing(): boolean {
  return tracer !== null;
}

/** True if an op on these inputs must record history. */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  let any = false;
  for (const t of inputs) {
    if (!t) continue;
    // A view of a base that an in-place op through another view rebased takes its new history first.
    if (t._base !== null && t._base._inplace !== null) refreshViewHistory(t);
    if (t.requiresGrad) any = true;
  }
  return any;
}

/**
 * Attach an autograd record to `out` if any input requires grad and recording is on. `backward` gets the
 * gradient of `out` (same shape) and returns one gradient per input (null where not needed); it runs
 * with recording off, and may overwrite the gradient when told it owns it (see BackwardFn). `attrs`
 * describes the op for a graph export (the active tracer); it costs nothing otherwise. `opts` says what
 * may be recycled once the graph is spent (see RecordOptions). Returns `out`.
 */
export function record(
  out: Tensor,
  name: string,
  inputs: readonly (Tensor | null)[],
  backward: BackwardFn,
  attrs?: OpAttrs,
  opts: RecordOptions = {},
): Tensor {
  if (opts.ownsOutput === true) markOwnsStorage(out);
  if (needsGrad(...inputs)) {
    // Every field set here, so all nodes share one object shape.
    const fn: GradFn = {
      name, inputs, backward, release: opts.release, versions: inputVersions(inputs),
      savesNothing: opts.savesNothing === true,
      savedOutput: opts.savesOutput === true ? { t: out, version: out._version } : undefined,
    };
    out._setHistory(fn);
    if (tracer !== null) tracer(out, name, inputs, attrs);
  } else if (tracer !== null) {
    // An op on values that need no grad (a bool mask input, an int64 index): the exporter maps it
    // only where the graph reaches it, so masks built from graph inputs export as nodes, not constants.
    tracer(out, name, inputs, attrs);
  }
  return out;
}

/**
 * The inputs' versions (undefined when all are 0, the common case: nothing allocated). A view whose base
 * got a new history from an in-place op through another view takes its new history first.
 */
function inputVersions(inputs: readonly (Tensor | null)[]): number[] | undefined {
  let out: number[] | undefined;
  for (let k = 0; k < inputs.length; k++) {
    const t = inputs[k];
    if (t === null || t._version === 0) continue;
    out ??= inputs.map(() => 0);
    out[k] = t._version;
  }
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
  /** The closure reads no input's values: modifying an input in place afterwards is allowed. */
  savesNothing?: boolean;
  /** The closure reads `out`'s values: modifying it in place afterwards makes backward throw. */
  savesOutput?: boolean;
}
