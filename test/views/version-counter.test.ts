/**
 * The version counter: shared by a tensor, its views and detached aliases; bumped by every in-place op
 * (not by `data` writes, nor by out-of-place ops); checked by backward for the tensors a node reads.
 * And the routing of gradients to the history a tensor had when an op used it.
 */
import { describe, expect, it } from 'vitest';
import '../../src/ops/methods.js';
import { Tensor } from '../../src/tensor.js';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { relu } from '../../src/ops/relu.js';
import { ownsStorage } from '../../src/autograd/graph-internal.js';

const f32 = (v: number[], shape = [v.length]) => new Tensor(Float32Array.from(v), shape);

describe('version counter', () => {
  it('in-place ops bump the counter every alias shares; data writes and out-of-place ops do not', () => {
    const b = f32([1, 2, 3, 4, 5, 6], [2, 3]);
    const v = b.narrow(1, 0, 2);
    const d = b.detach();
    expect([b._version, v._version, d._version]).toEqual([0, 0, 0]);
    v.add_(1);
    d.mul_(2);
    expect([b._version, v._version, d._version]).toEqual([2, 2, 2]);
    b.data[0] = 9;
    b.add(1);
    v.t().contiguous();
    expect(b._version).toBe(2);
    expect(b.clone()._version).toBe(0);
  });

  it('backward refuses a saved input modified in place, with PyTorch\'s text', () => {
    const x = f32([1, 2, 3]).requiresGrad_();
    const y = x.clone();
    const z = y.mul(y);
    y.add_(1);
    expect(() => z.sum().backward()).toThrow(
      /^backward: one of the variables needed for gradient computation has been modified by an inplace operation: \[torch\.FloatTensor \[3\]\], which is output 0 of AddBackward0, is at version 1; expected version 0 instead\./,
    );
  });

  it('an input that no backward reads may change: its earlier use gets the gradient of its old history', () => {
    // PyTorch: x.grad = 1 (through z) + 2 (through y after mul_) = 3
    const x = f32([1, 2, 3]).requiresGrad_();
    const y = x.clone();
    const z = y.add(1);
    y.mul_(2);
    z.sum().add(y.sum()).backward();
    expect(Array.from(x.grad!.data)).toEqual([3, 3, 3]);
  });

  it('a second in-place op chains histories (each earlier use keeps its own)', () => {
    // y0 = x; a = y0 + 0; y1 = 2 * y0; b = y1 + 0; y2 = 3 * y1 -> d/dx (a + b + y2) = 1 + 2 + 6
    const x = f32([1, -1]).requiresGrad_();
    const y = x.clone();
    const a = y.add(0);
    y.mul_(2);
    const b = y.add(0);
    y.mul_(3);
    a.sum().add(b.sum()).add(y.sum()).backward();
    expect(Array.from(x.grad!.data)).toEqual([9, 9]);
  });

  it('in-place on a leaf that requires grad works under noGrad (an optimizer step) and bumps the counter', () => {
    const w = f32([1, 2]).requiresGrad_();
    noGrad(() => w.sub_(f32([0.5, 0.5])));
    expect(Array.from(w.data)).toEqual([0.5, 1.5]);
    expect(w._version).toBe(1);
    expect(w.isLeaf).toBe(true);
  });

  it('a view of an activation whose storage the graph could recycle takes that right away', () => {
    const out = relu(f32([1, -2, 3, 4], [2, 2]).requiresGrad_());
    expect(ownsStorage(out)).toBe(true);
    out.t();
    expect(ownsStorage(out)).toBe(false);
  });
});
