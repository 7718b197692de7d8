import { describe, expect, it } from 'vitest';
import { min } from '../../src/ops/min.js';
import { tensor } from '../../src/creation.js';
import { itChecksExtremum } from '../helpers/extremum.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('min', () => {
  itMatchesPyTorch('min', ([x], args) => (args.dim === undefined ? min(x) : min(x, args.dim, args.keepdim ?? false)));

  itChecksExtremum('min', min);

  it('full-reduction gradient is shared evenly among ties', () => {
    const x = tensor([1, -3, -3], { dtype: 'float32', requiresGrad: true });
    min(x).backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0.5, 0.5]);
  });

  it('method form returns values and int64 indices', () => {
    const r = tensor([[1, 5], [4, 2]], { dtype: 'float32' }).min(1);
    expect(r.values.toArray()).toEqual([1, 2]);
    expect(r.indices.dtype).toBe('int64');
    expect(r.indices.toArray()).toEqual([0, 1]);
    expect(r.indices.requiresGrad).toBe(false);
    expect(tensor([1, 7, 2], { dtype: 'float32' }).min().item()).toBe(1);
  });
});
