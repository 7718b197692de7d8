import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/creation.js';
import { noGrad, enableGrad, isGradEnabled } from '../../src/autograd/grad-mode.js';
import { add } from '../../src/ops/add.js';
import { mul } from '../../src/ops/mul.js';
import { exp } from '../../src/ops/exp.js';
import { sum } from '../../src/ops/sum.js';
import '../../src/ops/methods.js';

const values = (t: { data: ArrayLike<number> } | null) => Array.from(t!.data);

describe('autograd engine', () => {
  it('accumulates into leaves across two backward calls', () => {
    const x = tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
    mul(x, 2).sum().backward();
    expect(values(x.grad)).toEqual([2, 2, 2]);
    mul(x, x).sum().backward();
    expect(values(x.grad)).toEqual([4, 6, 8]);
  });

  it('shared subexpressions: x*x + x', () => {
    const x = tensor([1, -2, 0.5], { requiresGrad: true });
    add(mul(x, x), x).sum().backward();
    expect(values(x.grad)).toEqual([3, -3, 2]);
  });

  it('diamond graph: a shared intermediate used twice gets both gradients', () => {
    const x = tensor([0.5, 1], { requiresGrad: true });
    const y = exp(x);
    mul(y, y).sum().backward();
    const want = [0.5, 1].map((v) => 2 * Math.exp(2 * v));
    want.forEach((w, i) => expect(x.grad!.data[i]).toBeCloseTo(w, 4));
  });

  it('noGrad records nothing; enableGrad turns it back on inside', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = noGrad(() => mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(isGradEnabled()).toBe(true);
    const z = noGrad(() => enableGrad(() => mul(x, 2)));
    expect(z.gradFn?.name).toBe('MulBackward0');
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    expect(() => noGrad(() => enableGrad(() => { throw new Error('boom'); }))).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('noGrad and enableGrad take a function, and say so in their own name', () => {
    expect(() => noGrad(3 as never)).toThrow(TypeError);
    expect(() => noGrad(3 as never)).toThrow(/^noGrad: expected a function, got number$/);
    expect(() => enableGrad(null as never)).toThrow(/^enableGrad: expected a function, got object$/);
    expect(isGradEnabled()).toBe(true);
  });

  it('backward on a non-scalar needs a gradient', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = mul(x, 3);
    expect(() => y.backward()).toThrow(/backward: grad can be implicitly created only for scalar outputs, got shape \(2,\)/);
    expect(() => y.backward(tensor([1, 2, 3], { dtype: 'float32' }))).toThrow(/backward: expected gradient of shape \(2,\), got \(3,\)/);
    expect(() => y.backward([1, 1] as never)).toThrow(TypeError);
    y.backward(tensor([1, -1], { dtype: 'float32' }));
    expect(values(x.grad)).toEqual([3, -3]);
  });

  it('backward on a tensor that does not require grad errors', () => {
    expect(() => tensor([1], { dtype: 'float32' }).sum().backward()).toThrow(/backward: element 0 of tensors does not require grad/);
  });

  it('a second backward through a freed graph errors; retainGraph allows it', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = sum(mul(x, x));
    y.backward();
    expect(() => y.backward()).toThrow(/backward: trying to backward through the graph a second time \(SumBackward1\).*retainGraph/);

    const w = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const v = sum(mul(w, w));
    v.backward(undefined, { retainGraph: true });
    v.backward();
    expect(values(w.grad)).toEqual([4, 8]);
  });

  it('detach stops the gradient', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = mul(x, x);
    add(mul(y.detach(), x), y).sum().backward();
    // d/dx [y_const * x + x^2] = y + 2x
    expect(values(x.grad)).toEqual([1 + 2, 4 + 4]);
  });

  it('leaves that do not require grad get no grad; intermediate tensors keep none', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const c = tensor([5, 6], { dtype: 'float32' });
    const y = mul(x, c);
    y.sum().backward();
    expect(c.grad).toBeNull();
    expect(y.grad).toBeNull();
    expect(values(x.grad)).toEqual([5, 6]);
  });

  it('the leaf grad owns its storage', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const g = tensor([1, 1], { dtype: 'float32' });
    mul(x, 1).backward(g);
    g.data[0] = 100;
    expect(values(x.grad)).toEqual([1, 1]);
  });

  it('handles a deep chain without recursion limits', () => {
    const x = tensor([1], { dtype: 'float32', requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20000; i++) y = add(y, 0);
    y.sum().backward();
    expect(values(x.grad)).toEqual([1]);
  });
});
