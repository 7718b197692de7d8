/**
 * Every view op returns a view: writing through the view (an in-place op, or assigning `data`) changes
 * the base, and writing to the base changes the view. A view op that copied would fail each check.
 * Also contiguous(), stride(), storageOffset() and the shared version counter.
 */
import { describe, expect, it } from 'vitest';
import '../../src/ops/methods.js';
import { Tensor } from '../../src/tensor.js';
import { split } from '../../src/ops/split.js';
import { chunk } from '../../src/ops/chunk.js';
import { newaxis } from '../../src/ops/indexing.js';
import { flatten } from '../../src/ops/reshape.js';
import { setBackend, getBackend, type BackendName } from '../../src/backend/select.js';
import { testBackends } from '../helpers/backends.js';
import { afterAll, beforeAll } from 'vitest';

/** 0, 1, 2, ... as float32 in `shape` (a fresh base each time). */
function iota(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: n }, (_, i) => i), shape);
}

/** The view ops, each from a fresh (3, 4) base (or (3, 1, 4) where a size-1 dim is needed). */
const VIEWS: [string, number[], (b: Tensor) => Tensor][] = [
  ['view', [3, 4], (b) => b.view(2, 6)],
  ['reshape (contiguous: a view)', [3, 4], (b) => b.reshape([4, 3])],
  ['flatten', [3, 4], (b) => flatten(b)],
  ['transpose', [3, 4], (b) => b.transpose(0, 1)],
  ['t', [3, 4], (b) => b.t()],
  ['permute', [3, 4], (b) => b.permute(1, 0)],
  ['narrow dim 0', [3, 4], (b) => b.narrow(0, 1, 2)],
  ['narrow dim 1', [3, 4], (b) => b.narrow(1, 1, 2)],
  ['select', [3, 4], (b) => b.select(1, 2)],
  ['index (number, range with step, newaxis)', [3, 4], (b) => b.index(1, newaxis, { start: 0, step: 2 })],
  ['unsqueeze', [3, 4], (b) => b.unsqueeze(1)],
  ['squeeze', [3, 1, 4], (b) => b.squeeze(1)],
  ['split', [3, 4], (b) => split(b, 2, 1)[1]],
  ['chunk', [3, 4], (b) => chunk(b, 3, 0)[2]],
  ['chain: t().narrow().unsqueeze()', [3, 4], (b) => b.t().narrow(0, 1, 2).unsqueeze(0)],
];

describe.each(testBackends().map((b) => [b.name] as const))('views write through on %s', (name) => {
  let prev: BackendName;
  beforeAll(() => {
    prev = getBackend().name as BackendName;
    setBackend(name as BackendName);
  });
  afterAll(() => setBackend(prev));

  for (const [what, shape, make] of VIEWS) {
    it(`${what}: in-place op, data write and base write`, () => {
      const base = iota(shape);
      const v = make(base);
      expect(v._base).toBe(base);
      expect(v.sharesStorage(base)).toBe(true);
      const before = base.toArray();
      // in-place op through the view
      const expected = (v.toArray() as unknown as number[]).flat(3).map((x: number) => x * 2 + 1);
      v.mul_(2).add_(1);
      expect((v.toArray() as unknown as number[]).flat(3)).toEqual(expected);
      expect(base.toArray()).not.toEqual(before);
      expect(base._version).toBe(2);
      expect(v._version).toBe(2);
      // data assignment through the view
      const n = v.numel();
      v.data = Float32Array.from({ length: n }, (_, i) => -1 - i);
      expect((v.toArray() as unknown as number[]).flat(3)).toEqual(Array.from({ length: n }, (_, i) => -1 - i));
      const negatives = (base.toArray() as unknown as number[]).flat(3).filter((x: number) => x < 0).sort((a, b) => b - a);
      expect(negatives).toEqual(Array.from({ length: n }, (_, i) => -1 - i));
      // a write to the base shows in the view
      base.fill_(7);
      expect((v.toArray() as unknown as number[]).flat(3).every((x: number) => x === 7)).toBe(true);
      base.data.fill(3); // through the base's own storage
      expect(v.data.every((x) => x === 3)).toBe(true);
    });
  }

  it('expand is a stride-0 view: base writes show, writes through it are refused as in PyTorch', () => {
    const base = iota([3, 1]);
    const e = base.expand(3, 4);
    expect(e.stride()).toEqual([1, 0]);
    base.data[1] = 50;
    expect(e.toArray()).toEqual([[0, 0, 0, 0], [50, 50, 50, 50], [2, 2, 2, 2]]);
    expect(() => e.add_(1)).toThrow(/^add_: unsupported operation: more than one element of the written-to tensor refers to a single memory location/);
  });

  it('contiguous() is the tensor itself when contiguous, else a copy with its own storage', () => {
    const base = iota([3, 4]);
    expect(base.contiguous()).toBe(base);
    const n = base.narrow(0, 1, 2);
    expect(n.isContiguous()).toBe(true);
    expect(n.contiguous()).toBe(n);
    const t = base.t();
    expect(t.isContiguous()).toBe(false);
    const c = t.contiguous();
    expect(c).not.toBe(t);
    expect(c.isContiguous()).toBe(true);
    expect(c.sharesStorage(base)).toBe(false);
    expect(c.toArray()).toEqual(t.toArray());
    c.fill_(0);
    expect(base.data[5]).toBe(5);
  });

  it('strides and offsets are PyTorch\'s', () => {
    const b = iota([2, 3]);
    expect(b.stride()).toEqual([3, 1]);
    expect(b.t().unsqueeze(0).stride()).toEqual([3, 1, 3]);
    expect(b.t().unsqueeze(2).stride()).toEqual([1, 3, 1]);
    expect(b.index(newaxis).stride()).toEqual([6, 3, 1]);
    expect(b.index(null, newaxis).stride()).toEqual([3, 3, 1]);
    expect(b.narrow(1, 1, 2).storageOffset()).toBe(1);
    expect(b.select(0, 1).storageOffset()).toBe(3);
    expect(b.narrow(1, 1, 2).isContiguous()).toBe(false);
    expect(() => b.t().view(6)).toThrow("view: view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
    expect(b.t().reshape([6]).sharesStorage(b)).toBe(false); // reshape copies where view cannot
    expect(b.t().reshape([6]).toArray()).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('detach shares storage and the version counter', () => {
    const b = iota([2, 2]);
    const d = b.t().detach();
    d.add_(1);
    expect(b.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(b._version).toBe(1);
  });

  it('clone of a view has its own storage', () => {
    const b = iota([2, 3]);
    const c = b.t().clone();
    c.zero_();
    expect(b.data[4]).toBe(4);
  });
});
