import { describe, expect, it } from 'vitest';
import { max } from '../../src/ops/max.js';
import { tensor } from '../../src/creation.js';
import { itChecksExtremum } from '../helpers/extremum.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('max', () => {
  itMatchesPyTorch('max', ([x], args) => (args.dim === undefined ? max(x) : max(x, args.dim, args.keepdim ?? false)));

  itChecksExtremum('max', max);

  it('full-reduction gradient is shared evenly among ties', () => {
    const x = tensor([1, 3, 3], { dtype: 'float32', requiresGrad: true });
    max(x).backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0.5, 0.5]);
  });

  it('method form returns values and int64 indices', () => {
    const r = tensor([[1, 5], [4, 2]], { dtype: 'float32' }).max(1);
    expect(r.values.toArray()).toEqual([5, 4]);
    expect(r.indices.dtype).toBe('int64');
    expect(r.indices.toArray()).toEqual([1, 0]);
    expect(r.indices.requiresGrad).toBe(false);
    expect(tensor([1, 7, 2], { dtype: 'float32' }).max().item()).toBe(7);
  });
});
