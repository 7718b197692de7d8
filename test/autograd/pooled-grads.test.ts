/**
 * The attention path's backward gradients come from the gradient pool (src/util/grad-pool.ts), so the
 * engine recycles them once consumed: the matmul and bmm products' operand gradients (plain and with the
 * transB / alpha of the attention scores) and the gather back through a permute or transpose view. A
 * backward that allocated them outside the pool would feed the garbage collector every train step.
 */
import { describe, expect, it } from 'vitest';
import { randn, ones } from '../../src/creation.js';
import { Tensor } from '../../src/tensor.js';
import { matmul } from '../../src/ops/matmul.js';
import { bmm } from '../../src/ops/bmm.js';
import { permute } from '../../src/ops/permute.js';
import { narrow } from '../../src/ops/narrow.js';
import { scaledScores } from '../../src/ops/scaled-scores.js';
import { isPooled } from '../../src/util/grad-pool.js';
import { Generator } from '../../src/util/generator.js';

const g = new Generator(3);
/** Large enough for the pool (at least 1024 elements per gradient). */
const leaf = (shape: number[]) => randn(shape, { generator: g, requiresGrad: true });

/** The gradients out's node returns for an all-ones incoming gradient, called directly (not through the engine). */
function nodeGrads(out: Tensor): (Tensor | null)[] {
  return out.gradFn!.backward!(ones(out.shape), false, () => null) as (Tensor | null)[];
}

describe('pooled backward gradients', () => {
  it('matmul and bmm: both operand gradients', () => {
    for (const out of [matmul(leaf([40, 33]), leaf([33, 50])), bmm(leaf([3, 40, 33]), leaf([3, 33, 50]))]) {
      const grads = nodeGrads(out);
      expect(grads.length).toBe(2);
      for (const gr of grads) expect(isPooled(gr!.data)).toBe(true);
    }
  });

  it('matmul with a broadcast batch: the summed gradient of the shared operand', () => {
    const [ga, gb] = nodeGrads(matmul(leaf([4, 40, 33]), leaf([33, 50])));
    expect(isPooled(ga!.data)).toBe(true);
    expect(gb!.shape).toEqual([33, 50]);
  });

  it('the attention scores (transB, alpha): query and key gradients', () => {
    for (const gr of nodeGrads(scaledScores(leaf([4, 40, 32]), leaf([4, 36, 32]), 0.25))) expect(isPooled(gr!.data)).toBe(true);
  });

  it('permute and narrow views: the gradient gathered or scattered back', () => {
    const [gp] = nodeGrads(permute(leaf([4, 40, 3, 32]), [0, 2, 1, 3]));
    expect(isPooled(gp!.data)).toBe(true);
    const [gn] = nodeGrads(narrow(leaf([96, 32]), 0, 32, 32));
    expect(isPooled(gn!.data)).toBe(true);
    expect(Array.from(gn!.data.subarray(0, 32 * 32)).every((v) => v === 0)).toBe(true); // outside the slice: zeros
  });
});
