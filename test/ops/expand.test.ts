import { describe, expect, it } from 'vitest';
import { expand, broadcastTo, expandAs } from '../../src/ops/expand.js';
import { randn, tensor, zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('expand / broadcastTo', () => {
  itMatchesPyTorch('expand', ([x], a) => expand(x, a.size));
  itMatchesPyTorch('broadcastTo', ([x], a) => broadcastTo(x, a.shape));

  it('gradcheck (sum-reduction gradient)', () => {
    const x = randn([3, 1], { generator: new Generator(25), requiresGrad: true });
    gradcheck((v) => expand(v, 2, 3, 4), [x]);
    gradcheck((v) => broadcastTo(v, [3, 5]), [x]);
    gradcheck((v) => expandAs(v, zeros([2, 3, 2])), [x]);
  });

  it('method forms, varargs or array, -1 keeps a dim', () => {
    const x = tensor([[1], [2]], { dtype: 'float32' });
    expect(x.expand(2, 3).toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(x.expand([-1, 2]).shape).toEqual([2, 2]);
    expect(x.broadcastTo([3, 2, 1]).shape).toEqual([3, 2, 1]);
    expect(x.expandAs(zeros([2, 4])).shape).toEqual([2, 4]);
  });

  it('errors name the op and the argument', () => {
    const x = randn([2, 1]);
    expect(() => expand(x, 3, 3)).toThrow(RangeError);
    expect(() => expand(x, 3, 3)).toThrow(/expand: the expanded size of the tensor \(3\) must match the existing size \(2\) at non-singleton dimension 0/);
    expect(() => expand(x, 2)).toThrow(/expand: the number of sizes provided \(1\) must be greater or equal to the number of dimensions in the input \(2, 1\) \(2\)/);
    expect(() => expand(x, -1, 2, 1)).toThrow(/expand: the expanded size \(-1\) isn't allowed in a leading, non-existing dimension 0/);
    expect(() => expand(x, 2, 1.5)).toThrow(TypeError);
    expect(() => broadcastTo(x, [4, 3])).toThrow(/broadcastTo: the expanded size of the tensor \(4\) must match/);
    expect(() => broadcastTo(x, 3 as never)).toThrow(/broadcastTo: expected size to be an array of integers/);
    expect(() => expandAs(x, [2, 2] as never)).toThrow(/expandAs: expected other to be a Tensor/);
  });
});
