import { describe, expect, it } from 'vitest';
import { clone } from '../../src/ops/clone.js';
import { randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorch } from '../helpers/op-fixtures.js';
import '../../src/ops/methods.js';

describe('clone', () => {
  itMatchesPyTorch('clone', ([x]) => clone(x));

  it('gradcheck', () => {
    gradcheck((v) => clone(v).mul(v), [randn([2, 3], { generator: new Generator(24), requiresGrad: true })]);
  });

  it('owns its storage and stays in the graph', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = x.clone();
    expect(y.data).not.toBe(x.data);
    y.data[0] = 9;
    expect(x.data[0]).toBe(1);
    expect(y.gradFn?.name).toBe('CloneBackward0');
    expect(tensor([true]).clone().dtype).toBe('bool');
  });

  it('errors name the op and the argument', () => {
    expect(() => clone({} as never)).toThrow(/clone: expected input to be a Tensor, got an object$/);
  });
});
