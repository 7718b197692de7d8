import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { randn, zeros } from '../../src/creation.js';

describe('nn.Flatten', () => {
  it('flattens startDim..endDim as a view', () => {
    const x = randn([2, 3, 4]);
    const y = new nn.Flatten().call(x);
    expect(y.shape).toEqual([2, 12]);
    expect(y.data).toBe(x.data);
    expect(new nn.Flatten(0, 1).call(x).shape).toEqual([6, 4]);
  });

  it('errors name the layer or op', () => {
    expect(() => new nn.Flatten(0.5)).toThrow(/Flatten: expected integer startDim and endDim, got 0.5 and -1/);
    expect(() => new nn.Flatten(2, 1).call(zeros([2, 3, 4]))).toThrow(/flatten: startDim \(2\) cannot come after endDim \(1\)/);
  });
});
