import { describe, expect, it } from 'vitest';
import { checkBceArgs, elementwiseLoss } from '../../src/ops/bce-common.js';
import { tensor } from '../../src/creation.js';

describe('checkBceArgs', () => {
  it('expands the weights to the input shape', () => {
    const x = tensor([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]);
    const t = tensor([[0, 1, 0], [1, 0, 1]], { dtype: 'float32' });
    const r = checkBceArgs('op', x, t, 'sum', tensor([1, 2, 3], { dtype: 'float32' }), tensor([[5], [7]], { dtype: 'float32' }));
    expect(r.reduction).toBe('sum');
    expect(Array.from(r.weight!)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(Array.from(r.posWeight!)).toEqual([5, 5, 5, 7, 7, 7]);
    expect(checkBceArgs('op', x, t, undefined, null)).toEqual({ reduction: 'mean', weight: null, posWeight: null });
  });

  it('errors name the op and the argument', () => {
    const x = tensor([0.5, 0.5]);
    expect(() => checkBceArgs('op', x, tensor([1, 0, 1], { dtype: 'float32' }), 'mean', null)).toThrow("op: expected target of the input's shape (2,), got (3,)");
    expect(() => checkBceArgs('op', x, tensor([1, 0], { dtype: 'float32' }), 'avg', null)).toThrow(RangeError);
    expect(() => checkBceArgs('op', x, tensor([1, 0], { dtype: 'int64' }), 'mean', null)).toThrow('op: expected target to be float32, got int64');
    expect(() => checkBceArgs('op', x, tensor([1, 0], { dtype: 'float32' }), 'mean', tensor([1, 2, 3], { dtype: 'float32' }))).toThrow(RangeError);
    expect(() => checkBceArgs('op', x, tensor([1, 0], { dtype: 'float32' }), 'mean', null, tensor([1], { dtype: 'int64' }))).toThrow('op: expected posWeight to be float32, got int64');
  });
});

describe('elementwiseLoss', () => {
  it('reduces the losses and scales the weighted gradients', () => {
    const x = tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
    const t = tensor([0, 0, 1], { dtype: 'float32', requiresGrad: true });
    const w = Float32Array.from([1, 2, 4]);
    const xd = x.data;
    const td = t.data;
    const y = elementwiseLoss('SqBackward0', x, t, 'mean', w, (i) => w[i] * (xd[i] - td[i]) ** 2,
      (i, gi) => gi * 2 * (xd[i] - td[i]), (i, gi) => -gi * 2 * (xd[i] - td[i]));
    expect(y.item()).toBeCloseTo((1 + 8 + 16) / 3, 5);
    y.backward();
    expect(Array.from(x.grad!.data)).toEqual([2 / 3, 8 / 3, 16 / 3].map(Math.fround));
    expect(Array.from(t.grad!.data)).toEqual([-2 / 3, -8 / 3, -16 / 3].map(Math.fround));
  });

  it("'none' keeps the shape and a target without grad gets none", () => {
    const x = tensor([[1, 2]], { dtype: 'float32', requiresGrad: true });
    const t = tensor([[0, 0]], { dtype: 'float32' });
    const y = elementwiseLoss('AbsBackward0', x, t, 'none', null, (i) => Math.abs(x.data[i]), (_i, gi) => gi, () => 0);
    expect(y.toArray()).toEqual([[1, 2]]);
    y.backward(tensor([[3, 5]], { dtype: 'float32' }));
    expect(x.grad!.toArray()).toEqual([[3, 5]]);
    expect(t.grad).toBeNull();
  });
});
