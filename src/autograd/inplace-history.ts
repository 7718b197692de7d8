/**
 * Autograd across in-place ops. The engine's graph vertices are tensor objects, but an in-place op gives
 * a tensor a new history while earlier ops recorded it with its old one. So the op moves the old history
 * to a holder tensor and remembers (`Tensor._inplace.olds`) up to which version of the tensor that history was
 * current; each node records its inputs' versions (GradFn.versions) and the engine sends an input's
 * gradient to the history it had at that version (historyAt).
 *
 * An in-place op through a view also rewrites its base's history, as PyTorch's CopySlices: the base's
 * gradient goes to the base's old history outside the view's region and through the op inside it. The
 * view itself becomes a strided view of the new base (AsStridedBackward0), and so does every other view
 * of that base the next time an op records it (refreshViewHistory), since its elements may have changed.
 */
import { Tensor, shapeSize, type ViewLayout } from '../tensor.js';
import type { GradFn } from './node.js';
import { gatherStrided, scatterAddStrided, scatterStrided } from '../util/strided-copy.js';

/** The tensor that carries the history `t` had at version `version` (t itself if it has had no other). */
export function historyAt(t: Tensor, version: number): Tensor {
  const olds = t._inplace === null ? null : t._inplace.olds;
  if (olds === null) return t;
  for (let i = 0; i < olds.length; i++) if (version <= olds[i].until) return olds[i].t;
  return t;
}

/** A tensor over `data` that takes over t's history; t's history was current up to version `until`. */
export function retireHistory(t: Tensor, until: number, data = t.data): Tensor {
  const h = new Tensor(data, t.shape, t.dtype);
  if (t.gradFn !== null) h._setHistory(t.gradFn);
  else if (t.requiresGrad) h.requiresGrad = true;
  (t._inplaceHistory().olds ??= []).push({ until, t: h });
  return h;
}

/**
 * Where view v lies in its base's row-major index space, or null when the base is itself strided (a
 * detached alias of a non-contiguous view), which this does not handle.
 */
export function regionInBase(base: Tensor, v: Tensor): ViewLayout | null {
  if (!base.isContiguous()) return null;
  return { shape: v.shape, strides: v.stride(), offset: v.storageOffset() - base.storageOffset() };
}

/** v's history as a strided view of its base's current history. */
function asStridedFrom(base: Tensor, region: ViewLayout): GradFn {
  return {
    name: 'AsStridedBackward0',
    inputs: [base],
    versions: [base._version],
    savesNothing: true,
    backward: (g) => {
      const gx = new Float32Array(base.numel());
      scatterAddStrided(gx, region.shape, region.strides, region.offset, g.data);
      return [new Tensor(gx, base.shape)];
    },
  };
}

/**
 * After an in-place op wrote `result` into view v of base (v's own old history already retired): the
 * base's new history (CopySlices) and v's (a view of it). `before` holds the base's old history, which
 * was current up to version `beforeVersion`.
 */
export function rebaseThroughView(base: Tensor, v: Tensor, region: ViewLayout, result: Tensor, before: Tensor, beforeVersion: number): void {
  const n = shapeSize(region.shape);
  const copySlices: GradFn = {
    name: 'CopySlices',
    inputs: [before, result],
    savesNothing: true,
    backward: (g) => {
      const gd = g.data;
      const outside = Float32Array.from(gd);
      scatterStrided(outside, region.shape, region.strides, region.offset, new Float32Array(n));
      const inside = gatherStrided(gd, region.shape, region.strides, region.offset, new Float32Array(n));
      return [new Tensor(outside, base.shape), new Tensor(inside, region.shape)];
    },
  };
  base._setHistory(copySlices);
  const rec = base._inplaceHistory();
  rec.histGen++;
  rec.rebasedAt = beforeVersion;
  v._setHistory(asStridedFrom(base, region));
  v._inplaceHistory().baseGen = rec.histGen;
}

/**
 * Called before a view is recorded as an op's input: a view whose base was rebased (since the view was
 * made or last refreshed) takes its new history. Callers skip it for a base without an in-place record.
 */
export function refreshViewHistory(v: Tensor): void {
  const base = v._base!;
  const baseRec = base._inplace;
  if (baseRec === null || (v._inplace === null ? 0 : v._inplace.baseGen) === baseRec.histGen) return;
  v._inplaceHistory().baseGen = baseRec.histGen;
  const region = regionInBase(base, v);
  if (region === null || !base.requiresGrad) return;
  // The holder only routes gradients (no closure reads its values), so it needs no copy of them.
  retireHistory(v, baseRec.rebasedAt, new Float32Array(v.numel()));
  v._setHistory(asStridedFrom(base, region));
}
