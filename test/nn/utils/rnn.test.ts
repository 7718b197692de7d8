import { describe, expect, it } from 'vitest';
import { tensor, randn } from '../../../src/creation.js';
import {
  PackedSequence, packPaddedSequence, packSequence, padPackedSequence, padSequence,
} from '../../../src/nn/utils/rnn.js';
import * as nn from '../../../src/nn/index.js';
import { itMatchesPyTorchSeq } from '../nn-fixtures.js';
import '../../../src/ops/methods.js';

const long = (v: number[]) => tensor(v, { dtype: 'int64' });

describe('nn.utils.rnn', () => {
  itMatchesPyTorchSeq('padSequence', (seqs, a) => padSequence(seqs, { batchFirst: a.batchFirst, paddingValue: a.paddingValue }));
  itMatchesPyTorchSeq('packPaddedSequence', ([x], a) => {
    const p = packPaddedSequence(x, a.lengths, { batchFirst: a.batchFirst, enforceSorted: a.enforceSorted });
    return [p.data, p.batchSizes, ...(p.sortedIndices ? [p.sortedIndices, p.unsortedIndices!] : [])];
  });
  itMatchesPyTorchSeq('padPackedSequence', ([d], a) => {
    const p = new PackedSequence(d, long(a.batchSizes), a.sortedIndices ? long(a.sortedIndices) : null);
    return padPackedSequence(p, { batchFirst: a.batchFirst, totalLength: a.totalLength ?? undefined, paddingValue: a.paddingValue });
  });

  it('packSequence then padPackedSequence gives back the padded batch and the lengths', () => {
    const seqs = [randn([2, 3]), randn([4, 3]), randn([1, 3])];
    const [padded, lengths] = padPackedSequence(packSequence(seqs, { enforceSorted: false }), { batchFirst: true });
    expect(lengths.toArray()).toEqual([2, 4, 1]);
    expect(padded.toArray()).toEqual(padSequence(seqs, { batchFirst: true }).toArray());
    expect(nn.utils.rnn.padSequence).toBe(padSequence);
  });

  it('errors name the function and say what was expected', () => {
    expect(() => packPaddedSequence(randn([3, 2, 1]), [1, 2])).toThrow(/^packPaddedSequence: `lengths` array must be sorted in decreasing order when `enforceSorted` is true/);
    expect(() => packPaddedSequence(randn([3, 2, 1]), [0, 2], { enforceSorted: false })).toThrow(/^packPaddedSequence: Length of all samples has to be greater than 0/);
    expect(() => packPaddedSequence(randn([3, 2, 1]), [4, 2])).toThrow(/^packPaddedSequence: a length \(4\) exceeds the padded length 3$/);
    expect(() => packPaddedSequence(randn([3, 2, 1]), [2])).toThrow(/^packPaddedSequence: Expected `len\(lengths\)` to be equal to batch_size, but got 1 \(batch_size=2\)$/);
    expect(() => padSequence([randn([2, 3]), randn([2, 4])])).toThrow(/^padSequence: every sequence must have shape \(L, 3\) like the first, got \(2, 4\)$/);
    expect(() => padSequence([])).toThrow(/^padSequence: expected a non-empty array of Tensors/);
    expect(() => padPackedSequence(packSequence([randn([3])]), { totalLength: 2 })).toThrow(/^padPackedSequence: Expected total_length to be at least the length of the longest sequence \(3\), but got total_length=2$/);
  });
});
