/**
 * index: PyTorch's `x[i0, i1, ...]` with NumPy's rules: a view of x's storage when every entry is a
 * number, a range, null, newaxis or '...' (basic indexing), else a copy (advanced indexing), as in PyTorch.
 *
 * One entry per indexed dim, left to right:
 * - a number picks one position (the dim goes away); negative counts from the end;
 * - a range `{ start?, stop?, step? }` (Python's slice: clamped bounds, step > 0) keeps a dim;
 * - `null` is `:` (the whole dim);
 * - `newaxis` inserts a dim of size 1; `'...'` (Ellipsis) stands for as many `:` as needed;
 * - an int64 tensor or nested arrays of integers pick positions (advanced indexing); a bool tensor or
 *   nested arrays of booleans is a mask over as many dims as it has (its true positions).
 * Advanced indices broadcast together; their dims replace the indexed ones where they stand when they
 * are adjacent, else they go first. Numbers are applied first, as PyTorch does, so they never join the
 * advanced indices nor separate them (NumPy differs there). Repeated positions get their gradients summed.
 *
 * Shape: e.g. x (4, 5, 6): index(x, 1, null, {start: 0, stop: 6, step: 2}) -> (5, 3);
 *   index(x, [0, 2], null, [1, 3]) -> (2, 5).
 * @example index(tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float32' }), [2, 0]) // tensor([[5., 6.], [1., 2.]])
 * @example index(tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' }), null, { start: 1 }) // tensor([[2., 3.], [5., 6.]])
 */
import { Tensor, storageFor, shapeStr, type NestedArray } from '../tensor.js';
import { record } from '../autograd/record.js';
import { tensor } from '../creation.js';
import { tensorArg } from './args.js';
import { describeValue } from '../util/describe.js';
import { viewOf } from './as-view.js';

/** `newaxis` (None in PyTorch): insert a dim of size 1. */
export const newaxis: unique symbol = Symbol('newaxis');

/** A Python slice `start:stop:step`; missing parts default as in Python. */
export interface IndexRange {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}

/** One index entry (see {@link index}). */
export type IndexLike = Tensor | number | null | IndexRange | typeof newaxis | '...' | readonly NestedArray[];

/** How one dim of x is indexed. */
type DimSel =
  | { kind: 'positions'; pos: Int32Array } // a kept dim (range or ':')
  | { kind: 'fixed'; at: number } // a number without advanced indices: the dim goes away
  | { kind: 'adv'; group: number }; // member `group` of the advanced indices

