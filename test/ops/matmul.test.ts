import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matmul } from '../../src/ops/matmul.js';
import { randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { getBackend, setBackend, type BackendName } from '../../src/backend/select.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import { testBackends } from '../helpers/backends.js';
import '../../src/ops/methods.js';

describe.each(testBackends().map((b) => [b.name, b] as const))('matmul on %s', (name) => {
  let prev: BackendName;
  beforeAll(() => {
    prev = getBackend().name as BackendName;
    setBackend(name as BackendName);
  });
  afterAll(() => setBackend(prev));

  itMatchesPyTorch('matmul', ([a, b]) => matmul(a, b), { rtol: 1e-5, atol: 1e-5 });

  it('method form', () => {
    expect(tensor([[1, 2], [3, 4]], { dtype: 'float32' }).matmul(tensor([1, 1], { dtype: 'float32' })).toArray()).toEqual([3, 7]);
  });
});

describe('matmul gradcheck (ref backend)', () => {
  let prev: BackendName;
  beforeAll(() => {
    prev = getBackend().name as BackendName;
    setBackend('ref');
  });
  afterAll(() => setBackend(prev));

  it('2-D, 1-D and batched broadcast shapes', () => {
    const g = new Generator(35);
    const r = (...s: number[]) => randn(s, { generator: g, requiresGrad: true });
    gradcheck((a, b) => matmul(a, b), [r(3, 4), r(4, 2)]);
    gradcheck((a, b) => matmul(a, b), [r(4), r(4)]);
    gradcheck((a, b) => matmul(a, b), [r(4), r(2, 4, 3)]);
    gradcheck((a, b) => matmul(a, b), [r(2, 3, 4), r(4)]);
    gradcheck((a, b) => matmul(a, b), [r(2, 1, 3, 4), r(5, 4, 2)]);
  });

  it('errors name the op and the argument', () => {
    expect(() => matmul(randn([2, 3]), randn([2, 3]))).toThrow(RangeError);
    expect(() => matmul(randn([2, 3]), randn([2, 3]))).toThrow(/matmul: mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)/);
    expect(() => matmul(tensor(1, { dtype: 'float32' }), randn([2]))).toThrow(/matmul: both arguments need at least 1 dimension, got 0D and 1D/);
    expect(() => matmul(randn([2, 2, 3]), randn([3, 3, 2]))).toThrow(/matmul: the size of tensor a \(2\) must match the size of tensor b \(3\)/);
    expect(() => matmul(tensor([1], { dtype: 'int64' }), randn([1]))).toThrow(TypeError);
    expect(() => matmul(tensor([1], { dtype: 'int64' }), randn([1]))).toThrow(/matmul: expected float32 tensors, got int64 and float32/);
    expect(() => matmul([1] as never, randn([1]))).toThrow(/matmul: expected two Tensors/);
  });
});
