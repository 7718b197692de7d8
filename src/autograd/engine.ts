/**
 * Reverse-mode autograd, micrograd-sized: topologically sort the graph under the root, seed the root's
 * gradient, walk it backwards accumulating input gradients, and add into leaves' `.grad`.
 *
 * Where gradients wait and whose storage may be reused is src/autograd/grad-buffers.ts: contributions to
 * one tensor are summed when its turn comes, a gradient the engine owns alone is handed to its backward
 * as owned (an elementwise backward may write over it), and dead buffers go back to the pool.
 */
import { Tensor, shapeStr } from '../tensor.js';
import type { GradFn } from './node.js';
import { setGradEnabled } from './grad-mode.js';
import { PendingGrads, accumulateLeaf } from './grad-buffers.js';
import { gradBuffer, releaseActivation } from '../util/grad-pool.js';
import { isGraphInternal, ownsStorage } from './graph-internal.js';
import { historyAt } from './inplace-history.js';

/** Called once a leaf's `.grad` holds this backward's gradient (DistributedDataParallel starts bucket allreduces). */
export type GradAccumulatedHook = (leaf: Tensor) => void;
const gradHooks = new WeakMap<Tensor, GradAccumulatedHook>();
let hookCount = 0;
let finalCallbacks: (() => void)[] = [];

/** Sets (or with null clears) the hook run after `leaf`'s gradient is accumulated in each backward. */
export function setGradAccumulatedHook(leaf: Tensor, hook: GradAccumulatedHook | null): void {
  const had = gradHooks.has(leaf);
  if (hook === null) gradHooks.delete(leaf);
  else gradHooks.set(leaf, hook);
  hookCount += (hook !== null ? 1 : 0) - (had ? 1 : 0);
}

/** Runs `fn` once when the backward in progress has finished (torch's Variable._execution_engine.queue_callback). */
export function queueCallback(fn: () => void): void {
  finalCallbacks.push(fn);
}

export function runBackward(root: Tensor, gradient: Tensor | undefined, retainGraph: boolean): void {
  if (!root.requiresGrad) {
    throw new Error('backward: element 0 of tensors does not require grad and does not have a gradFn');
  }
  let seed: Tensor;
  if (gradient === undefined) {
    if (root.numel() !== 1) throw new Error(`backward: grad can be implicitly created only for scalar outputs, got shape ${shapeStr(root.shape)}`);
    seed = new Tensor(new Float32Array([1]), root.shape);
  } else {
    if (!(gradient instanceof Tensor)) throw new TypeError('backward: expected gradient to be a Tensor');
    if (gradient.ndim !== root.ndim || gradient.shape.some((d, i) => d !== root.shape[i])) {
      throw new RangeError(`backward: expected gradient of shape ${shapeStr(root.shape)}, got ${shapeStr(gradient.shape)}`);
    }
    const sd = gradBuffer(gradient.data.length);
    sd.set(gradient.data);
    seed = new Tensor(sd, root.shape);
  }

  const order = topoSort(root);
  const pending = new PendingGrads();
  const acc = new Accumulators(pending);
  pending.add(root, seed);
  // Buffers whose last use may have been the current node: its gradient's parts, the gradient itself and
  // what the node's backward returned.
  const done: Tensor[] = [];
  const prev = setGradEnabled(false);
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      done.length = 0;
      let g = pending.take(t, done);
      if (g === undefined) continue;
      if (t._gradHooks !== null && t._gradHooks.size > 0) {
        done.push(g);
        g = runGradHooks(t, g);
      }
      // Summed parts are dead: free them before the backward allocates.
      for (let k = 0; k < done.length; k++) pending.releaseIfDead(done[k]);
      done.length = 0;
      const fn = t.gradFn;
      if (fn === null) {
        accumulateLeaf(t, g, pending);
        pending.releaseIfDead(g);
        if (hookCount > 0) gradHooks.get(t)?.(t);
        continue;
      }
      if (fn.backward === null) {
        throw new Error(
          `backward: trying to backward through the graph a second time (${fn.name}); its saved tensors were freed. ` +
            'Pass { retainGraph: true } to the first backward() if you need to.',
        );
      }
      if (fn.savesNothing !== true || fn.savedOutput !== undefined) checkSavedVersions(fn);
      acc.begin(fn, g);
      const inGrads = fn.backward(g, pending.owns(g), acc.ask);
      done.push(g);
      const inputs = fn.inputs;
      for (let k = 0; k < inputs.length; k++) {
        const inp = inputEdge(fn, k);
        const ig = inGrads[k];
        if (ig === null || ig === undefined) continue;
        if (acc.wasHanded(k, ig)) continue; // the backward added into the pending gradient itself
        done.push(ig);
        if (inp !== null && inp.requiresGrad) pending.add(inp, ig);
      }
      for (let k = 0; k < done.length; k++) pending.releaseIfDead(done[k]);
      if (!retainGraph) freeNode(t, fn);
    }
  } catch (e) {
    finalCallbacks = [];
    throw e;
  } finally {
    setGradEnabled(prev);
  }
  runFinalCallbacks();
}

/**
 * The PendingInputGrad of the node whose backward runs (see node.ts): which pending gradients it was
 * handed, so that the engine adds nothing more for an input whose backward returned its handed gradient.
 */
class Accumulators {
  private fn: GradFn | null = null;
  private g: Tensor | null = null;
  private readonly handed: (Tensor | null)[] = [];
  constructor(private readonly pending: PendingGrads) {}

