import { describe, expect, it } from 'vitest';
import { gather } from '../../src/ops/gather.js';
import { randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

const long = (v: number[][] | number[][][]) => tensor(v, { dtype: 'int64' });

describe('gather', () => {
  itMatchesPyTorch('gather', ([x, i], a) => gather(x, a.dim, i));

  it('gradcheck', () => {
    const x = randn([3, 4], { generator: new Generator(22), requiresGrad: true });
    gradcheck((v) => gather(v, 1, long([[0, 3, 3], [1, 1, 0], [2, 0, 1]])), [x]);
    gradcheck((v) => gather(v, 0, long([[2, 0], [2, 2]])), [x]);
  });

  it('method form', () => {
    expect(tensor([[1, 2], [3, 4]], { dtype: 'float32' }).gather(1, long([[0, 0], [1, 0]])).toArray()).toEqual([[1, 1], [4, 3]]);
  });

  it('errors name the op and the argument', () => {
    const x = randn([3, 2]);
    expect(() => gather(x, 0, long([[3]]))).toThrow(RangeError);
    expect(() => gather(x, 0, long([[3]]))).toThrow(/gather: index 3 is out of bounds for dimension 0 with size 3/);
    expect(() => gather(x, 0, long([[-1]]))).toThrow(/gather: index -1 is out of bounds/);
    expect(() => gather(x, 0, tensor([1], { dtype: 'int64' }))).toThrow(/gather: index \(1,\) must have the same number of dimensions as input \(3, 2\)/);
    expect(() => gather(x, 1, long([[0], [0], [0], [0]]))).toThrow(/gather: size does not match at dimension 0/);
    expect(() => gather(x, 1, tensor([[0]], { dtype: 'float32' }))).toThrow(TypeError);
    expect(() => gather(x, 1, tensor([[0]], { dtype: 'float32' }))).toThrow(/gather: expected index of dtype int64, got float32/);
    expect(() => gather(x, 2, long([[0]]))).toThrow(/gather: dim out of range/);
  });
});
