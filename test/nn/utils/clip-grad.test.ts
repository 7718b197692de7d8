/** nn.utils.clipGradNorm_ / clipGradValue_ against PyTorch 1.13, plus edge cases and argument errors. */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/tensor.js';
import { clipGradNorm, clipGradNorm_, clipGradValue, clipGradValue_ } from '../../../src/nn/utils/clip-grad.js';
import { expectClose } from '../../helpers/allclose.js';
import { loadFixture } from '../../helpers/fixtures.js';

interface NormCase { normType: number | 'inf' | '-inf'; maxNorm: number; grads: number[][]; total: number; clipped: number[][] }
interface ValueCase { clipValue: number; grad: number[]; clipped: number[] }
const fx = loadFixture<{ clipGradNorm: NormCase[]; clipGradValue: ValueCase[] }>('optim.json');

function withGrad(g: number[], shape = [g.length]): Tensor {
  const p = new Tensor(new Float32Array(g.length), shape).requiresGrad_();
  p.grad = new Tensor(Float32Array.from(g), shape);
  return p;
}

describe('clipGradNorm_ vs PyTorch', () => {
  it.each(fx.clipGradNorm.map((c) => [c.normType, c.maxNorm, c] as const))('normType %s, maxNorm %s', (_, __, c) => {
    const params = [withGrad(c.grads[0]), withGrad(c.grads[1], [3, 4]), new Tensor(new Float32Array(2), [2]).requiresGrad_()];
    const total = clipGradNorm_(params, c.maxNorm, { normType: c.normType });
    expect(total.shape).toEqual([]);
    expectClose([total.item()], [c.total], 1e-6, 0, 'total norm');
    expectClose(params[0].grad!.data, c.clipped[0], 1e-6, 1e-7, 'grad 0');
    expectClose(params[1].grad!.data, c.clipped[1], 1e-6, 1e-7, 'grad 1');
    expect(params[2].grad).toBeNull();
  });
});

describe('clipGradValue_ vs PyTorch', () => {
  it.each(fx.clipGradValue.map((c) => [c.clipValue, c] as const))('clipValue %s', (_, c) => {
    const p = withGrad(c.grad);
    expect(clipGradValue_(p, c.clipValue)).toBeUndefined();
    expect(Array.from(p.grad!.data)).toEqual(c.clipped);
  });
});

describe('clipping behaviour', () => {
  it('the underscore-free names are the same functions', () => {
    expect(clipGradNorm).toBe(clipGradNorm_);
    expect(clipGradValue).toBe(clipGradValue_);
  });

  it('a single Tensor, a generator, and Infinity as normType', () => {
    const p = withGrad([3, -4]);
    expect(clipGradNorm_(p, 1).item()).toBe(5);
    expectClose(p.grad!.data, [0.6, -0.8], 1e-6, 0);
    const q = withGrad([3, -4]);
    function* gen() { yield q; }
    expect(clipGradNorm_(gen(), 100, { normType: Infinity }).item()).toBe(4);
    expect(Array.from(q.grad!.data)).toEqual([3, -4]); // below maxNorm: unchanged
  });

  it('no gradients at all gives a total norm of 0', () => {
    const p = new Tensor(new Float32Array(3), [3]).requiresGrad_();
    expect(clipGradNorm_([p], 1).item()).toBe(0);
  });

  it('non-finite norms: scaled by default, an error with errorIfNonfinite', () => {
    const p = withGrad([Infinity, 1]);
    expect(() => clipGradNorm_([p], 1, { errorIfNonfinite: true })).toThrow(RangeError);
    expect(() => clipGradNorm_([p], 1, { errorIfNonfinite: true })).toThrow(/the total norm of order 2 for gradients from parameters is non-finite/);
    expect(Array.from(p.grad!.data)).toEqual([Infinity, 1]);
    expect(clipGradNorm_([p], 1).item()).toBe(Infinity);
    expect(Number.isNaN(p.grad!.data[0])).toBe(true); // inf * 0, as in PyTorch
    expect(p.grad!.data[1]).toBe(0);
  });

  it('clipGradValue_ keeps NaN and skips parameters without grad', () => {
    const p = withGrad([NaN, 2, -2]);
    const q = new Tensor(new Float32Array(1), [1]).requiresGrad_();
    clipGradValue_([p, q], 1);
    expect(Array.from(p.grad!.data)).toEqual([NaN, 1, -1]);
    expect(q.grad).toBeNull();
  });
});

describe('clipping argument errors', () => {
  const p = () => withGrad([1, 2]);
  it.each([
    ['maxNorm not a number', () => clipGradNorm_([p()], '1' as never), TypeError, "clipGradNorm_: expected maxNorm to be a number, got '1'"],
    ['negative maxNorm', () => clipGradNorm_([p()], -1), RangeError, 'clipGradNorm_: expected maxNorm >= 0, got -1'],
    ['NaN maxNorm', () => clipGradNorm_([p()], NaN), RangeError, 'clipGradNorm_: expected maxNorm >= 0, got NaN'],
    ['bad normType', () => clipGradNorm_([p()], 1, { normType: 'fro' as never }), TypeError, "clipGradNorm_: expected normType to be a number, 'inf' or '-inf', got 'fro'"],
    ['bad errorIfNonfinite', () => clipGradNorm_([p()], 1, { errorIfNonfinite: 1 as never }), TypeError, 'clipGradNorm_: expected errorIfNonfinite to be a boolean, got 1'],
    ['parameters not iterable', () => clipGradNorm_(5 as never, 1), TypeError, 'clipGradNorm_: expected parameters to be a Tensor or an iterable of Tensors, got 5'],
    ['a non-Tensor parameter', () => clipGradNorm_([p(), {}] as never, 1), TypeError, 'clipGradNorm_: expected parameters to hold Tensors, got an object'],
    ['clipValue not a number', () => clipGradValue_([p()], null as never), TypeError, 'clipGradValue_: expected clipValue to be a number, got null'],
    ['negative clipValue', () => clipGradValue_([p()], -0.5), RangeError, 'clipGradValue_: expected clipValue >= 0, got -0.5'],
    ['clipValue parameters not iterable', () => clipGradValue_(null as never, 1), TypeError, 'clipGradValue_: expected parameters to be a Tensor or an iterable of Tensors, got null'],
  ] as [string, () => unknown, ErrorConstructor, string][])('%s', (_, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