  begin(fn: GradFn, g: Tensor): void {
    this.fn = fn;
    this.g = g;
    this.handed.length = 0;
  }

  readonly ask = (k: number): Tensor | null => {
    const fn = this.fn!;
    const inp = Number.isInteger(k) && k >= 0 && k < fn.inputs.length ? inputEdge(fn, k) : null;
    if (inp === null || !inp.requiresGrad) return null;
    // The same tensor at another input: its other gradient would arrive after this sum, out of order.
    for (let m = 0; m < fn.inputs.length; m++) if (m !== k && inputEdge(fn, m) === inp) return null;
    const t = this.pending.accumulator(inp, this.g!);
    if (t !== null) this.handed[k] = t;
    return t;
  };

  /** True if ig is the pending gradient handed out for input k (already summed in place). */
  wasHanded(k: number, ig: Tensor): boolean {
    return this.handed[k] === ig;
  }
}

function runFinalCallbacks(): void {
  const fns = finalCallbacks;
  finalCallbacks = [];
  for (const fn of fns) fn();
}

/**
 * Tensor.registerHook hooks on t's gradient, in order. They get a copy the engine never recycles (a hook
 * may keep it); a returned tensor replaces the gradient and must have its shape.
 */
function runGradHooks(t: Tensor, g: Tensor): Tensor {
  let cur = new Tensor(Float32Array.from(g.data as Float32Array), g.shape);
  for (const hook of [...t._gradHooks!.values()]) {
    const r = hook(cur);
    if (r === undefined || r === null) continue;
    if (!(r instanceof Tensor)) throw new TypeError(`backward: a registerHook hook must return a Tensor or nothing, got ${typeof r}`);
    if (r.ndim !== cur.ndim || r.shape.some((d, i) => d !== cur.shape[i])) {
      throw new RangeError(`backward: hook has changed the size of value: expected ${shapeStr(cur.shape)}, got ${shapeStr(r.shape)}`);
    }
    cur = r.dtype === 'float32' ? r : new Tensor(Float32Array.from(r.data as ArrayLike<number>), r.shape);
  }
  return cur;
}

/**
 * Drop a node's backward after its use (its closure's saved tensors become garbage) and recycle what the
 * graph alone held (src/autograd/graph-internal.ts): the node's own output when it is a graph-internal
 * activation, whose consumers have all run by now, and this node's references to internal inputs, whose
 * storage their own nodes recycle later in this pass.
 */
function freeNode(t: Tensor, fn: GradFn): void {
  fn.backward = null;
  fn.release?.();
  if (fn.inputs.some(isGraphInternal)) fn.inputs = fn.inputs.map((inp) => (isGraphInternal(inp) ? null : inp));
  if (isGraphInternal(t) && ownsStorage(t)) releaseActivation(t.data as Float32Array);
}

/**
 * Input k of fn as a graph vertex: the tensor carrying the history the input had when fn's op ran (an
 * in-place op may have given the tensor a new one since: src/autograd/inplace-history.ts).
 */
function inputEdge(fn: GradFn, k: number): Tensor | null {
  const inp = fn.inputs[k];
  if (inp === null || inp._inplace === null) return inp;
  return historyAt(inp, fn.versions === undefined ? 0 : fn.versions[k]);
}

/**
 * PyTorch's error when a tensor the node's backward reads (its inputs unless it saves nothing, its output
 * when it saved it) was modified in place after the op ran: the closure would read the new values.
 */
function checkSavedVersions(fn: GradFn): void {
  const out = fn.savedOutput;
  if (out !== undefined && out.t._version !== out.version) throw modifiedError(out.t, fn.name, out.version);
  if (fn.savesNothing === true) return;
  for (let k = 0; k < fn.inputs.length; k++) {
    const inp = fn.inputs[k];
    const expected = fn.versions === undefined ? 0 : fn.versions[k];
    if (inp !== null && inp._version !== expected) throw modifiedError(inp, inp.gradFn?.name ?? null, expected);
  }
}

/** PyTorch 1.13's text (its torch.FloatTensor spelling of the dtype, its [3, 4] shape). */
function modifiedError(t: Tensor, producer: string | null, expected: number): Error {
  const type = t.dtype === 'float32' ? 'torch.FloatTensor' : t.dtype === 'int64' ? 'torch.LongTensor' : 'torch.BoolTensor';
  const which = producer === null ? '' : `, which is output 0 of ${producer},`;
  return new Error(
    `backward: one of the variables needed for gradient computation has been modified by an inplace operation: [${type} [${t.shape.join(', ')}]]${which} is at version ${t._version}; expected version ${expected} instead. ` +
      'Hint: the operation that failed to compute its gradient is the one that saved it; clone() the tensor before modifying it in place.',
  );
}

/** Graph nodes under root in topological order (inputs before outputs), iteratively. */
function topoSort(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: Tensor[] = [root];
  const next: number[] = [0];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack.length - 1;
    const t = stack[top];
    const fn = t.gradFn;
    const k = next[top];
    if (fn !== null && k < fn.inputs.length) {
      next[top] = k + 1;
      const inp = inputEdge(fn, k);
      if (inp !== null && inp.requiresGrad && !seen.has(inp)) {
        seen.add(inp);
        stack.push(inp);
        next.push(0);
      }
    } else {
      stack.pop();
      next.pop();
      order.push(t);
    }
  }
  return order;
}
