/**
 * src/util/limits.ts: the allocation limit's API and the data pipeline's checks (the creation functions,
 * modules and ops are covered by test/hardening/input-validation.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getAllocationLimit, setAllocationLimit, checkAllocation, DEFAULT_ALLOCATION_LIMIT } from '../../src/util/limits.js';
import { data, randn, randint } from '../../src/index.js';

describe('allocation limit', () => {
  afterEach(() => setAllocationLimit({ maxElements: null, maxBytesPerCall: null }));

  it('omitted fields keep their value, null restores the default, maxElements never exceeds 2^31 - 1', () => {
    setAllocationLimit({ maxBytesPerCall: 100 });
    setAllocationLimit({ maxElements: 7 });
    expect(getAllocationLimit()).toEqual({ maxElements: 7, maxBytesPerCall: 100 });
    setAllocationLimit({ maxElements: Infinity });
    expect(getAllocationLimit().maxElements).toBe(2 ** 31 - 1);
    setAllocationLimit({ maxBytesPerCall: null });
    expect(getAllocationLimit()).toEqual({ maxElements: 2 ** 31 - 1, maxBytesPerCall: DEFAULT_ALLOCATION_LIMIT.maxBytesPerCall });
    expect(() => setAllocationLimit({ maxBytesPerCall: 1.5 })).toThrow(RangeError);
    expect(() => setAllocationLimit({ maxBytesPerCall: NaN })).toThrow(RangeError);
  });

  it('checkAllocation sums the bytes of one call and reports overflowed sizes', () => {
    setAllocationLimit({ maxBytesPerCall: 40 });
    expect(() => checkAllocation('op', [5, 5])).not.toThrow();
    expect(() => checkAllocation('op', [5, 6])).toThrow(/^op: allocating 44 bytes exceeds the allocation limit of 40 bytes per call/);
    setAllocationLimit({ maxBytesPerCall: null });
    expect(() => checkAllocation('op', Infinity)).toThrow(/^op: a tensor of Infinity elements exceeds/);
    expect(() => checkAllocation('op', 2 ** 31 - 1)).not.toThrow();
  });

  it('the data pipeline: a runaway batch size fails before its index list fills memory', () => {
    const ds = new data.TensorDataset(randn([4, 2]), randint(0, 2, [4]));
    expect(() => new data.DataLoader(ds, { batchSize: 2 ** 31 })).toThrow(/^DataLoader: a tensor of 2147483648 \(2\^31\) elements/);
    expect(() => new data.BatchSampler(new data.SequentialSampler(ds), 2 ** 40)).toThrow(/^BatchSampler: /);
    setAllocationLimit({ maxElements: 5 });
    expect(() => data.defaultCollate([randn([3]), randn([3])])).toThrow(/^defaultCollate: a tensor of 6 elements/);
  });
});
