import { describe, expect, it } from 'vitest';
import { div } from '../../src/ops/div.js';
import { tensor, rand, randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

const gen = () => new Generator(11);

describe('div', () => {
  itMatchesPyTorch('div', ([a, b], args) => {
    const opts = args.roundingMode ? { roundingMode: args.roundingMode } : {};
    if (args.input !== undefined) return div(args.input, a, opts);
    return div(a, args.other ?? b, opts);
  });

  it('gradcheck: broadcast (2,3) / (3,)', () => {
    const g = gen();
    const a = randn([2, 3], { generator: g, requiresGrad: true });
    const b = rand([3], { generator: g }).add(0.5).detach().requiresGrad_();
    gradcheck((x, y) => div(x, y), [a, b]);
  });

  it('gradcheck: (4,1) / (1,3) and scalar / tensor', () => {
    const g = gen();
    const a = randn([4, 1], { generator: g, requiresGrad: true });
    const b = rand([1, 3], { generator: g }).add(1).detach().requiresGrad_();
    gradcheck((x, y) => div(x, y), [a, b]);
    gradcheck((y) => div(3, y), [b]);
  });

  it('method form and integer true division', () => {
    expect(tensor([1, 2], { dtype: 'float32' }).div(4).toArray()).toEqual([0.25, 0.5]);
    const q = div(tensor([7, -7], { dtype: 'int64' }), tensor([2, 2], { dtype: 'int64' }));
    expect(q.dtype).toBe('float32');
    expect(q.toArray()).toEqual([3.5, -3.5]);
  });

  it('rounding modes have zero gradient', () => {
    const a = tensor([1.5, -2.5], { requiresGrad: true });
    div(a, 2, { roundingMode: 'floor' }).sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([0, 0]);
  });

  it('errors name the op and the argument', () => {
    expect(() => div(tensor([1, 2], { dtype: 'float32' }), tensor([1, 2, 3], { dtype: 'float32' }))).toThrow(RangeError);
    expect(() => div(tensor([1, 2], { dtype: 'float32' }), tensor([1, 2, 3], { dtype: 'float32' }))).toThrow(/div: the size of tensor a \(2\) must match the size of tensor b \(3\)/);
    expect(() => div(tensor([1], { dtype: 'float32' }), 'x' as never)).toThrow(TypeError);
    expect(() => div(tensor([1], { dtype: 'float32' }), 'x' as never)).toThrow(/div: expected other to be a Tensor or a number, got string/);
    expect(() => div(tensor([1], { dtype: 'float32' }), 2, { roundingMode: 'round' as never })).toThrow(/div: expected roundingMode/);
    expect(() => div(tensor([1], { dtype: 'int64' }), 0, { roundingMode: 'floor' })).toThrow(/div: ZeroDivisionError.*other/);
  });
});
