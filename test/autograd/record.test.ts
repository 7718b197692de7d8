/** record(): the tracer hook sees each recorded op with its attributes, and nothing when no trace is active. */
import { afterEach, describe, expect, it } from 'vitest';
import { record, setTracer, type OpAttrs } from '../../src/autograd/record.js';
import { Tensor } from '../../src/tensor.js';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { tensor } from '../../src/creation.js';
import { softmax } from '../../src/ops/softmax.js';
import { relu } from '../../src/ops/relu.js';

afterEach(() => {
  setTracer(null);
});

describe('record tracer hook', () => {
  it('reports output, name, inputs and attributes of each recorded op, in order', () => {
    const seen: [Tensor, string, readonly (Tensor | null)[], OpAttrs | undefined][] = [];
    expect(setTracer((...a) => seen.push(a))).toBe(null);
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float32' }).requiresGrad_();
    const y = relu(x);
    const z = softmax(y, -1);
    expect(seen.map((s) => s[1])).toEqual(['ReluBackward0', 'SoftmaxBackward0']);
    expect(seen[0][0]).toBe(y);
    expect(seen[0][2]).toEqual([x]);
    expect(seen[0][3]).toBeUndefined();
    expect(seen[1][0]).toBe(z);
    expect(seen[1][3]).toEqual({ dim: -1 });
  });

  it('also reports ops that record no history (no input requires grad, or grad mode off), which stay without a gradFn', () => {
    // The exporter maps them where the graph reaches them (a mask built from a bool graph input).
    const seen: string[] = [];
    setTracer((_o, name) => seen.push(name));
    const a = relu(tensor([1, -1], { dtype: 'float32' }));
    const b = noGrad(() => relu(tensor([1, -1], { dtype: 'float32' }).requiresGrad_()));
    expect(seen).toEqual(['ReluBackward0', 'ReluBackward0']);
    expect(a.gradFn).toBeNull();
    expect(b.gradFn).toBeNull();
  });

  it('setTracer returns the previous hook so nested traces restore it', () => {
    const a = (): void => {};
    const b = (): void => {};
    setTracer(a);
    expect(setTracer(b)).toBe(a);
    expect(setTracer(null)).toBe(b);
  });

  it('without a tracer, record only attaches history', () => {
    const x = tensor([1], { dtype: 'float32' }).requiresGrad_();
    const out = record(new Tensor(new Float32Array([2]), [1]), 'XBackward0', [x], (g) => [g], { k: 1 });
    expect(out.gradFn?.name).toBe('XBackward0');
  });
});
