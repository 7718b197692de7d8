/**
 * Gradient storage for the autograd engine (src/autograd/engine.ts): the gradients waiting for their
 * tensor's turn, how many of them share each storage buffer, and the recycling of engine-owned buffers
 * through the gradient pool (src/util/grad-pool.ts).
 *
 * Ownership: a buffer from the pool that no pending gradient shares is the engine's alone. Such a buffer
 * may be summed into, handed to a backward as owned (it may overwrite it), given to a leaf as its
 * `.grad`, or returned to the pool once its gradient has been consumed.
 */
import { Tensor, shapeStr } from '../tensor.js';
import { getBackend } from '../backend/select.js';
import { adoptGrad, gradBuffer, isPooled, releaseGrad } from '../util/grad-pool.js';

export /**
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

  /**
   * t's one pending gradient if a backward may add into it in place (see PendingInputGrad): a pool buffer
   * of t's size, contiguous from offset 0, that no other pending gradient shares and that is not the
   * storage of `busy` (the gradient the backward is reading); else null.
   */
  accumulator(t: Tensor, busy: Tensor): Tensor | null {
    const list = this.grads.get(t);
    if (list === undefined || list.length !== 1) return null;
    const p = list[0];
    const d: unknown = p.data;
    if (!isPooled(d) || this.users.get(d.buffer) !== 1 || d.buffer === busy.data.buffer) return null;
    if (p.storageOffset() !== 0 || !p.isContiguous() || d.length !== t.numel()) return null;
    return p;
  }

  /** True if no pending gradient uses g's storage buffer. */
  unshared(g: Tensor): boolean {
    return !this.users.has(g.data.buffer);
  }

  /** True if g's storage is an engine-owned pool buffer that nothing pending shares (it may be overwritten). */
  owns(g: Tensor): boolean {
    return isPooled(g.data) && this.unshared(g);
  }

  /** Return g's storage to the pool if it is a pool buffer that no pending gradient uses. */
  releaseIfDead(g: Tensor): void {
    const d = g.data;
    if (isPooled(d) && !this.users.has(d.buffer)) releaseGrad(d);
  }
}

/**
 * out = ((g0 + g1) + g2) + ..., rounded to float32 after each addition (what adding them one at a time
 * into a float32 buffer gives), by the backend's add kernel. out may be one of the operands.
 */
function sumInto(out: Float32Array, list: readonly Tensor[]): void {
  const add = getBackend().add;
  const parts = list.map((t) => t.data as Float32Array);
  // The kernel pass over the first two would overwrite a later operand that is out itself: then one
  // element-wise pass (each element read before it is written), as for mismatched lengths.
  if (parts.some((p, k) => p.length !== out.length || (k >= 2 && p === out))) {
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

/** Add g into leaf.grad, adopting g's storage as the leaf's `.grad` when the engine owns it. */
export function accumulateLeaf(leaf: Tensor, g: Tensor, pending: PendingGrads): void {
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
    leaf.grad._bumpVersion(); // PyTorch's AccumulateGrad adds in place (grad += new_grad): a bump
  }
}
