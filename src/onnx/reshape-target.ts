/**
 * The shape tensor of an ONNX Reshape that keeps dynamic axes dynamic: a reshape traced at the sample's
 * sizes must not bake a dynamic size (the batch) into the graph. Dims copied unchanged from the front
 * become 0 ("copy the input's dim"), and the one output dim that absorbs the dynamic input dims becomes
 * -1 ("infer"); everything else is static.
 */
import { ExportError } from './builder.js';

export interface ReshapeTarget {
  /** The Reshape 'shape' input. */
  readonly target: number[];
  /** Which output dims are dynamic. */
  readonly dyn: boolean[];
}

export function reshapeTarget(inShape: readonly number[], inDyn: readonly boolean[], outShape: readonly number[]): ReshapeTarget {
  const target = [...outShape];
  const dyn = outShape.map(() => false);
  const nIn = inShape.length;
  const nOut = outShape.length;
  // Common prefix, then a common suffix that does not overlap it.
  let p = 0;
  while (p < nIn && p < nOut && inShape[p] === outShape[p]) p++;
  let q = 0;
  while (q < nIn - p && q < nOut - p && inShape[nIn - 1 - q] === outShape[nOut - 1 - q]) q++;
  for (let i = 0; i < p; i++) {
    if (inDyn[i]) {
      target[i] = 0;
      dyn[i] = true;
    }
  }
  // The dynamic dims left: in the middle (merged or split there) or in the suffix (moved by the rank change).
  let inferAt = -1;
  const setInfer = (i: number): void => {
    if (inferAt !== -1 && inferAt !== i) {
      throw new ExportError(`cannot reshape (${inShape.join(', ')}) to (${outShape.join(', ')}) with more than one dynamic axis moved`);
    }
    inferAt = i;
  };
  const midIn = inDyn.slice(p, nIn - q);
  if (midIn.some((d) => d)) {
    if (nOut - q - p !== 1) {
      throw new ExportError(`cannot reshape (${inShape.join(', ')}) to (${outShape.join(', ')}): a dynamic axis is split or merged into more than one output dim`);
    }
    setInfer(p);
  }
  for (let j = 0; j < q; j++) if (inDyn[nIn - 1 - j]) setInfer(nOut - 1 - j);
  if (inferAt !== -1) {
    target[inferAt] = -1;
    dyn[inferAt] = true;
  }
  return { target, dyn };
}

/**
 * The Reshape target from two traces (the sample and the probe with dynamic axes one longer): a dim that
 * is the same in both is static; one that changed is 0 where it is the input's dim at the same place in
 * both, else -1 (at most one such dim).
 */
export function probedTarget(
  inShape: readonly number[], outShape: readonly number[], probe: { readonly inShape: readonly number[]; readonly outShape: readonly number[] },
): ReshapeTarget {
  const dyn = outShape.map((s, i) => probe.outShape[i] !== s);
  const target = outShape.map((s, i) => {
    if (!dyn[i]) return s;
    return inShape[i] === s && probe.inShape[i] === probe.outShape[i] ? 0 : -1;
  });
  if (target.filter((v) => v === -1).length > 1) {
    throw new ExportError(`cannot reshape (${inShape.join(', ')}) to (${outShape.join(', ')}) with more than one dynamic output dim inferred`);
  }
  return { target, dyn };
}