function isRange(v: unknown): v is IndexRange {
  return v !== null && typeof v === 'object' && !(v instanceof Tensor) && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

function rangePositions(op: string, r: IndexRange, size: number, dim: number): Int32Array {
  const num = (k: 'start' | 'stop' | 'step') => {
    const v = r[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${op}: dim ${dim}: range ${k} must be an integer or null, got ${describeValue(v)}`);
    return v;
  };
  const extra = Object.keys(r).filter((k) => k !== 'start' && k !== 'stop' && k !== 'step');
  if (extra.length > 0) throw new TypeError(`${op}: dim ${dim}: a range has start, stop and step, got '${extra[0]}'`);
  const step = num('step') ?? 1;
  if (step <= 0) throw new RangeError(`${op}: dim ${dim}: step must be greater than zero, got ${step}`);
  const clamp = (v: number | null, dflt: number) => (v === null ? dflt : v < 0 ? Math.max(0, v + size) : Math.min(v, size));
  const start = clamp(num('start'), 0);
  const stop = clamp(num('stop'), size);
  const n = stop > start ? Math.ceil((stop - start) / step) : 0;
  return Int32Array.from({ length: n }, (_, i) => start + i * step);
}

function checkPosition(op: string, v: number, size: number, dim: number): number {
  if (!Number.isInteger(v)) throw new TypeError(`${op}: dim ${dim}: expected an integer index, got ${v}`);
  if (v < -size || v >= size) throw new RangeError(`${op}: index ${v} is out of bounds for dimension ${dim} with size ${size}`);
  return v < 0 ? v + size : v;
}

/** An index tensor from a Tensor or nested arrays: int64 or bool, never float. */
function indexTensor(op: string, v: Tensor | readonly NestedArray[], dim: number): Tensor {
  let t: Tensor;
  if (v instanceof Tensor) t = v;
  else {
    try {
      t = tensor(v as NestedArray);
    } catch (e) {
      throw new TypeError(`${op}: dim ${dim}: index arrays must hold integers or booleans (${(e as Error).message.replace(/^tensor: /, '')})`);
    }
    if (t.dtype !== 'bool') {
      if (!Array.from(t.data).every(Number.isInteger)) throw new TypeError(`${op}: dim ${dim}: index arrays must hold integers or booleans`);
      t = new Tensor(Float64Array.from(t.data), t.shape, 'int64');
    }
  }
  if (t.dtype === 'float32') throw new TypeError(`${op}: dim ${dim}: tensors used as indices must be int64 or bool, got float32`);
  return t;
}

function broadcastShapes(op: string, shapes: number[][]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const d = nd - s.length + i;
      if (s[i] !== 1 && out[d] !== 1 && s[i] !== out[d]) {
        throw new RangeError(`${op}: shape mismatch: indexing tensors could not be broadcast together with shapes ${shapes.map((x) => shapeStr(x)).join(', ')}`);
      }
      if (s[i] !== 1) out[d] = s[i];
    }
  }
  return out;
}

/**
 * `x[i0, i1, ...]`; see the file comment. A view for basic indexing, a copy with index tensors.
 */
export function index(x: Tensor, ...indices: IndexLike[]): Tensor {
  const op = 'index';
  tensorArg(op, 'input', x);
  if (indices.length === 0) throw new TypeError(`${op}: expected at least one index`);
  // Expand '...' and count the dims each entry consumes.
  const consumed = (v: IndexLike): number => {
    if (v === newaxis || v === '...') return 0;
    if (v instanceof Tensor && v.dtype === 'bool') return Math.max(1, v.ndim);
    if (Array.isArray(v)) {
      let cur: unknown = v;
      let depth = 0;
      while (Array.isArray(cur)) {
        depth++;
        cur = cur[0];
      }
      return typeof cur === 'boolean' ? depth : 1;
    }
    return 1;
  };
  const ellipses = indices.filter((v) => v === '...').length;
  if (ellipses > 1) throw new RangeError(`${op}: an index can only have a single ellipsis ('...')`);
  let used = 0;
  for (const v of indices) used += consumed(v);
  if (used > x.ndim) throw new RangeError(`${op}: too many indices for tensor of dimension ${x.ndim}`);
  const items: IndexLike[] = [];
  for (const v of indices) {
    if (v === '...') for (let k = 0; k < x.ndim - used; k++) items.push(null);
    else items.push(v);
  }
  if (ellipses === 0) for (let k = used; k < x.ndim; k++) items.push(null);

  // Advanced entries become int64 index tensors (a k-dim mask becomes k of them).
  const sels: DimSel[] = [];
  const adv: { t: Tensor; dim: number }[] = [];
  /** Advanced items by their position in `items`, and by their position among the items that are not numbers. */
  const advItemIdx: number[] = [];
  const advSlot: number[] = [];
  const slotOf = (itemIdx: number) => items.slice(0, itemIdx).filter((v) => typeof v !== 'number').length;
  let dim = 0;
  items.forEach((v, itemIdx) => {
    if (v === newaxis) return;
    if (typeof v === 'number') {
      // PyTorch selects first: a number never joins the advanced indices (NumPy's rule differs).
      sels.push({ kind: 'fixed', at: checkPosition(op, v, x.shape[dim], dim) });
      dim++;
    } else if (v === null) {
      sels.push({ kind: 'positions', pos: Int32Array.from({ length: x.shape[dim] }, (_, i) => i) });
      dim++;
    } else if (v instanceof Tensor || Array.isArray(v)) {
      const t = indexTensor(op, v as Tensor | readonly NestedArray[], dim);
      if (t.dtype === 'bool' && t.ndim === 0) throw new RangeError(`${op}: index ${itemIdx}: a 0-d bool index is not supported`);
      if (t.dtype === 'bool') {
        const k = Math.max(1, t.ndim);
        const mshape = t.ndim === 0 ? [1] : [...t.shape];
        if (mshape.some((s, i) => s !== x.shape[dim + i])) {
          throw new RangeError(`${op}: the shape of the mask ${shapeStr(mshape)} at index ${itemIdx} does not match the shape of the indexed tensor ${shapeStr(x.shape)}`);
        }
        const md = t.data;
        const hits: number[] = [];
        for (let i = 0; i < md.length; i++) if (md[i]) hits.push(i);
        // The true positions' coordinates, one index tensor per mask dim.
        for (let j = 0; j < k; j++) {
          const inner = mshape.slice(j + 1).reduce((a, b) => a * b, 1);
          const coord = Float64Array.from(hits, (h) => Math.floor(h / inner) % mshape[j]);
          adv.push({ t: new Tensor(coord, [hits.length], 'int64'), dim: dim + j });
          advItemIdx.push(itemIdx);
          advSlot.push(slotOf(itemIdx));
          sels.push({ kind: 'adv', group: adv.length - 1 });
        }
        dim += k;
      } else {
        const size = x.shape[dim];
        const id = t.data;
        const norm = new Float64Array(id.length);
        for (let i = 0; i < id.length; i++) norm[i] = checkPosition(op, id[i], size, dim);
        adv.push({ t: new Tensor(norm, t.shape, 'int64'), dim });
        advItemIdx.push(itemIdx);
        advSlot.push(slotOf(itemIdx));
        sels.push({ kind: 'adv', group: adv.length - 1 });
        dim++;
      }
    } else if (isRange(v)) {
      sels.push({ kind: 'positions', pos: rangePositions(op, v, x.shape[dim], dim) });
      dim++;
    } else {
      throw new TypeError(`${op}: index ${itemIdx}: expected a number, a range {start, stop, step}, null, newaxis, '...', or an int64/bool tensor or array, got ${describeValue(v)}`);
    }
  });

  // Output dims: kept dims and newaxes in order; the broadcast advanced block where the first advanced
  // item stands if the advanced items are adjacent, else first.
  const bshape = adv.length > 0 ? broadcastShapes(op, adv.map((a) => [...a.t.shape])) : [];
  const adjacent = advSlot.every((p, i) => i === 0 || p - advSlot[i - 1] <= 1);
  // `next`: the x dim after a newaxis (PyTorch gives it the stride of an unsqueeze there).
  type OutDim = { kind: 'keep'; xdim: number; pos: Int32Array } | { kind: 'new'; next: number } | { kind: 'block' };
  const outDims: OutDim[] = [];
  let placed = false;
  dim = 0;
  let selIdx = 0;
  items.forEach((v, itemIdx) => {
    if (v === newaxis) {
      outDims.push({ kind: 'new', next: dim });
      return;
    }
    const width = v instanceof Tensor || Array.isArray(v) ? consumed(v) : 1;
    for (let j = 0; j < width; j++, dim++, selIdx++) {
      const s = sels[selIdx];
      if (s.kind === 'positions') outDims.push({ kind: 'keep', xdim: dim, pos: s.pos });
      else if (s.kind === 'adv' && adjacent && !placed && itemIdx === advItemIdx[0]) {
        outDims.push({ kind: 'block' });
        placed = true;
      }
    }
  });
  if (adv.length > 0 && !placed) outDims.unshift({ kind: 'block' });
  const outShape: number[] = [];
  for (const d of outDims) {
    if (d.kind === 'keep') outShape.push(d.pos.length);
    else if (d.kind === 'new') outShape.push(1);
    else outShape.push(...bshape);
  }

  if (adv.length === 0) return basicView(x, sels, outDims, outShape);

  // Source offset of every output element.
  const strides = new Array<number>(x.ndim);
  for (let d = x.ndim - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= x.shape[d];
  }
  let base = 0;
  sels.forEach((s, d) => {
    if (s.kind === 'fixed') base += s.at * strides[d];
  });
  const n = outShape.reduce((a, b) => a * b, 1);
  const src = new Float64Array(n);
  const coord = new Array<number>(outShape.length).fill(0);
  // For each advanced index: its element for a broadcast coordinate (row-major over bshape).
  const advStrides = adv.map((a) => {
    const st = new Array<number>(bshape.length).fill(0);
    const sh = a.t.shape;
    for (let i = sh.length - 1, s = 1; i >= 0; i--) {
      st[bshape.length - sh.length + i] = sh[i] === 1 ? 0 : s;
      s *= sh[i];
    }
    return st;
  });
  for (let o = 0; o < n; o++) {
    let off = base;
    let c = 0;
    for (const d of outDims) {
      if (d.kind === 'keep') off += d.pos[coord[c++]] * strides[d.xdim];
      else if (d.kind === 'new') c++;
      else {
        for (let g = 0; g < adv.length; g++) {
          let k = 0;
          for (let b = 0; b < bshape.length; b++) k += coord[c + b] * advStrides[g][b];
          off += adv[g].t.data[k] * strides[adv[g].dim];
        }
        c += bshape.length;
      }
    }
    src[o] = off;
    for (let k = coord.length - 1; k >= 0; k--) {
      if (++coord[k] < outShape[k]) break;
      coord[k] = 0;
    }
  }
  const out = storageFor(x.dtype, n);
  const xd = x.data;
  for (let o = 0; o < n; o++) out[o] = xd[src[o]];
  return record(new Tensor(out, outShape, x.dtype), 'IndexBackward0', [x], (g) => {
    const gx = new Float32Array(x.numel());
    const gd = g.data;
    for (let o = 0; o < n; o++) gx[src[o]] += gd[o]; // repeated positions accumulate
    return [new Tensor(gx, x.shape)];
  });
}

/**
 * Numbers, ranges, null and newaxis only (no index tensors): a view of x's storage, as PyTorch's basic
 * indexing. A number moves the offset and drops its dim; a range moves the offset and multiplies the
 * stride by its step.
 */
function basicView(x: Tensor, sels: DimSel[], outDims: ({ kind: 'keep'; xdim: number; pos: Int32Array } | { kind: 'new'; next: number } | { kind: 'block' })[], outShape: number[]): Tensor {
  return viewOf('IndexBackward0', x, (l) => {
    let offset = l.offset;
    sels.forEach((s, d) => {
      if (s.kind === 'fixed') offset += s.at * l.strides[d];
    });
    const strides = outDims.map((d) => {
      // A newaxis strides like an unsqueeze before the next x dim: that dim's size times its stride.
      if (d.kind === 'new') return d.next < l.shape.length ? l.shape[d.next] * l.strides[d.next] : 1;
      if (d.kind !== 'keep') return 1;
      const p = d.pos;
      if (p.length > 0) offset += p[0] * l.strides[d.xdim];
      return (p.length > 1 ? p[1] - p[0] : 1) * l.strides[d.xdim];
    });
    return { shape: outShape, strides, offset };
  });
}

/** Alias of {@link index} (`x.slice(null, { start: 1 })` reads like `x[:, 1:]`). */
export const slice = index;

export type { NestedArray };
