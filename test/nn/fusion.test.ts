/**
 * nn.Sequential's Conv1d/BatchNorm1d + ReLU fusion (src/nn/fusion.ts): the fused op must give exactly the
 * values, gradients and running statistics of the two modules run one after the other, on every backend,
 * and must not fuse subclasses or patched forwards.
 */
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { randn } from '../../src/creation.js';
import { Tensor } from '../../src/tensor.js';
import { setBackend } from '../../src/backend/select.js';
import { Generator } from '../../src/util/generator.js';
import { testBackends } from '../helpers/backends.js';

/** Runs the modules one by one (never fused) on x. */
function unfused(mods: nn.Module[], x: Tensor): Tensor {
  let y = x;
  for (const m of mods) y = m.forward(y);
  return y;
}

function bits(t: Tensor | null): number[] {
  return Array.from(new Uint32Array(new Float32Array(t!.data as Float32Array).buffer));
}

/** Two identically initialised copies of the layer stack, their outputs and gradients on the same input. */
function compare(make: (g: Generator) => nn.Module[], xShape: number[]) {
  const a = make(new Generator(7));
  const b = make(new Generator(7));
  const x = randn(xShape, { generator: new Generator(3) });
  const xa = x.clone().requiresGrad_();
  const xb = x.clone().requiresGrad_();
  const ya = new nn.Sequential(...a).forward(xa);
  const yb = unfused(b, xb);
  const ga = randn(ya.shape, { generator: new Generator(5) });
  ya.backward(ga);
  yb.backward(ga);
  return { a, b, ya, yb, xa, xb };
}

describe.each(testBackends())('Sequential relu fusion on $name', (backend) => {
  it('Conv1d + ReLU: same bits forward and backward, one autograd node', () => {
    setBackend(backend.name);
    const { a, b, ya, yb, xa, xb } = compare((g) => [new nn.Conv1d(3, 5, 3, { padding: 1, generator: g }), new nn.ReLU()], [4, 3, 37]);
    expect(ya.gradFn!.name).toBe('ReluBackward0');
    expect(ya.gradFn!.inputs[0]).toBe(xa); // the conv's input: no separate conv node in between
    expect(bits(ya)).toEqual(bits(yb));
    expect(ya.data.some((v) => v === 0) && ya.data.some((v) => v > 0)).toBe(true);
    expect(bits(xa.grad)).toEqual(bits(xb.grad));
    const [ca, cb] = [a[0] as nn.Conv1d, b[0] as nn.Conv1d];
    expect(bits(ca.weight.grad)).toEqual(bits(cb.weight.grad));
    expect(bits(ca.bias!.grad)).toEqual(bits(cb.bias!.grad));
  });

  it("Conv1d + ReLU with padding 'same' (asymmetric) and unbatched input", () => {
    setBackend(backend.name);
    const r = compare((g) => [new nn.Conv1d(2, 3, 4, { padding: 'same', generator: g }), new nn.ReLU()], [2, 2, 11]);
    expect(bits(r.ya)).toEqual(bits(r.yb));
    expect(bits(r.xa.grad)).toEqual(bits(r.xb.grad));
    const u = compare((g) => [new nn.Conv1d(2, 3, 3, { generator: g }), new nn.ReLU()], [2, 9]);
    expect(u.ya.shape).toEqual([3, 7]);
    expect(bits(u.ya)).toEqual(bits(u.yb));
    expect(bits(u.xa.grad)).toEqual(bits(u.xb.grad));
  });

  it('BatchNorm1d + ReLU: same bits, gradients and running statistics, in training and eval', () => {
    setBackend(backend.name);
    const { a, b, ya, yb, xa, xb } = compare(() => [new nn.BatchNorm1d(4), new nn.ReLU()], [3, 4, 10]);
    expect(ya.gradFn!.name).toBe('ReluBackward0');
    expect(ya.gradFn!.inputs[0]).toBe(xa);
    expect(bits(ya)).toEqual(bits(yb));
    expect(bits(xa.grad)).toEqual(bits(xb.grad));
    const [na, nb] = [a[0] as nn.BatchNorm1d, b[0] as nn.BatchNorm1d];
    expect(bits(na.weight!.grad)).toEqual(bits(nb.weight!.grad));
    expect(bits(na.bias!.grad)).toEqual(bits(nb.bias!.grad));
    expect(bits(na.runningMean)).toEqual(bits(nb.runningMean));
    expect(bits(na.runningVar)).toEqual(bits(nb.runningVar));
    expect(na.numBatchesTracked!.data[0]).toBe(1);
    na.eval();
    nb.eval();
    const x = randn([2, 4, 6], { generator: new Generator(9) });
    expect(bits(new nn.Sequential(na, new nn.ReLU()).forward(x))).toEqual(bits(unfused([nb, new nn.ReLU()], x)));
  });

  it('does not fuse a subclass or a patched forward', () => {
    setBackend(backend.name);
    class Shifted extends nn.Conv1d {
      override forward(x: Tensor): Tensor {
        return super.forward(x).add(-10);
      }
    }
    const x = randn([1, 2, 8], { generator: new Generator(1) });
    const sub = new Shifted(2, 2, 1, { generator: new Generator(2) });
    const ySub = new nn.Sequential(sub, new nn.ReLU()).forward(x);
    expect(bits(ySub)).toEqual(bits(unfused([sub, new nn.ReLU()], x)));
    const conv = new nn.Conv1d(2, 2, 1, { generator: new Generator(2) });
    conv.forward = (t: Tensor) => nn.functional.conv1d(t, conv.weight, conv.bias).add(-10);
    const relu = new nn.ReLU();
    const yPatched = new nn.Sequential(conv, relu).forward(x);
    expect(yPatched.gradFn!.name).not.toBe('ConvolutionBackward0');
    expect(bits(yPatched)).toEqual(bits(unfused([conv, relu], x)));
  });
});
