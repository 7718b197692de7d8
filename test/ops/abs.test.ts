import { describe, expect, it } from 'vitest';
import { abs } from '../../src/ops/abs.js';
import { tensor } from '../../src/creation.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('abs', () => {
  itMatchesPyTorch('abs', ([x]) => abs(x));

  it('gradcheck away from 0', () => {
    gradcheck((t) => abs(t), [tensor([-1.5, -0.3, 0.2, 2], { requiresGrad: true })]);
  });

  it('gradient at 0 is 0', () => {
    const x = tensor([0, -2], { dtype: 'float32', requiresGrad: true });
    abs(x).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, -1]);
  });

  it('method form keeps int64', () => {
    const r = tensor([-3, 2], { dtype: 'int64' }).abs();
    expect(r.dtype).toBe('int64');
    expect(r.toArray()).toEqual([3, 2]);
  });

  it('errors name the op and the argument', () => {
    expect(() => abs(tensor([true]))).toThrow(TypeError);
    expect(() => abs(tensor([true]))).toThrow(/abs: not implemented for input of dtype bool/);
    expect(() => abs(null as never)).toThrow(/abs: expected input to be a Tensor, got null/);
  });
});
