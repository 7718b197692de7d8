/**
 * Reverse-mode autograd, micrograd-sized: topologically sort the graph under the root, seed the root's
 * gradient, walk it backwards accumulating input gradients, and add into leaves' `.grad`.
 *
 * Gradient storage is recycled within and across passes (src/util/grad-pool.ts): the engine counts, per
 * storage buffer, the pending gradients that use it; once a node has consumed its gradient, every buffer
 * involved that came from the pool and that no pending gradient shares goes back to the pool. The
 * contributions to one tensor's gradient are summed in one pass when its turn comes, in place into one of
 * them when it is a pool buffer that nothing else shares. A gradient in such a buffer is offered to the
 * backward that consumes it (claimGrad), so an elementwise backward can write its result over it.
 */
import { Tensor, shapeStr } from '../tensor.js';
import { setGradEnabled } from './grad-mode.js';
import { getBackend } from '../backend/select.js';
import { adoptGrad, gradBuffer, isPooled, releaseGrad, setExclusiveGrad } from '../util/grad-pool.js';

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
  pending.add(root, seed);
  // Buffers whose last use may have been the current node: its gradient's parts, the gradient itself and
  // what the node's backward returned.
  const done: Tensor[] = [];
  const prev = setGradEnabled(false);
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      done.length = 0;
      const g = pending.take(t, done);
      if (g === undefined) continue;
      // Summed parts are dead: free them before the backward allocates.
      for (let k = 0; k < done.length; k++) pending.releaseIfDead(done[k]);
      done.length = 0;
      const fn = t.gradFn;
      if (fn === null) {
        accumulateLeaf(t, g, pending);
        pending.releaseIfDead(g);
        continue;
      }
      if (fn.backward === null) {
        throw new Error(
          `backward: trying to backward through the graph a second time (${fn.name}); its saved tensors were freed. ` +
            'Pass { retainGraph: true } to the first backward() if you need to.',
        );
      }
      setExclusiveGrad(isPooled(g.data) && pending.unshared(g) ? g.data : null);
      let inGrads: readonly (Tensor | null)[];
      try {
        inGrads = fn.backward(g);
      } finally {
        setExclusiveGrad(null);
      }
      if (!retainGraph) fn.backward = null;
      done.push(g);
      const inputs = fn.inputs;
      for (let k = 0; k < inputs.length; k++) {
        const inp = inputs[k];
        const ig = inGrads[k];
        if (ig === null || ig === undefined) continue;
        done.push(ig);
        if (inp !== null && inp.requiresGrad) pending.add(inp, ig);
      }
      for (let k = 0; k < done.length; k++) pending.releaseIfDead(done[k]);
    }
  } finally {
    setGradEnabled(prev);
  }
}

/**
 * The gradients waiting for their tensor's turn, and how many of them use each storage buffer. The
 * contributions to one tensor are kept apart until it is its turn, then summed in one pass.
 */
class PendingGrads {
  private readonly grads = new Map<Tensor, Tensor[]>();
  private readonly users = new Map<ArrayBufferLike, number>();

  /** Add a gradient contribution for t. */
  add(t: Tensor, g: Tensor): void {
    const list = this.grads.get(t);
    if (list === undefined) this.grads.set(t, [g]);
    else list.push(g);
    const b = g.data.buffer;
    this.users.set(b, (this.users.get(b) ?? 0) + 1);
  }

  /**
   * Remove t's contributions and return their sum (undefined if none). The sum is taken in arrival order,
   * rounding to float32 after each addition, into one of the contributions if it is a pool buffer nothing
   * else uses, else into a new pool buffer; contributions that were summed are pushed to `consumed`.
   */
  take(t: Tensor, consumed: Tensor[]): Tensor | undefined {
    const list = this.grads.get(t);
    if (list === undefined) return undefined;
    this.grads.delete(t);
    for (let k = 0; k < list.length; k++) {
      const b = list[k].data.buffer;
      const n = this.users.get(b)! - 1;
      if (n === 0) this.users.delete(b);
      else this.users.set(b, n);
    }
    if (list.length === 1) return list[0];
    let dest: Float32Array | null = null;
    for (let k = 0; k < list.length && dest === null; k++) {
      const d: unknown = list[k].data;
      if (isPooled(d) && !this.users.has(d.buffer) && list.every((o, m) => m === k || o.data.buffer !== d.buffer)) dest = d;
    }
    const first = list[0];
    const out = dest ?? gradBuffer(first.data.length);
    sumInto(out, list);
    for (let k = 0; k < list.length; k++) if (list[k].data !== out) consumed.push(list[k]);
    return new Tensor(out, first.shape);
  }

  /** True if no pending gradient uses g's storage buffer. */
  unshared(g: Tensor): boolean {
    return !this.users.has(g.data.buffer);
  }

  /** Return g's storage to the pool if it is a pool buffer that no pending gradient uses. */
  releaseIfDead(g: Tensor): void {
    const d = g.data;
    if (isPooled(d) && !this.users.has(d.buffer)) releaseGrad(d);
  }
}

/**
 * out = ((g0 + g1) + g2) + ..., rounded to float32 after each addition (what adding them one at a time
 * into a float32 buffer gives), by the backend's add kernel. out may be one of the operands: each element
 * is read before it is written.
 */
function sumInto(out: Float32Array, list: readonly Tensor[]): void {
  const add = getBackend().add;
  const parts = list.map((t) => t.data as Float32Array);
  if (parts.some((p) => p.length !== out.length)) {
    for (let i = 0; i < out.length; i++) {
      let s = parts[0]![i]! + parts[1]![i]!;
      for (let k = 2; k < parts.length; k++) s = Math.fround(s) + parts[k]![i]!;
      out[i] = s;
    }
    return;
  }
  add(parts[0]!, parts[1]!, out);
  for (let k = 2; k < parts.length; k++) add(out, parts[k]!, out);
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
      const inp = fn.inputs[k];
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

function accumulateLeaf(leaf: Tensor, g: Tensor, pending: PendingGrads): void {
  if (g.numel() !== leaf.numel()) {
    throw new Error(`backward: gradient of shape ${shapeStr(g.shape)} does not match leaf of shape ${shapeStr(leaf.shape)}`);
  }
  if (leaf.grad === null) {
    const d = g.data;
    if (isPooled(d) && pending.unshared(g)) {
      // The engine's own buffer, shared with nothing: it becomes the leaf's storage.
      adoptGrad(d);
      leaf.grad = new Tensor(d, leaf.shape);
    } else {
      // Own the storage: the gradient may be a view of something an op still holds.
      leaf.grad = new Tensor(Float32Array.from(d), leaf.shape);
    }
  } else {
    const gd = leaf.grad.data;
    const src = g.data;
    for (let i = 0; i < gd.length; i++) gd[i] += src[i];
  }
}
