import { describe, expect, it } from 'vitest';
import { defaultCollate, defaultConvert } from '../../src/data/collate.js';
import { Tensor } from '../../src/tensor.js';
import { tensor } from '../../src/creation.js';

describe('defaultCollate', () => {
  it('stacks tensors along a new first dimension (copying, dtype kept)', () => {
    const a = tensor([[1, 2, 3]], { dtype: 'float32' });
    const b = tensor([[4, 5, 6]], { dtype: 'float32' });
    const out = defaultCollate([a, b]) as Tensor;
    expect(out.shape).toEqual([2, 1, 3]);
    expect(out.dtype).toBe('float32');
    expect(out.toArray()).toEqual([[[1, 2, 3]], [[4, 5, 6]]]);
    expect(out.data.buffer).not.toBe(a.data.buffer);
    expect(out.requiresGrad).toBe(false);
    const ints = defaultCollate([tensor(3, { dtype: 'int64' }), tensor(4, { dtype: 'int64' })]) as Tensor;
    expect(ints.shape).toEqual([2]);
    expect(ints.dtype).toBe('int64');
    expect(ints.toArray()).toEqual([3, 4]);
    const bools = defaultCollate([tensor([true, false]), tensor([false, false])]) as Tensor;
    expect(bools.dtype).toBe('bool');
    expect(bools.toArray()).toEqual([[true, false], [false, false]]);
  });

  it('numbers become int64 when all integers, else float32; booleans bool; bigints int64', () => {
    const i = defaultCollate([0, 1, 1]) as Tensor;
    expect(i.dtype).toBe('int64');
    expect(i.shape).toEqual([3]);
    expect(i.toArray()).toEqual([0, 1, 1]);
    const f = defaultCollate([0.5, 1, -2.25]) as Tensor;
    expect(f.dtype).toBe('float32');
    expect(f.toArray()).toEqual([0.5, 1, -2.25]);
    const b = defaultCollate([true, false]) as Tensor;
    expect(b.dtype).toBe('bool');
    expect(b.toArray()).toEqual([true, false]);
    const g = defaultCollate([5n, -7n]) as Tensor;
    expect(g.dtype).toBe('int64');
    expect(g.toArray()).toEqual([5, -7]);
  });

  it('typed arrays become (B, length) tensors: float arrays float32, integer arrays int64', () => {
    const f = defaultCollate([Float32Array.from([1, 2]), Float32Array.from([3, 4]), Float32Array.from([5, 6])]) as Tensor;
    expect(f.shape).toEqual([3, 2]);
    expect(f.dtype).toBe('float32');
    expect(Array.from(f.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const d = defaultCollate([Float64Array.from([0.1]), Float64Array.from([0.2])]) as Tensor;
    expect(d.dtype).toBe('float32');
    expect(Array.from(d.data)).toEqual([Math.fround(0.1), Math.fround(0.2)]);
    const n = defaultCollate([Int32Array.from([1, -2]), Int32Array.from([3, 4])]) as Tensor;
    expect(n.dtype).toBe('int64');
    expect(n.toArray()).toEqual([[1, -2], [3, 4]]);
    const u = defaultCollate([Uint8Array.from([255]), Uint16Array.from([7])]) as Tensor;
    expect(u.toArray()).toEqual([[255], [7]]);
    const big = defaultCollate([BigInt64Array.from([1n, 2n]), BigInt64Array.from([-3n, 4n])]) as Tensor;
    expect(big.toArray()).toEqual([[1, 2], [-3, 4]]);
    // a view into a larger buffer contributes only its own elements
    const base = Float32Array.from([9, 9, 1, 2, 9]);
    expect(Array.from((defaultCollate([base.subarray(2, 4)]) as Tensor).data)).toEqual([1, 2]);
  });

  it('recurses into arrays (tuples) and plain objects; strings stay a list', () => {
    const batch = defaultCollate([
      [tensor([1, 2], { dtype: 'float32' }), 0, { name: 'a', w: 0.5, v: [1, 2] }],
      [tensor([3, 4], { dtype: 'float32' }), 1, { name: 'b', w: 1.5, v: [3, 4] }],
    ]) as [Tensor, Tensor, { name: string[]; w: Tensor; v: Tensor[] }];
    expect(batch.length).toBe(3);
    expect(batch[0].toArray()).toEqual([[1, 2], [3, 4]]);
    expect(batch[1].dtype).toBe('int64');
    expect(batch[1].toArray()).toEqual([0, 1]);
    expect(batch[2].name).toEqual(['a', 'b']);
    expect(batch[2].w.toArray()).toEqual([0.5, 1.5]);
    expect(batch[2].v.map((t) => t.toArray())).toEqual([[1, 3], [2, 4]]); // transposed, like PyTorch
  });

  it('errors: mismatched shapes, dtypes, lengths, keys, kinds, unsupported values, empty batch', () => {
    expect(() => defaultCollate([tensor([1, 2], { dtype: 'float32' }), tensor([1, 2, 3], { dtype: 'float32' })])).toThrow(RangeError);
    expect(() => defaultCollate([tensor([1, 2], { dtype: 'float32' }), tensor([1, 2, 3], { dtype: 'float32' })])).toThrow(/defaultCollate: stack expects each tensor to be equal size, but got \(2,\) at entry 0 and \(3,\) at entry 1/);
    expect(() => defaultCollate([[tensor([[1]], { dtype: 'float32' }), 0], [tensor([[1, 2]], { dtype: 'float32' }), 1]])).toThrow(/but got \(1, 1\) at entry 0 and \(1, 2\) at entry 1 \(at sample\[0\]\)/);
    expect(() => defaultCollate([tensor([1], { dtype: 'float32' }), tensor([1], { dtype: 'int64' })])).toThrow(TypeError);
    expect(() => defaultCollate([Float32Array.from([1]), Float32Array.from([1, 2])])).toThrow(/each array to be equal size, but got length 1 at entry 0 and 2 at entry 1/);
    expect(() => defaultCollate([Float32Array.from([1]), Int32Array.from([1])])).toThrow(/cannot stack Float32Array \(entry 0\) with Int32Array \(entry 1\)/);
    expect(() => defaultCollate([[1, 2], [1]])).toThrow(/each element in list of batch should be of equal size, got length 2 at entry 0 and 1 at entry 1/);
    expect(() => defaultCollate([{ a: 1 }, { b: 1 }])).toThrow(/samples must have the same keys, got \{a\} at entry 0 and \{b\} at entry 1/);
    expect(() => defaultCollate([{ x: tensor([1], { dtype: 'float32' }) }, { x: 2 }])).toThrow(/same kind, got Tensor at entry 0 and number at entry 1 \(at sample\.x\)/);
    expect(() => defaultCollate([null, null])).toThrow(/found null/);
    expect(() => defaultCollate([new Map(), new Map()])).toThrow(TypeError);
    expect(() => defaultCollate([])).toThrow(/cannot collate an empty batch/);
    expect(() => defaultCollate('ab' as never)).toThrow(TypeError);
  });
});

describe('defaultConvert', () => {
  it('typed arrays to tensors, recursively; the rest unchanged', () => {
    const t = tensor([1], { dtype: 'float32' });
    const out = defaultConvert({ x: Float64Array.from([1.5, 2]), y: 3, z: [Int8Array.from([-1]), 'k'], t }) as { x: Tensor; y: number; z: [Tensor, string]; t: Tensor };
    expect(out.x).toBeInstanceOf(Tensor);
    expect(out.x.dtype).toBe('float32');
    expect(out.x.toArray()).toEqual([1.5, 2]);
    expect(out.y).toBe(3);
    expect(out.z[0].dtype).toBe('int64');
    expect(out.z[0].toArray()).toEqual([-1]);
    expect(out.z[1]).toBe('k');
    expect(out.t).toBe(t);
  });
});
