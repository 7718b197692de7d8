import { describe, expect, it } from 'vitest';
import { TensorDataset, Subset, ConcatDataset, Dataset, randomSplit, getWorkerInfo } from '../../src/data/dataset.js';
import { buildDataset } from '../../src/data/spec.js';
import { SyntheticSignals } from '../../src/data/synthetic.js';
import { Tensor } from '../../src/tensor.js';
import { arange, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';

class Range extends Dataset<number> {
  constructor(readonly length: number, readonly start = 0) {
    super();
  }

  getItem(i: number): number {
    if (i < 0 || i >= this.length) throw new RangeError(`Range: index ${i}`);
    return this.start + i;
  }
}

const all = <T>(ds: { length: number; getItem(i: number): T }): T[] => Array.from({ length: ds.length }, (_, i) => ds.getItem(i));

describe('TensorDataset', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' });
  const y = tensor([7, 8], { dtype: 'int64' });
  const ds = new TensorDataset(x, y);

  it('getItem slices every tensor along dim 0, sharing storage', () => {
    expect(ds.length).toBe(2);
    const [xi, yi] = ds.getItem(1);
    expect(xi.shape).toEqual([3]);
    expect(xi.toArray()).toEqual([4, 5, 6]);
    expect(yi.shape).toEqual([]);
    expect(yi.dtype).toBe('int64');
    expect(yi.item()).toBe(8);
    expect(xi.data.buffer).toBe(x.data.buffer);
    expect(ds.getItem(-1)[0].toArray()).toEqual([4, 5, 6]);
  });

  it('errors: size mismatch, no tensors, 0-d, non-tensor, index out of range', () => {
    expect(() => new TensorDataset(x, tensor([1, 2, 3], { dtype: 'float32' }))).toThrow(/TensorDataset: size mismatch between tensors: tensor 0 has size\(0\) 2, tensor 1 has shape \(3,\)/);
    expect(() => new TensorDataset()).toThrow(TypeError);
    expect(() => new TensorDataset(tensor(3, { dtype: 'float32' }))).toThrow(/argument 0 is 0-d/);
    expect(() => new TensorDataset([1, 2] as never)).toThrow(/argument 0 must be a Tensor/);
    expect(() => ds.getItem(2)).toThrow(RangeError);
    expect(() => ds.getItem(2)).toThrow(/TensorDataset: index 2 is out of range for a dataset of length 2/);
    expect(() => ds.getItem(0.5)).toThrow(TypeError);
  });

  it('workerSpec moves its own storage to SharedArrayBuffers, leaving the caller\'s tensors alone', async () => {
    const a = tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float32' });
    const d = new TensorDataset(a, arange(3));
    const spec = d.workerSpec();
    expect(spec.kind).toBe('tensor');
    if (spec.kind !== 'tensor') return;
    expect(spec.tensors[0].data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(d.workerSpec()).toEqual(spec); // once
    expect((d.workerSpec() as typeof spec).tensors[0].data).toBe(spec.tensors[0].data);
    const rebuilt = await buildDataset(spec);
    expect(all(rebuilt).map((s) => (s as Tensor[]).map((t) => t.toArray()))).toEqual([[[1, 2], 0], [[3, 4], 1], [[5, 6], 2]]);
    // shared: a write through the rebuilt dataset is seen by the original
    ((rebuilt.getItem(1) as Tensor[])[0].data as Float32Array)[0] = 30;
    expect(d.getItem(1)[0].toArray()).toEqual([30, 4]);
  });
});

describe('Subset and ConcatDataset', () => {
  it('Subset maps indices', () => {
    const s = new Subset(new Range(10), [9, 0, 4, -1]);
    expect(s.length).toBe(4);
    expect(all(s)).toEqual([9, 0, 4, 9]);
    expect(() => new Subset(new Range(3), [3])).toThrow(/Subset: index 3 is out of range for a dataset of length 3/);
    expect(() => s.getItem(4)).toThrow(/Subset: index 4 is out of range/);
    expect(() => new Subset({} as never, [0])).toThrow(TypeError);
  });

  it('ConcatDataset chains datasets (negative indices from the end)', () => {
    const c = new ConcatDataset([new Range(2, 100), new Range(0), new Range(3, 200)]);
    expect(c.length).toBe(5);
    expect(c.cumulativeSizes).toEqual([2, 2, 5]);
    expect(all(c)).toEqual([100, 101, 200, 201, 202]);
    expect(c.getItem(-1)).toBe(202);
    expect(c.getItem(-5)).toBe(100);
    expect(() => c.getItem(5)).toThrow(/ConcatDataset: index 5 is out of range for a dataset of length 5/);
    expect(() => c.getItem(-6)).toThrow(RangeError);
    expect(() => new ConcatDataset([])).toThrow(/datasets should not be an empty iterable/);
  });

  it('specs of Subset/ConcatDataset/SyntheticSignals rebuild the same samples', async () => {
    const syn = new SyntheticSignals({ numSamples: 6, length: 100, seed: 3 });
    const c = new ConcatDataset<unknown>([new Subset(syn, [5, 1]), new TensorDataset(arange(2))]);
    const rebuilt = await buildDataset(c.workerSpec());
    expect(rebuilt.length).toBe(4);
    const flat = (v: unknown) => JSON.stringify(v, (_k, x) => (x instanceof Tensor ? Array.from(x.data) : x));
    for (let i = 0; i < 4; i++) expect(flat(rebuilt.getItem(i))).toBe(flat(c.getItem(i)));
    expect(() => new Subset(new Range(3), [0]).workerSpec()).toThrow(/Range cannot be rebuilt in a worker thread/);
  });

  it('getWorkerInfo is null in the main thread', () => {
    expect(getWorkerInfo()).toBeNull();
  });
});

describe('randomSplit', () => {
  it('lengths: disjoint subsets covering the dataset, reproducible from the generator', () => {
    const ds = new Range(10);
    const [a, b] = randomSplit(ds, [7, 3], new Generator(1));
    expect([a.length, b.length]).toEqual([7, 3]);
    const got = [...all(a), ...all(b)].sort((p, q) => p - q);
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(all(a)).not.toEqual([0, 1, 2, 3, 4, 5, 6]);
    const [a2] = randomSplit(ds, [7, 3], new Generator(1));
    expect(all(a2)).toEqual(all(a));
    const [a3] = randomSplit(ds, [7, 3], new Generator(2));
    expect(all(a3)).not.toEqual(all(a));
  });

  it('fractions: floor, then the remainder round-robin from the first (PyTorch)', () => {
    const sizes = (n: number, f: number[]) => randomSplit(new Range(n), f, new Generator(0)).map((s) => s.length);
    expect(sizes(10, [0.33, 0.33, 0.34])).toEqual([4, 3, 3]);
    expect(sizes(11, [0.5, 0.5])).toEqual([6, 5]);
    expect(sizes(4000, [0.8, 0.2])).toEqual([3200, 800]);
    expect(sizes(7, [0.7, 0.2, 0.1])).toEqual([5, 2, 0]); // 7 * 0.7 = 4.8999..., as in PyTorch 1.13
  });

  it('errors', () => {
    expect(() => randomSplit(new Range(10), [5, 4])).toThrow(/sum of input lengths \(9\) does not equal the length of the input dataset \(10\)/);
    expect(() => randomSplit(new Range(10), [1.5, -0.5])).toThrow(/fraction at index 0 is not between 0 and 1: 1.5/);
    expect(() => randomSplit(new Range(10), [])).toThrow(TypeError);
    expect(() => randomSplit(new Range(10), [2.5, 7.5])).toThrow(/length at index 0 must be a non-negative integer, got 2.5/);
  });
});
