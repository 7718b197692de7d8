import { describe, expect, it } from 'vitest';
import { embedding } from '../../src/ops/embedding.js';
import { tensor, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchSeq } from '../nn/nn-fixtures.js';

const long = (v: number[] | number[][]) => tensor(v, { dtype: 'int64' });

describe('embedding', () => {
  // outputs: the rows looked up and the weight after the call (maxNorm renormalises it in place)
  itMatchesPyTorchSeq('embedding', ([i, w], a) => [embedding(i, w, a), w.detach()]);

  it('gradcheck with repeats (scaleGradByFreq and paddingIdx are not true gradients: the fixtures check them)', () => {
    const w = randn([5, 3], { generator: new Generator(2) }).requiresGrad_();
    gradcheck((ww) => embedding(long([[1, 4, 1], [0, 1, 2]]), ww), [w]);
  });

  it('errors name the op and say what was expected', () => {
    const w = randn([5, 3]);
    expect(() => embedding(long([5]), w)).toThrow(/^embedding: index out of range in self: index 5 for weight with 5 rows$/);
    expect(() => embedding(long([-1]), w)).toThrow(/^embedding: index out of range in self/);
    expect(() => embedding(tensor([1], { dtype: 'float32' }), w)).toThrow(/^embedding: expected input \(indices\) of dtype int64, got float32$/);
    expect(() => embedding(long([1]), randn([5]))).toThrow(/^embedding: 'weight' must be 2-D, got shape \(5,\)$/);
    expect(() => embedding(long([1]), w, { paddingIdx: 5 })).toThrow(/^embedding: Padding_idx must be within num_embeddings, got paddingIdx=5 for 5 embeddings$/);
    expect(() => embedding(long([1]), w, { sparse: true })).toThrow(/^embedding: sparse gradients are not supported, expected sparse to be false, got true$/);
  });
});
