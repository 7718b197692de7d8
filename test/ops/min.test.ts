import { describe, expect, it } from 'vitest';
import { min } from '../../src/ops/min.js';
import { tensor, randperm } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { Tensor } from '../../src/tensor.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

/** Distinct values 0.1 apart in random order: finite differences never cross a tie. */
function distinct(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const p = randperm(n, { generator: new Generator(seed) });
  return new Tensor(Float32Array.from(p.data, (v) => v * 0.1 - 0.3), shape).requiresGrad_();
}

describe('min', () => {
  itMatchesPyTorch('min', ([x], args) => (args.dim === undefined ? min(x) : min(x, args.dim, args.keepdim ?? false)));

  it('gradcheck: full reduction and along dims', () => {
    const x = distinct([3, 4], 1);
    gradcheck((t) => min(t), [x], { eps: 1e-3 });
    gradcheck((t) => min(t, 1), [x], { eps: 1e-3 });
    gradcheck((t) => min(t, 0, true), [x], { eps: 1e-3 });
    gradcheck((t) => min(t, -1), [distinct([2, 3, 4], 2)], { eps: 1e-3 });
  });

  it('full-reduction gradient is shared evenly among ties', () => {
    const x = tensor([1, -3, -3], { requiresGrad: true });
    min(x).backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0.5, 0.5]);
  });

  it('method form returns values and int64 indices', () => {
    const r = tensor([[1, 5], [4, 2]]).min(1);
    expect(r.values.toArray()).toEqual([1, 2]);
    expect(r.indices.dtype).toBe('int64');
    expect(r.indices.toArray()).toEqual([0, 1]);
    expect(r.indices.requiresGrad).toBe(false);
    expect(tensor([1, 7, 2]).min().item()).toBe(1);
  });

  it('errors name the op and the argument', () => {
    expect(() => min(tensor([1, 2]), 1)).toThrow(RangeError);
    expect(() => min(tensor([1, 2]), 1)).toThrow(/min: dim out of range \(expected to be in range of \[-1, 0\], but got 1\)/);
    expect(() => min(tensor([1, 2]), 0.5)).toThrow(TypeError);
    expect(() => min(tensor([1, 2]), 0.5)).toThrow(/min: expected dim to be an integer, got 0.5/);
    expect(() => min(tensor([1, 2]), 0, 1 as never)).toThrow(/min: expected keepdim to be a boolean/);
    expect(() => min(new Tensor(new Float32Array(0), [0]))).toThrow(/min: expected reduction dim to be specified for input.numel\(\) == 0/);
    expect(() => min(new Tensor(new Float32Array(0), [2, 0]), 1)).toThrow(/min: expected reduction dim 1 to have non-zero size/);
    expect(() => min([1] as never)).toThrow(/min: expected input to be a Tensor/);
  });
});
