import { describe, expect, it } from 'vitest';
import { Parameter, parameter } from '../../src/nn/parameter.js';
import { Tensor } from '../../src/tensor.js';
import { tensor } from '../../src/creation.js';

describe('Parameter', () => {
  it('is a leaf Tensor sharing storage, requiring grad by default', () => {
    const t = tensor([1, 2], { dtype: 'float32' });
    const p = new Parameter(t);
    expect(p).toBeInstanceOf(Tensor);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
    expect(p.data).toBe(t.data);
    expect(parameter(t, false).requiresGrad).toBe(false);
    expect(String(p)).toBe('Parameter containing:\ntensor([1., 2.], requires_grad=True)');
  });

  it('rejects non-tensors and integer tensors that require grad', () => {
    expect(() => new Parameter([1] as never)).toThrow(/Parameter: expected data to be a Tensor, got an array$/);
    expect(() => new Parameter(tensor([1], { dtype: 'int64' }))).toThrow(/^Parameter: only Tensors of floating point dtype can require gradients, got int64$/);
    expect(new Parameter(tensor([1], { dtype: 'int64' }), false).dtype).toBe('int64');
  });
});
