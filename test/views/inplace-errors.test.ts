/**
 * In-place ops refuse what PyTorch refuses, with messages that start with the op the user called:
 * results that do not fit the written tensor's shape or dtype, broadcast views, non-tensors; and
 * optimizers refuse a non-contiguous parameter (their kernels write param.data in place).
 */
import { describe, expect, it } from 'vitest';
import '../../src/ops/methods.js';
import { Tensor } from '../../src/tensor.js';
import { SGD } from '../../src/optim/index.js';

const f32 = (v: number[], shape = [v.length]) => new Tensor(Float32Array.from(v), shape);
const i64 = (v: number[]) => new Tensor(Float64Array.from(v), [v.length], 'int64');

describe('in-place op errors', () => {
  it('a result of another shape (the written tensor does not broadcast)', () => {
    expect(() => f32([1, 2, 3], [3, 1]).add_(f32([1, 2, 3, 4], [1, 4]))).toThrow(
      "add_: output with shape [3, 1] doesn't match the broadcast shape [3, 4]",
    );
  });

  it('a float result into an int64 tensor, as PyTorch', () => {
    expect(() => i64([1, 2]).mul_(1.5)).toThrow("mul_: result type Float can't be cast to the desired output type Long");
    expect(Array.from(i64([1, 2]).mul_(3).data)).toEqual([3, 6]);
  });

  it('errors of the underlying op name the in-place op', () => {
    expect(() => f32([1, 2]).clamp_(null, null)).toThrow(/^clamp_: at least one of 'min' or 'max' must not be null/);
    expect(() => f32([1, 2]).copy_(f32([1, 2, 3]))).toThrow(/^copy_: the size of src \(3,\) must be broadcastable to the size of the tensor \(2,\)/);
    expect(() => f32([1, 2]).fill_('x' as unknown as number)).toThrow(TypeError);
  });

  it('copy_ reads an overlapping source in full before writing', () => {
    const x = f32([1, 2, 3, 4], [2, 2]);
    x.copy_(x.t());
    expect(x.toArray()).toEqual([[1, 3], [2, 4]]);
  });

  it('optimizers refuse a non-contiguous parameter', () => {
    const w = f32([1, 2, 3, 4, 5, 6], [2, 3]).t().requiresGrad_();
    expect(() => new SGD([w], { lr: 0.1 })).toThrow(/^SGD: can't optimize a non-contiguous view/);
  });
});
