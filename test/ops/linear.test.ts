import { beforeAll, describe, expect, it } from 'vitest';
import { linear, linearAs } from '../../src/ops/linear.js';
import { randn, zeros, ones } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { setBackend, getBackend } from '../../src/backend/select.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { testBackends } from '../helpers/backends.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';

describe.each(testBackends())('linear on $name', (backend) => {
  beforeAll(() => setBackend(backend.name));
  it('runs on the selected backend', () => {
    expect(getBackend().name).toBe(backend.name);
  });
  itMatchesPyTorchNn('linear', ([x, w, b]) => linear(x, w, b ?? null), { rtol: 1e-5, atol: 1e-5 });
});

describe('linear', () => {
  it('gradcheck (ref backend)', () => {
    setBackend('ref');
    const g = new Generator(17);
    const x = randn([4, 3], { generator: g }).requiresGrad_();
    const w = randn([2, 3], { generator: g }).requiresGrad_();
    const b = randn([2], { generator: g }).requiresGrad_();
    gradcheck((xx, ww, bb) => linear(xx, ww, bb), [x, w, b]);
    gradcheck((xx, ww) => linear(xx, ww), [randn([2, 2, 3], { generator: g }).requiresGrad_(), w]);
  });

  it('zero-size dims give zeros / the bias', () => {
    expect(linear(zeros([0, 3]), ones([2, 3])).shape).toEqual([0, 2]);
    expect(linear(zeros([2, 0]), zeros([3, 0]), ones([3])).toArray()).toEqual([[1, 1, 1], [1, 1, 1]]);
  });

  it('linearAs gives linear\'s rows in the leading dims asked for, as its own storage', () => {
    setBackend('ref');
    const g = new Generator(5);
    const x = randn([6, 3], { generator: g });
    const w = randn([2, 3], { generator: g });
    const b = randn([2], { generator: g });
    const y = linearAs(x, w, b, [2, 3]);
    expect(y.shape).toEqual([2, 3, 2]);
    expect(y.gradFn?.name ?? null).toBe(null);
    expect(Array.from(y.data)).toEqual(Array.from(linear(x, w, b).data));
    expect(linearAs(x, w, null, null).shape).toEqual([6, 2]);
    expect(() => linearAs(x, w, b, [4, 2])).toThrow(/^linear: expected output leading dims with 6 rows, got \(4, 2\)/);
  });

  it('errors name the op, the argument, expected and actual', () => {
    expect(() => linear(zeros([8, 32]), zeros([2, 64]))).toThrow(RangeError);
    expect(() => linear(zeros([8, 32]), zeros([2, 64]))).toThrow(/linear: expected input of shape \(\*, in_features=64\), got \(8, 32\)/);
    expect(() => linear(zeros([8, 64]), zeros([2, 64]), zeros([3]))).toThrow(/linear: expected bias of shape \(out_features=2,\), got \(3,\)/);
    expect(() => linear(zeros([8, 64]), zeros([64]))).toThrow(/linear: expected weight of shape \(out_features, in_features\), got \(64,\)/);
    expect(() => linear(zeros([2], { dtype: 'int64' }), zeros([1, 2]))).toThrow(TypeError);
  });
});
