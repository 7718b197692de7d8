/** Module and tensor hooks: PyTorch's semantics (order, replacement values, removal, backward timing). */
import { describe, expect, it } from 'vitest';
import { nn, tensor, randn, manualSeed, Tensor } from '../../src/index.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
};

describe('Tensor.registerHook', () => {
  it('sees the gradient, may replace it, runs in order, and is removable', () => {
    const x = tensor([1, 2, 3], { dtype: 'float32' }).requiresGrad_();
    const seen: number[][] = [];
    const h1 = x.registerHook((g) => { seen.push(Array.from(g.data)); return g.mul(2); });
    const h2 = x.registerHook((g) => { seen.push(Array.from(g.data)); });
    x.mul(x).sum().backward(); // d/dx = 2x
    expect(seen).toEqual([[2, 4, 6], [4, 8, 12]]);
    expect(Array.from(x.grad!.data)).toEqual([4, 8, 12]);
    h1.remove();
    h1.remove(); // idempotent
    x.grad = null;
    x.mul(x).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([2, 4, 6]);
    h2.remove();
    expect(h1.id).not.toBe(h2.id);
  });

  it('on an intermediate tensor changes what flows to the leaves; a kept gradient is never recycled', () => {
    const x = tensor([1, -2], { dtype: 'float32' }).requiresGrad_();
    const y = x.mul(3);
    const kept: Tensor[] = [];
    y.registerHook((g) => { kept.push(g); return g.neg(); });
    y.mul(y).sum().backward(); // dL/dy = 2y = [6, -12]; hook negates; dL/dx = 3 * [-6, 12]
    expect(Array.from(x.grad!.data)).toEqual([-18, 36]);
    for (let i = 0; i < 5; i++) x.mul(3).mul(5).sum().backward(); // more backward passes reuse pooled buffers
    expect(Array.from(kept[0].data)).toEqual([6, -12]);
  });

  it('errors as PyTorch', () => {
    expect(() => tensor([1], { dtype: 'float32' }).registerHook(() => {})).toThrow("registerHook: cannot register a hook on a tensor that doesn't require gradient");
    expect(() => tensor([1], { dtype: 'float32' }).requiresGrad_().registerHook(3 as any)).toThrow(/^registerHook: expected a function/);
    const x = tensor([1, 2], { dtype: 'float32' }).requiresGrad_();
    x.registerHook(() => tensor([1, 2, 3], { dtype: 'float32' }));
    expect(() => x.mul(2).sum().backward()).toThrow(/hook has changed the size of value/);
  });
});

describe('Module forward hooks', () => {
  it('pre-hooks may replace the arguments, forward hooks the output; removal restores the class forward', () => {
    manualSeed(0);
    const lin = new nn.Linear(3, 2);
    const x = randn([4, 3]);
    const plain = lin.forward(x);
    const calls: string[] = [];
    const pre = lin.registerForwardPreHook((m, args) => { calls.push(`pre:${m === lin}`); return [(args[0] as Tensor).mul(2)]; });
    const post = lin.registerForwardHook((m, args, out) => { calls.push(`post:${(args[0] as Tensor).shape}`); return (out as Tensor).add(1); });
    const y = lin.call(x);
    expect(calls).toEqual(['pre:true', 'post:4,3']);
    // (2x)W^T + b + 1
    const w = lin.weight.data;
    const b = lin.bias!.data;
    const expected = new Float32Array(8);
    for (let i = 0; i < 4; i++) for (let o = 0; o < 2; o++) {
      let s = b[o] + 1;
      for (let k = 0; k < 3; k++) s += 2 * x.data[i * 3 + k] * w[o * 3 + k];
      expected[i * 2 + o] = s;
    }
    close(y.data, expected);
    pre.remove();
    post.remove();
    expect(Object.prototype.hasOwnProperty.call(lin, 'forward')).toBe(false);
    expect(Array.from(lin.forward(x).data)).toEqual(Array.from(plain.data));
  });

  it('hooks on children fire inside Sequential, and a hooked Conv1d is not fused with the ReLU after it', () => {
    manualSeed(1);
    const conv = new nn.Conv1d(1, 2, 3);
    const model = new nn.Sequential(conv, new nn.ReLU(), new nn.Flatten());
    const outs: Tensor[] = [];
    conv.registerForwardHook((_m, _a, out) => { outs.push(out as Tensor); });
    const y = model.forward(randn([2, 1, 8]));
    expect(outs).toHaveLength(1);
    expect(Array.from(outs[0].data).some((v) => v < 0)).toBe(true); // the conv's own output, before the relu
    expect(Array.from(y.data).every((v) => v >= 0)).toBe(true);
  });
});

describe('Module full backward hooks', () => {
  it('get gradOutput and gradInput (as autograd computes them) and may replace gradInput', () => {
    manualSeed(2);
    const lin = new nn.Linear(3, 2);
    const x = randn([4, 3]).requiresGrad_();
    const gy = randn([4, 2]);
    lin.forward(x).mul(gy).sum().backward();
    const ref = Array.from(x.grad!.data);
    x.grad = null;
    const got: { gi: (Tensor | null)[]; go: (Tensor | null)[] }[] = [];
    const h = lin.registerFullBackwardHook((m, gi, go) => { got.push({ gi, go }); return [gi[0]!.mul(10)]; });
    lin.forward(x).mul(gy).sum().backward();
    expect(got).toHaveLength(1);
    close(got[0].go[0]!.data, gy.data);
    close(got[0].gi[0]!.data, ref);
    close(x.grad!.data, ref.map((v) => v * 10));
    h.remove();
    x.grad = null;
    lin.forward(x).mul(gy).sum().backward();
    close(x.grad!.data, ref);
  });

  it('fire with gradInput [null] when no input requires grad (the first layer), after the output gradient is known', () => {
    manualSeed(3);
    const lin = new nn.Linear(3, 2);
    const calls: (Tensor | null)[][] = [];
    lin.registerFullBackwardHook((_m, gi, go) => { calls.push([...gi, ...go]); });
    lin.forward(randn([2, 3])).sum().backward();
    expect(calls).toHaveLength(1);
    expect(calls[0][0]).toBeNull();
    expect(Array.from(calls[0][1]!.data)).toEqual([1, 1, 1, 1]);
    expect(lin.weight.grad).not.toBeNull();
  });

  it('reject a malformed replacement with a clear error', () => {
    const lin = new nn.Linear(3, 2);
    lin.registerFullBackwardHook(() => [tensor([1], { dtype: 'float32' })]);
    const x = randn([2, 3]).requiresGrad_();
    expect(() => lin.forward(x).sum().backward()).toThrow(/backward hook: input gradient 0 has shape \(1\), expected \(2, 3\)/);
    expect(() => lin.registerForwardHook(null as any)).toThrow(/^registerForwardHook: expected a function/);
  });
});
