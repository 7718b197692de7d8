/** Tensor basics: creation functions, toArray, toString (PyTorch's repr), item, requiresGrad and dtype rules. */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../src/tensor.js';
import * as creation from '../src/creation.js';
import { tensor, zeros, ones, full, empty, arange, linspace, rand, randn, randint, randperm, zerosLike, onesLike, fullLike } from '../src/creation.js';
import { Generator } from '../src/util/generator.js';
import { add } from '../src/ops/add.js';
import { decode, fixtureTensor, opsFixture } from './helpers/op-fixtures.js';
import { expectClose } from './helpers/allclose.js';
import '../src/ops/methods.js';

describe('creation functions match PyTorch', () => {
  for (const c of opsFixture().creation) {
    it(`${c.fn}(${JSON.stringify(c.args).slice(1, -1)})`, () => {
      const t = (creation as unknown as Record<string, (...a: unknown[]) => Tensor>)[c.fn](...c.args);
      expect([...t.shape]).toEqual(c.shape);
      expect(t.dtype).toBe(c.dtype);
      // float32 values are exact in JSON: creation must reproduce PyTorch bit for bit
      expect(Array.from(t.data)).toEqual(decode(c.data));
    });
  }
});

describe('creation functions', () => {
  it('shapes, dtypes and fill values', () => {
    expect(zeros([2, 3]).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(ones([2], { dtype: 'bool' }).toArray()).toEqual([true, true]);
    expect(empty([0, 2]).shape).toEqual([0, 2]);
    expect(full([1], 7, { dtype: 'int64' }).dtype).toBe('int64');
    const x = tensor([[1, 2]], { dtype: 'int64' });
    expect(zerosLike(x).dtype).toBe('int64');
    expect(onesLike(x, { dtype: 'float32' }).toArray()).toEqual([[1, 1]]);
    expect(fullLike(x, 3).toArray()).toEqual([[3, 3]]);
    expect(tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] }).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(tensor(5, { dtype: 'float32' }).shape).toEqual([]);
    expect(tensor(true).dtype).toBe('bool');
    expect(zeros([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('random creation is reproducible with a seeded generator and has the right range', () => {
    const a = rand([1000], { generator: new Generator(3) });
    const b = rand([1000], { generator: new Generator(3) });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Math.min(...a.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.data)).toBeLessThan(1);
    const n = randn([20000], { generator: new Generator(4) });
    const vals = Array.from(n.data);
    const mean = vals.reduce((s, v) => s + v, 0) / vals.length;
    const variance = vals.reduce((s, v) => s + (v - mean) ** 2, 0) / vals.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    const r = randint(-2, 3, [500], { generator: new Generator(5) });
    expect(r.dtype).toBe('int64');
    expect(new Set(r.data)).toEqual(new Set([-2, -1, 0, 1, 2]));
    const p = randperm(10, { generator: new Generator(6) });
    expect([...p.data].sort((u, v) => u - v)).toEqual([...Array(10).keys()]);
  });

  it('errors name the function and the argument', () => {
    expect(() => tensor([[1, 2], [3]], { dtype: 'float32' })).toThrow(RangeError);
    expect(() => tensor([[1, 2], [3]], { dtype: 'float32' })).toThrow(/tensor: expected sequence of length 2 at dim 1/);
    expect(() => tensor(['a'] as never)).toThrow(TypeError);
    expect(() => tensor([1, 2, 3], { dtype: 'float32', shape: [2, 2] })).toThrow(/tensor: shape \(2, 2\) is invalid for input of size 3/);
    // Each creation function names itself (zeros used to say 'full:'), in PyTorch's words for a negative size.
    expect(() => zeros([2, -1])).toThrow(/^zeros: Trying to create tensor with negative dimension -1: \[2, -1\]$/);
    expect(() => rand([1.5])).toThrow(/rand: expected a shape of non-negative integers/);
    expect(() => arange(0, 1, 0)).toThrow(/arange: step must be non-zero/);
    expect(() => arange(0, 5, -1)).toThrow(/arange: upper bound and larger bound inconsistent with step sign/);
    expect(() => linspace(0, 1, -1)).toThrow(/linspace: number of steps must be non-negative/);
    expect(() => randint(3, 3, [2])).toThrow(/randint: expected integers low < high/);
    expect(() => randperm(-1)).toThrow(/randperm: Trying to create tensor with negative dimension -1/);
    expect(() => full([2], 1, { dtype: 'float64' as never })).toThrow(/full: unsupported dtype 'float64'/);
  });
});

describe('toArray and item', () => {
  it('nested arrays, numbers for 0-d, booleans for bool', () => {
    expect(arange(6).reshape(2, 3).toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(tensor(2.5).toArray()).toBe(2.5);
    expect(tensor([true, false]).toArray()).toEqual([true, false]);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
  });

  it('item on one element; errors otherwise', () => {
    expect(tensor([[4]], { dtype: 'float32' }).item()).toBe(4);
    expect(tensor(3, { dtype: 'int64' }).item()).toBe(3);
    expect(() => tensor([1, 2], { dtype: 'float32' }).item()).toThrow(RangeError);
    expect(() => tensor([1, 2], { dtype: 'float32' }).item()).toThrow(/item: a Tensor with 2 elements cannot be converted to a scalar/);
    expect(() => zeros([0]).item()).toThrow(/item: a Tensor with 0 elements/);
  });
});

describe('toString matches PyTorch repr', () => {
  for (const c of opsFixture().repr) {
    it(JSON.stringify(c.repr), () => {
      const t = fixtureTensor(c, c.requiresGrad);
      expect(t.toString()).toBe(c.repr);
    });
  }

  it('shows grad_fn for results', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    expect(add(x, 1).toString()).toBe('tensor([2., 3.], grad_fn=<AddBackward0>)');
  });
});

describe('requiresGrad rules', () => {
  it('only float32 tensors can require grad', () => {
    expect(() => tensor([1], { dtype: 'int64', requiresGrad: true })).toThrow(TypeError);
    expect(() => tensor([1], { dtype: 'int64' }).requiresGrad_()).toThrow(/requiresGrad: only tensors of floating point dtype can require gradients, got int64/);
    expect(() => { tensor([true]).requiresGrad = true; }).toThrow(/got bool/);
  });

  it('non-leaf tensors cannot be switched off; detach gives a leaf sharing storage', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = add(x, 1);
    expect(y.isLeaf).toBe(false);
    expect(y.requiresGrad).toBe(true);
    expect(() => { y.requiresGrad = false; }).toThrow(/requiresGrad: you can only change requiresGrad of leaf tensors/);
    const d = y.detach();
    expect(d.isLeaf).toBe(true);
    expect(d.requiresGrad).toBe(false);
    expect(d.data).toBe(y.data);
  });

  it('results require grad iff an input does', () => {
    const a = tensor([1, 2], { dtype: 'float32' });
    const b = tensor([3, 4], { dtype: 'float32', requiresGrad: true });
    expect(add(a, a).requiresGrad).toBe(false);
    expect(add(a, b).requiresGrad).toBe(true);
    expect(add(a, a).gradFn).toBeNull();
  });
});

describe('dtype rules', () => {
  it('storage types and promotion', () => {
    expect(tensor([1], { dtype: 'float32' }).data).toBeInstanceOf(Float32Array);
    expect(tensor([1], { dtype: 'int64' }).data).toBeInstanceOf(Float64Array);
    expect(tensor([true]).data).toBeInstanceOf(Uint8Array);
    const i = tensor([1, 2], { dtype: 'int64' });
    expect(add(i, i).dtype).toBe('int64');
    expect(add(i, 1).dtype).toBe('int64');
    expect(add(i, 1.5).dtype).toBe('float32');
    expect(add(i, tensor([0.5, 0.5])).dtype).toBe('float32');
    expect(i.sum().dtype).toBe('int64');
    expect(tensor([true, true]).sum().dtype).toBe('int64');
    expect(tensor([true, true]).sum().item()).toBe(2);
  });

  it('size, dim, numel and a storage/shape mismatch', () => {
    const x = zeros([2, 3, 4]);
    expect(x.size()).toEqual([2, 3, 4]);
    expect(x.size(-1)).toBe(4);
    expect(x.dim()).toBe(3);
    expect(x.ndim).toBe(3);
    expect(x.numel()).toBe(24);
    expect(() => x.size(3)).toThrow(/size: dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)/);
    expect(() => new Tensor(new Float32Array(3), [2, 2])).toThrow(/Tensor: storage of 3 elements does not fit shape \(2, 2\)/);
  });

  it('float32 rounding of stored values', () => {
    expectClose(tensor([0.1]).data, [Math.fround(0.1)], 0, 0);
  });
});
