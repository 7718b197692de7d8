/**
 * What the max and min tests share: tie-free inputs for gradcheck, the gradcheck cases along dims and
 * the argument errors, which differ only in the op's name.
 */
import { expect, it } from 'vitest';
import { randperm, tensor } from '../../src/creation.js';
import type { max } from '../../src/ops/max.js';
import { Tensor } from '../../src/tensor.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from './gradcheck.js';

/** max or min: a full reduction to a 0-d tensor, or values and indices along a dim. */
export type Extremum = typeof max;

/** Distinct values 0.1 apart in random order: finite differences never cross a tie. */
export function distinct(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const p = randperm(n, { generator: new Generator(seed) });
  return new Tensor(Float32Array.from(p.data, (v) => v * 0.1 - 0.3), shape).requiresGrad_();
}

/** The gradcheck and argument-error `it`s of max (op 'max') or min (op 'min'). */
export function itChecksExtremum(op: 'max' | 'min', fn: Extremum): void {
  it('gradcheck: full reduction and along dims', () => {
    const x = distinct([3, 4], 1);
    gradcheck((t) => fn(t), [x], { eps: 1e-3 });
    gradcheck((t) => fn(t, 1), [x], { eps: 1e-3 });
    gradcheck((t) => fn(t, 0, true), [x], { eps: 1e-3 });
    gradcheck((t) => fn(t, -1), [distinct([2, 3, 4], 2)], { eps: 1e-3 });
  });

  it('errors name the op and the argument', () => {
    expect(() => fn(tensor([1, 2], { dtype: 'float32' }), 1)).toThrow(RangeError);
    expect(() => fn(tensor([1, 2], { dtype: 'float32' }), 1)).toThrow(`${op}: dim out of range (expected to be in range of [-1, 0], but got 1)`);
    expect(() => fn(tensor([1, 2], { dtype: 'float32' }), 0.5)).toThrow(TypeError);
    expect(() => fn(tensor([1, 2], { dtype: 'float32' }), 0.5)).toThrow(`${op}: expected dim to be an integer, got 0.5`);
    expect(() => fn(tensor([1, 2], { dtype: 'float32' }), 0, 1 as never)).toThrow(`${op}: expected keepdim to be a boolean`);
    expect(() => fn(new Tensor(new Float32Array(0), [0]))).toThrow(`${op}: expected reduction dim to be specified for input.numel() == 0`);
    expect(() => fn(new Tensor(new Float32Array(0), [2, 0]), 1)).toThrow(`${op}: expected reduction dim 1 to have non-zero size`);
    expect(() => fn([1] as never)).toThrow(`${op}: expected input to be a Tensor`);
  });
}
