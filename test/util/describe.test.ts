import { describe, expect, it } from 'vitest';
import { describeValue } from '../../src/util/describe.js';
import { tensor, zeros } from '../../src/creation.js';
import { Parameter } from '../../src/nn/parameter.js';
import { Generator } from '../../src/util/generator.js';

describe('describeValue', () => {
  it('writes primitives as JS does, strings quoted and cut', () => {
    expect([null, undefined, true, -1.5, NaN, Infinity, 3n].map((v) => describeValue(v))).toEqual(
      ['null', 'undefined', 'true', '-1.5', 'NaN', 'Infinity', '3n'],
    );
    expect(describeValue('relu')).toBe("'relu'");
    expect(describeValue('x'.repeat(50))).toBe(`'${'x'.repeat(37)}...'`);
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
  });

  it('names tensors with dtype and shape, and objects by class', () => {
    expect(describeValue(zeros([2, 3]))).toBe('a float32 Tensor of shape (2, 3)');
    expect(describeValue(tensor([1, 2], { dtype: 'int64' }))).toBe('an int64 Tensor of shape (2,)');
    expect(describeValue(tensor(true))).toBe('a bool Tensor of shape ()');
    expect(describeValue(new Uint8Array(1))).toBe('a Uint8Array');
    expect(describeValue(new Parameter(zeros([4])))).toBe('a float32 Parameter of shape (4,)');
    expect(describeValue([1, 2])).toBe('an array');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue({})).toBe('an object');
    expect(describeValue(Object.create(null))).toBe('an object');
    expect(describeValue(new Map())).toBe('a Map');
    expect(describeValue(new Float32Array(2))).toBe('a Float32Array');
    expect(describeValue(new Generator())).toBe('a Generator');
    expect(describeValue(new (class Inception {})())).toBe('an Inception');
  });

  it('with { type: true } names only the type', () => {
    const type = (v: unknown) => describeValue(v, { type: true });
    expect([null, undefined, 1, 'x', true, [1], {}, new Map(), zeros([1]), new Parameter(zeros([1]))].map(type)).toEqual(
      ['null', 'undefined', 'number', 'string', 'boolean', 'Array', 'Object', 'Map', 'Tensor', 'Parameter'],
    );
  });
});
