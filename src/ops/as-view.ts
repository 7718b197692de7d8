/**
 * The shared machinery of the view ops (transpose, permute, narrow, select, slicing, expand, squeeze,
 * unsqueeze, view/reshape, split, chunk): a view is a new (shape, strides, offset) over its source's
 * storage, so each op is a function from a layout to a layout. Applied to the source's layout in its
 * storage it gives the view; applied to the source's row-major layout it says where each view element
 * sits in the source, which is all the backward needs (scatter-add the gradient there).
 */
import { Tensor, type Shape, type ViewLayout } from '../tensor.js';
import { record, type OpAttrs } from '../autograd/record.js';
import { contiguousStrides, gatherStrided, scatterAddStrided } from '../util/strided-copy.js';
import { gradBuffer, gradBufferZeroed } from '../util/grad-pool.js';

/** A view op's effect on a layout (pure: the same for the storage layout and the row-major one). */
export type LayoutFn = (l: ViewLayout) => ViewLayout;

/** The row-major layout of `shape` at offset 0. */
export function rowMajor(shape: Shape): ViewLayout {
  return { shape, strides: contiguousStrides(shape), offset: 0 };
}

/**
 * The view of x that `fn` describes, recorded as `name`: its gradient is the incoming gradient
 * scatter-added into zeros of x's shape at the positions the view takes (a stride-0 expand adds up).
 * `sameOrder`: the view keeps x's row-major element order (squeeze, unsqueeze), so the gradient is
 * just reshaped. `inverse`: the view reorders every element once (transpose, permute), and `inverse`
 * applied to the gradient's row-major layout reads it back in x's order: the gradient is one gather, with
 * neither a zero fill nor a read-modify-write per element.
 */
export function viewOf(name: string, x: Tensor, fn: LayoutFn, attrs?: OpAttrs, sameOrder = false, inverse?: LayoutFn): Tensor {
  const out = Tensor._alias(x, fn(x._layout()), true);
  if (x.dtype !== 'float32') return out;
  return record(out, name, [x], (g) => {
    // squeeze/unsqueeze keep the row-major order: the gradient is the same array in x's shape.
    if (sameOrder) return [new Tensor(g.data, x.shape)];
    if (inverse) {
      const back = inverse(rowMajor(g.shape));
      return [new Tensor(gatherStrided(g.data, back.shape, back.strides, back.offset, gradBuffer(x.numel())), x.shape)];
    }
    const at = fn(rowMajor(x.shape));
    const gx = gradBufferZeroed(x.numel());
    scatterAddStrided(gx, at.shape, at.strides, at.offset, g.data);
    return [new Tensor(gx, x.shape)];
  }, attrs, { savesNothing: true });
}

/** The layout with dims reordered: out dim i is dim perm[i]. */
export function permuteLayout(perm: readonly number[]): LayoutFn {
  return (l) => ({ shape: perm.map((p) => l.shape[p]), strides: perm.map((p) => l.strides[p]), offset: l.offset });
}

/** The view of x with dims reordered (out dim i is x's dim perm[i]), its gradient gathered back in x's order. */
export function permutedView(name: string, x: Tensor, perm: readonly number[], attrs?: OpAttrs): Tensor {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => { inv[p] = i; });
  return viewOf(name, x, permuteLayout(perm), attrs, false, permuteLayout(inv));
}

/** Positions start .. start+length-1 along dim d (step `step`); with `drop` the dim goes away (select). */
export function sliceLayout(d: number, start: number, length: number, step = 1, drop = false): LayoutFn {
  return (l) => {
    const shape = [...l.shape];
    const strides = [...l.strides];
    const offset = l.offset + start * l.strides[d];
    if (drop) {
      shape.splice(d, 1);
      strides.splice(d, 1);
    } else {
      shape[d] = length;
      strides[d] = l.strides[d] * step;
    }
    return { shape, strides, offset };
  };
}
