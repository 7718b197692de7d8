/**
 * The gradient buffer pool must never recycle storage someone still holds: leaf grads, saved tensors,
 * gradients shared between consumers, retained graphs.
 */
import { describe, expect, it } from 'vitest';
import '../../src/ops/methods.js';
import { tensor, randn } from '../../src/creation.js';
import { relu } from '../../src/ops/relu.js';
import { cat } from '../../src/ops/cat.js';
import { gradBuffer, releaseGrad, isPooled, gradPoolBytes, clearGradPool, adoptGrad } from '../../src/util/grad-pool.js';
import { Generator } from '../../src/util/generator.js';
import { expectClose } from '../helpers/allclose.js';

describe('grad pool', () => {
  it('reuses a released buffer of the same length, never an adopted one', () => {
    clearGradPool();
    const a = gradBuffer(4096);
    expect(isPooled(a)).toBe(true);
    releaseGrad(a);
    expect(gradPoolBytes()).toBe(4096 * 4);
    expect(gradBuffer(4096)).toBe(a);
    const b = gradBuffer(4096);
    adoptGrad(b);
    expect(isPooled(b)).toBe(false);
    releaseGrad(b); // ignored: no longer the pool's
    expect(gradBuffer(4096)).not.toBe(b);
    releaseGrad(new Float32Array(4096)); // foreign arrays are never taken in
    expect(gradPoolBytes()).toBe(0);
  });

  it('leaf grads survive later backward passes that recycle buffers', () => {
    const g = new Generator(1);
    const x = randn([8, 4, 300], { generator: g }).requiresGrad_();
    relu(x).mul(2).sum().backward();
    const first = Float32Array.from(x.grad!.data as Float32Array);
    const held = x.grad!.data;
    // a second, unrelated graph of the same sizes: its buffers must not land in x.grad
    const y = randn([8, 4, 300], { generator: g }).requiresGrad_();
    relu(y).mul(3).sum().backward();
    expect(x.grad!.data).toBe(held);
    expect(Array.from(x.grad!.data)).toEqual(Array.from(first));
    const expected = Array.from(x.data, (v) => (v > 0 ? 2 : 0));
    expect(Array.from(first)).toEqual(expected);
    expect(Array.from(y.grad!.data)).toEqual(Array.from(y.data, (v) => (v > 0 ? 3 : 0)));
  });

  it('a gradient shared by several consumers is summed correctly (inception-style branches)', () => {
    const g = new Generator(2);
    const x = randn([4, 3, 512], { generator: g }).requiresGrad_();
    const h = relu(x.mul(1.5));
    const out = cat([relu(h), h.mul(2), h.mul(h)], 1).sum();
    out.backward();
    // d/dx of relu(h) + 2h + h^2 with h = relu(1.5 x): (1 + 2 + 2h) * 1.5 where x > 0
    const want = Array.from(x.data, (v) => (v > 0 ? (3 + 2 * 1.5 * v) * 1.5 : 0));
    expectClose(x.grad!.data, want, 1e-5, 1e-5);
  });

  it('retainGraph: the second backward gives the same gradient again', () => {
    const x = tensor(Array.from({ length: 2048 }, (_, i) => Math.sin(i))).requiresGrad_();
    const y = relu(x).mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    const once = Array.from(x.grad!.data);
    y.backward();
    expectClose(x.grad!.data, once.map((v) => 2 * v), 1e-6, 1e-6);
  });
});
