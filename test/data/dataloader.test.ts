import { describe, expect, it, vi } from 'vitest';
import { DataLoader, activeWorkerCount } from '../../src/data/dataloader.js';
import { TensorDataset, Subset, ConcatDataset, Dataset } from '../../src/data/dataset.js';
import { BatchSampler, SequentialSampler, RandomSampler } from '../../src/data/samplers.js';
import { SyntheticSignals } from '../../src/data/synthetic.js';
import { Tensor } from '../../src/tensor.js';
import { arange, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';

/** x_i = [10 i, 10 i + 1] float32, y_i = i int64. */
function pairs(n: number): TensorDataset {
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = 10 * i;
    x[2 * i + 1] = 10 * i + 1;
  }
  return new TensorDataset(new Tensor(x, [n, 2]), arange(n));
}

function labelsOf(batches: Tensor[][]): number[][] {
  return batches.map(([, y]) => Array.from(y.data));
}

async function collectAsync<B>(loader: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of loader) out.push(b);
  return out;
}

const workerModule = new URL('./worker-datasets.ts', import.meta.url);

describe('DataLoader (in process)', () => {
  it('batches in order with the default collate; length is the number of batches', () => {
    const loader = new DataLoader(pairs(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.length).toBe(3);
    expect(batches.map(([x]) => x.shape)).toEqual([[4, 2], [4, 2], [2, 2]]);
    expect(batches[0][0].dtype).toBe('float32');
    expect(Array.from(batches[0][0].data)).toEqual([0, 1, 10, 11, 20, 21, 30, 31]);
    expect(batches[2][1].dtype).toBe('int64');
    expect(labelsOf(batches)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });

  it('dropLast drops the incomplete batch (and length agrees)', () => {
    const loader = new DataLoader(pairs(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect(labelsOf([...loader])).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(new DataLoader(pairs(8), { batchSize: 4, dropLast: true }).length).toBe(2);
    expect(new DataLoader(pairs(3), { batchSize: 4, dropLast: true }).length).toBe(0);
    expect([...new DataLoader(pairs(3), { batchSize: 4, dropLast: true })]).toEqual([]);
  });

  it('default batchSize is 1', () => {
    const loader = new DataLoader(pairs(3));
    expect(loader.length).toBe(3);
    expect([...loader].map(([x]) => x.shape)).toEqual([[1, 2], [1, 2], [1, 2]]);
  });

  it('shuffle with a seeded generator: a permutation, reproducible, different each epoch', () => {
    const run = (seed: number, epochs: number) => {
      const loader = new DataLoader(pairs(20), { batchSize: 6, shuffle: true, generator: new Generator(seed) });
      const out: number[][] = [];
      for (let e = 0; e < epochs; e++) out.push(labelsOf([...loader]).flat());
      return out;
    };
    const [e1, e2] = run(7, 2);
    expect([...e1].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(e1).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(e2).not.toEqual(e1);
    expect(run(7, 2)).toEqual([e1, e2]);
    expect(run(8, 1)[0]).not.toEqual(e1);
    // the sample rows follow the labels
    const loader = new DataLoader(pairs(20), { batchSize: 5, shuffle: true, generator: new Generator(3) });
    for (const [x, y] of loader) {
      y.data.forEach((i, r) => expect([x.data[2 * r], x.data[2 * r + 1]]).toEqual([10 * i, 10 * i + 1]));
    }
  });

  it('shuffle without a generator draws from the default generator (manualSeed reproduces)', async () => {
    const { manualSeed } = await import('../../src/util/generator.js');
    const order = () => labelsOf([...new DataLoader(pairs(12), { batchSize: 12, shuffle: true })])[0];
    manualSeed(5);
    const a = order();
    manualSeed(5);
    expect(order()).toEqual(a);
  });

  it('sampler, batchSampler and batchSize null', () => {
    const ds = pairs(6);
    const rev = { length: 6, *[Symbol.iterator]() { for (let i = 5; i >= 0; i--) yield i; } };
    expect(labelsOf([...new DataLoader(ds, { sampler: rev, batchSize: 4 })])).toEqual([[5, 4, 3, 2], [1, 0]]);
    const bs = new BatchSampler(new SequentialSampler(ds), 5, false);
    const l2 = new DataLoader(ds, { batchSampler: bs });
    expect(l2.length).toBe(2);
    expect(labelsOf([...l2])).toEqual([[0, 1, 2, 3, 4], [5]]);
    const l3 = new DataLoader(ds, { batchSize: null });
    expect(l3.length).toBe(6);
    const items = [...l3];
    expect(items[2][0].shape).toEqual([2]);
    expect(items[2][1].shape).toEqual([]);
    expect(items[2][1].item()).toBe(2);
  });

  it('custom collateFn receives the samples of a batch', () => {
    const loader = new DataLoader(pairs(5), { batchSize: 2, collateFn: (s: Tensor[][]) => s.map(([, y]) => y.item()) });
    expect([...loader]).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('for await works in process too', async () => {
    const batches = await collectAsync(new DataLoader(pairs(5), { batchSize: 2 }));
    expect(labelsOf(batches)).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('collates nested samples (objects with typed arrays and numbers)', () => {
    class Objs extends Dataset<{ x: Float64Array; y: number; meta: { id: string } }> {
      readonly length = 3;
      getItem(i: number) {
        return { x: Float64Array.from([i, -i]), y: i, meta: { id: `s${i}` } };
      }
    }
    const [b] = [...new DataLoader(new Objs(), { batchSize: 3 })];
    expect(b.x.shape).toEqual([3, 2]);
    expect(b.x.dtype).toBe('float32');
    expect(Array.from(b.x.data)).toEqual([0, -0, 1, -1, 2, -2]);
    expect(b.y.toArray()).toEqual([0, 1, 2]);
    expect(b.meta.id).toEqual(['s0', 's1', 's2']);
  });

  it('rejects bad options PyTorch-style', () => {
    const ds = pairs(4);
    const sampler = new SequentialSampler(ds);
    const bs = new BatchSampler(sampler, 2);
    expect(() => new DataLoader(ds, { sampler, shuffle: true })).toThrow(/sampler option is mutually exclusive with shuffle/);
    expect(() => new DataLoader(ds, { batchSampler: bs, batchSize: 4 })).toThrow(/batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast/);
    expect(() => new DataLoader(ds, { batchSampler: bs, dropLast: true })).toThrow(RangeError);
    expect(() => new DataLoader(ds, { batchSize: 0 })).toThrow(/batchSize should be a positive integer value or null, but got batchSize=0/);
    expect(() => new DataLoader(ds, { batchSize: null, dropLast: true })).toThrow(/mutually exclusive with dropLast/);
    expect(() => new DataLoader(ds, { numWorkers: -1 })).toThrow(/numWorkers option should be a non-negative integer/);
    expect(() => new DataLoader(ds, { prefetchFactor: 4 })).toThrow(/prefetchFactor option could only be specified with worker threads/);
    expect(() => new DataLoader(ds, { numWorkers: 1, prefetchFactor: 0 })).toThrow(/prefetchFactor must be a positive integer, got 0/);
    expect(() => new DataLoader({} as never)).toThrow(/DataLoader: expected a dataset with an integer length and a getItem\(index\) method, got an object$/);
    expect(() => new DataLoader(ds, { shuffle: 'yes' as never })).toThrow(TypeError);
  });

  it('a synchronous for...of with workers throws a TypeError that says to use for await', () => {
    const loader = new DataLoader(pairs(4), { numWorkers: 2 });
    expect(() => [...loader]).toThrow(TypeError);
    expect(() => [...loader]).toThrow(/numWorkers=2 loads batches asynchronously in worker threads; iterate with `for await/);
    expect(activeWorkerCount()).toBe(0);
  });

  it('errors from getItem propagate', () => {
    const loader = new DataLoader(new Subset(pairs(3), [0, 1, 2]), { batchSize: 2 });
    const bad = new DataLoader(new ConcatDataset([pairs(1), pairs(1)]), { sampler: { length: 1, *[Symbol.iterator]() { yield 5; } } });
    expect([...loader].length).toBe(2);
    expect(() => [...bad]).toThrow(/ConcatDataset: index 5 is out of range for a dataset of length 2/);
  });
});

describe('DataLoader with worker threads', () => {
  it('numWorkers 2 yields the same batches in the same order as numWorkers 0 (shuffled, synthetic, several epochs)', async () => {
    const ds = new SyntheticSignals({ numSamples: 90, length: 200, seed: 11 });
    const make = (numWorkers: number) => new DataLoader(ds, {
      batchSize: 16, shuffle: true, generator: new Generator(42), numWorkers, persistentWorkers: numWorkers > 0,
    });
    const ref = make(0);
    const par = make(2);
    try {
      for (let epoch = 0; epoch < 2; epoch++) {
        const want = await collectAsync(ref);
        const got = await collectAsync(par);
        expect(got.length).toBe(6);
        expect(got.length).toBe(want.length);
        got.forEach(([x, y], k) => {
          expect(x).toBeInstanceOf(Tensor);
          expect(x.shape).toEqual(want[k][0].shape);
          expect(x.dtype).toBe('float32');
          expect(y.dtype).toBe('int64');
          expect(Array.from(y.data)).toEqual(Array.from(want[k][1].data));
          expect(Buffer.from(x.data.buffer).equals(Buffer.from(want[k][0].data.buffer))).toBe(true);
        });
      }
    } finally {
      await par.close();
    }
    await vi.waitFor(() => expect(activeWorkerCount()).toBe(0));
  });

  it('parity for a TensorDataset split (shared storage) with dropLast and prefetchFactor 1', async () => {
    const ds = new Subset(pairs(50), Array.from({ length: 25 }, (_, i) => 2 * i + 1));
    const opts = { batchSize: 4, dropLast: true, shuffle: true } as const;
    const want = await collectAsync(new DataLoader(ds, { ...opts, generator: new Generator(9) }));
    const got = await collectAsync(new DataLoader(ds, { ...opts, generator: new Generator(9), numWorkers: 2, prefetchFactor: 1 }));
    expect(got.length).toBe(6);
    expect(labelsOf(got)).toEqual(labelsOf(want));
    expect(got.map(([x]) => Array.from(x.data))).toEqual(want.map(([x]) => Array.from(x.data)));
    await vi.waitFor(() => expect(activeWorkerCount()).toBe(0));
  });

  it('workers are terminated when the loop ends early with break', async () => {
    const loader = new DataLoader(new SyntheticSignals({ numSamples: 200, length: 128, seed: 1 }), { batchSize: 8, numWorkers: 2 });
    let seen = 0;
    for await (const [x] of loader) {
      expect(x.shape).toEqual([8, 1, 128]);
      expect(activeWorkerCount()).toBe(2);
      if (++seen === 2) break;
    }
    expect(seen).toBe(2);
    await vi.waitFor(() => expect(activeWorkerCount()).toBe(0));
  });

  it('workers are terminated when the loop body throws', async () => {
    const loader = new DataLoader(pairs(40), { batchSize: 4, numWorkers: 2 });
    await expect((async () => {
      for await (const _ of loader) throw new Error('stop here');
    })()).rejects.toThrow('stop here');
    await vi.waitFor(() => expect(activeWorkerCount()).toBe(0));
  });

  it('workerDataset builds the dataset in each worker from a module; batches go round-robin to the workers', async () => {
    type Sample = { worker: number; seed: number; x: Tensor; y: number };
    const make = (numWorkers: number) => new DataLoader<Sample>(
      { length: 10, getItem: () => { throw new Error('not used with workers'); } },
      { batchSize: 3, numWorkers, workerDataset: { module: workerModule, export: 'makeSquares', args: { length: 10, scale: 2 } } },
    );
    const batches = await collectAsync(make(2));
    expect(batches.length).toBe(4);
    expect(batches.map((b) => b.worker.toArray())).toEqual([[0, 0, 0], [1, 1, 1], [0, 0, 0], [1]]);
    expect(batches.map((b) => (b.seed.toArray() as number[])[0])).toEqual([0x5eed0000, 0x5eed0001, 0x5eed0000, 0x5eed0001]);
    expect(batches[1].x.shape).toEqual([3, 3]);
    expect(Array.from(batches[1].x.data)).toEqual([3, 9, 6, 4, 16, 8, 5, 25, 10]);
    expect(batches[3].y.toArray()).toEqual([0]);
    // the default export, given as a relative path
    const rel = new DataLoader<Sample>({ length: 4, getItem: (): Sample => { throw new Error('built in the worker'); } }, {
      batchSize: 4, numWorkers: 1, workerDataset: { module: './test/data/worker-datasets.ts', args: { length: 4 } },
    });
    const [b] = await collectAsync(rel);
    expect(b.y.toArray()).toEqual([0, 1, 2, 0]);
    await vi.waitFor(() => expect(activeWorkerCount()).toBe(0));
  });

  it('a custom collateFn runs in the main thread on samples loaded by the workers', async () => {
    const ds = pairs(7);
    const collateFn = (s: Tensor[][]) => s.map(([x, y]) => `${y.item()}:${Array.from(x.data).join('/')}`);
    const got = await collectAsync(new DataLoader(ds, { batchSize: 3, collateFn, numWorkers: 2 }));
    expect(got).toEqual([['0:0/1', '1:10/11', '2:20/21'], ['3:30/31', '4:40/41', '5:50/51'], ['6:60/61']]);
    const single = await collectAsync(new DataLoader(ds, { batchSize: null, numWorkers: 2 }));
    expect(single.map(([, y]) => y.item())).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(single[3][0].toArray()).toEqual([30, 31]);
  });

  it('an error in a worker rejects the iteration with the same class and message, and stops the workers', async () => {
    const loader = new DataLoader<{ y: number }>({ length: 12, getItem: () => ({ y: 0 }) }, {
      batchSize: 2, numWorkers: 2, workerDataset: { module: workerModule, export: 'makeSquares', args: { length: 12, failAt: 7 } },
    });
    const seen: number[][] = [];
    const run = async () => {
      for await (const b of loader) seen.push(b.y.toArray() as number[]);
    };
    const err = await run().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toBe('Squares: refusing index 7 (DataLoader worker 1)');
    expect((err as Error).stack).toContain('original stack in DataLoader worker 1');
    expect(seen.slice(0, 3)).toEqual([[0, 1], [2, 0], [1, 2]]);
    await vi.waitFor(() => expect(activeWorkerCount()).toBe(0));
    const missing = new DataLoader({ length: 2, getItem: () => 0 }, {
      numWorkers: 1, workerDataset: { module: workerModule, export: 'nope' },
    });
    await expect(collectAsync(missing)).rejects.toThrow(/has no export 'nope'/);
    await vi.waitFor(() => expect(activeWorkerCount()).toBe(0));
  });

  it('a dataset that cannot be rebuilt in a worker is a TypeError that says how', async () => {
    const loader = new DataLoader({ length: 3, getItem: (i: number) => i }, { numWorkers: 1 });
    await expect(collectAsync(loader)).rejects.toThrow(/cannot be rebuilt in a worker thread: give it a workerSpec\(\) method/);
    expect(activeWorkerCount()).toBe(0);
  });

  it('persistent workers survive epochs and an early break, and close() ends them', async () => {
    const ds = new TensorDataset(tensor([[1], [2], [3], [4], [5], [6], [7], [8]], { dtype: 'float32' }), arange(8));
    const loader = new DataLoader(ds, { batchSize: 2, numWorkers: 2, persistentWorkers: true });
    expect(labelsOf(await collectAsync(loader))).toEqual([[0, 1], [2, 3], [4, 5], [6, 7]]);
    expect(activeWorkerCount()).toBe(2);
    for await (const [, y] of loader) {
      expect(Array.from(y.data)).toEqual([0, 1]);
      break;
    }
    expect(activeWorkerCount()).toBe(2);
    expect(labelsOf(await collectAsync(loader))).toEqual([[0, 1], [2, 3], [4, 5], [6, 7]]);
    await loader.close();
    await vi.waitFor(() => expect(activeWorkerCount()).toBe(0));
    // usable again: starts new workers
    expect(labelsOf(await collectAsync(loader)).length).toBe(4);
    await loader.close();
    await vi.waitFor(() => expect(activeWorkerCount()).toBe(0));
  });

  it('RandomSampler with replacement through workers matches in-process', async () => {
    const ds = pairs(10);
    const mk = (numWorkers: number) => new DataLoader(ds, {
      sampler: new RandomSampler(ds, { replacement: true, numSamples: 15, generator: new Generator(4) }), batchSize: 5, numWorkers,
    });
    expect(labelsOf(await collectAsync(mk(2)))).toEqual(labelsOf(await collectAsync(mk(0))));
  });
});
