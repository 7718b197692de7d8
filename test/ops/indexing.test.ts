import { describe, expect, it } from 'vitest';
import { index, newaxis, type IndexLike } from '../../src/ops/indexing.js';
import { Tensor } from '../../src/tensor.js';
import { loadFixture } from '../helpers/fixtures.js';
import { randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('index', () => {
  itMatchesPyTorch('index', ([x, i]) => index(x, i));

  it('gradcheck: int rows with repeats, 2-D index, bool mask', () => {
    const x = randn([4, 3], { generator: new Generator(20), requiresGrad: true });
    gradcheck((v) => index(v, tensor([0, -1, 2, 0], { dtype: 'int64' })), [x]);
    gradcheck((v) => index(v, [[1, 1], [3, 0]]), [x]);
    gradcheck((v) => index(v, tensor([true, false, true, true])), [x]);
    gradcheck((v) => index(v, [[true, false, true], [false, false, false], [true, true, true], [false, true, false]]), [x]);
  });

  it('accepts arrays and a number (select), as a method', () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float32' });
    expect(x.index([2, 0]).toArray()).toEqual([[5, 6], [1, 2]]);
    expect(x.index(-1).toArray()).toEqual([5, 6]);
    expect(x.index([true, false, true]).toArray()).toEqual([[1, 2], [5, 6]]);
  });

  it('repeated rows accumulate gradient', () => {
    const x = tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
    x.index([0, 0, 2, 0]).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([3, 0, 1]);
  });

  it('errors name the op and the argument', () => {
    const x = randn([3, 2]);
    expect(() => index(x, [3])).toThrow(RangeError);
    expect(() => index(x, [3])).toThrow(/index: index 3 is out of bounds for dimension 0 with size 3/);
    expect(() => index(x, [-4])).toThrow(/index: index -4 is out of bounds/);
    expect(() => index(x, tensor([0], { dtype: 'float32' }))).toThrow(TypeError);
    expect(() => index(x, tensor([0], { dtype: 'float32' }))).toThrow(/index: dim 0: tensors used as indices must be int64 or bool, got float32/);
    expect(() => index(x, [0.5])).toThrow(/index: dim 0: index arrays must hold integers or booleans/);
    expect(() => index(x, tensor([true, false]))).toThrow(/index: the shape of the mask \(2,\) at index 0 does not match the shape of the indexed tensor \(3, 2\)/);
    expect(() => index(x, 'a' as never)).toThrow(/index: index 0: expected a number, a range \{start, stop, step\}, null, newaxis, '...', or an int64\/bool tensor or array, got 'a'$/);
    expect(() => index(tensor(1, { dtype: 'float32' }), [0])).toThrow(/index: too many indices for tensor of dimension 0/);
    expect(() => index(null as never, [0])).toThrow(/index: expected input to be a Tensor/);
  });
});

describe('index: multi-dimensional (PyTorch fixtures)', () => {
  const { cases } = loadFixture('index.json');
  const entry = (e: any): IndexLike => {
    if ('int' in e) return e.int;
    if ('range' in e) return { start: e.range[0], stop: e.range[1], step: e.range[2] };
    if ('all' in e) return null;
    if ('newaxis' in e) return newaxis;
    if ('ellipsis' in e) return '...';
    return e.dtype === 'bool'
      ? new Tensor(Uint8Array.from(e.tensor, Number), e.shape, 'bool')
      : new Tensor(Float64Array.from(e.tensor), e.shape, 'int64');
  };
  const named: [string, any][] = cases.map((c: any) => [c.name, c]);
  it.each(named)('%s', (_n, c) => {
    const x = new Tensor(Float32Array.from(c.x.values), c.x.shape).requiresGrad_();
    const y = x.index(...c.index.map(entry));
    expect(y.shape).toEqual(c.out.shape);
    expect(Array.from(y.data)).toEqual(Array.from(Float32Array.from(c.out.values)));
    y.mul(new Tensor(Float32Array.from(c.gy), c.out.shape)).sum().backward();
    const want = Float32Array.from(c.gx);
    x.grad!.data.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });

  it('slice is the same op; errors name the dim', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' });
    expect(x.slice(null, { start: 1 }).toArray()).toEqual([[2, 3], [5, 6]]);
    expect(() => x.index(0, 0, 0)).toThrow('index: too many indices for tensor of dimension 2');
    expect(() => x.index(null, 3)).toThrow('index: index 3 is out of bounds for dimension 1 with size 3');
    expect(() => x.index(null, { step: 0 })).toThrow('index: dim 1: step must be greater than zero, got 0');
    expect(() => x.index(null, { start: 0.5 })).toThrow(/^index: dim 1: range start must be an integer or null, got 0.5/);
    expect(() => x.index(null, { begin: 1 } as any)).toThrow("index: dim 1: a range has start, stop and step, got 'begin'");
    expect(() => x.index('...', '...')).toThrow("index: an index can only have a single ellipsis ('...')");
    expect(() => x.index([0, 1], null, [[0], [1], [2]])).toThrow(/too many indices/);
    expect(() => x.index([0, 1], [0, 1, 2])).toThrow(/shape mismatch: indexing tensors could not be broadcast together with shapes \(2,\), \(3,\)/);
    expect(() => x.index(null, 'x' as any)).toThrow(/^index: index 1: expected a number/);
  });
});
