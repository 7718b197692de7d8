import { describe, expect, it } from 'vitest';
import { boolArg, dimArg, dtypeArg, intArg, numberArg, splitAt, stridesOf, tensorArg } from '../../src/ops/args.js';
import { tensor } from '../../src/creation.js';

describe('argument checks', () => {
  it('dimArg resolves negative dims and names op and argument', () => {
    expect(dimArg('op', 'dim', -1, 3)).toBe(2);
    expect(dimArg('op', 'dim', 0, 0)).toBe(0);
    expect(dimArg('op', 'dim', -1, 0)).toBe(0);
    expect(() => dimArg('op', 'dim1', 3, 3)).toThrow(RangeError);
    expect(() => dimArg('op', 'dim1', 3, 3)).toThrow('op: dim1 out of range (expected to be in range of [-3, 2], but got 3)');
    expect(() => dimArg('op', 'dim', 1.5, 3)).toThrow(TypeError);
    expect(() => dimArg('op', 'dim', '1', 3)).toThrow(new TypeError("op: expected dim to be an integer, got '1'"));
  });

  it('type checks', () => {
    const t = tensor([1], { dtype: 'float32' });
    expect(tensorArg('op', 'input', t)).toBe(t);
    expect(() => tensorArg('op', 'input', [1])).toThrow('op: expected input to be a Tensor, got an array');
    expect(() => dtypeArg('op', 'index', t, ['int64'])).toThrow('op: expected index of dtype int64, got float32');
    expect(intArg('op', 'n', 3, 0)).toBe(3);
    expect(() => intArg('op', 'n', -1, 0)).toThrow('op: expected n >= 0, got -1');
    expect(() => numberArg('op', 'eps', null)).toThrow('op: expected eps to be a number, got null');
    expect(() => boolArg('op', 'keepdim', 0)).toThrow(new TypeError('op: expected keepdim to be a boolean, got 0'));
  });

  it('shape helpers', () => {
    expect(splitAt([2, 3, 4], 1)).toEqual({ outer: 2, size: 3, inner: 4 });
    expect(splitAt([], 0)).toEqual({ outer: 1, size: 1, inner: 1 });
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
  });
});
