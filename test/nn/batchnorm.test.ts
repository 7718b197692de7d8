import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { randn, tensor, zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';

describe('nn.BatchNorm1d', () => {
  it('registers weight, bias and the three buffers under PyTorch names', () => {
    const bn = new nn.BatchNorm1d(3);
    expect([...bn.stateDict().keys()]).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(bn.numBatchesTracked!.dtype).toBe('int64');
    expect(bn.numBatchesTracked!.shape).toEqual([]);
    expect(bn.runningMean).toBe(bn.getBuffer('running_mean'));
    expect((bn as any).running_var).toBe(bn.runningVar);
    const plain = new nn.BatchNorm1d(3, { affine: false, trackRunningStats: false });
    expect([...plain.stateDict().keys()]).toEqual([]);
    expect(plain.weight).toBeNull();
    expect(plain.runningMean).toBeNull();
  });

  it('counts training batches; eval leaves the buffers alone; resetRunningStats restores defaults', () => {
    const bn = new nn.BatchNorm1d(2);
    const x = randn([4, 2, 3], { generator: new Generator(1) });
    bn.call(x);
    bn.call(x);
    expect(bn.numBatchesTracked!.item()).toBe(2);
    const rm = Array.from(bn.runningMean!.data);
    bn.eval().call(x);
    expect(Array.from(bn.runningMean!.data)).toEqual(rm);
    expect(bn.numBatchesTracked!.item()).toBe(2);
    bn.resetRunningStats();
    expect(Array.from(bn.runningVar!.data)).toEqual([1, 1]);
    expect(bn.numBatchesTracked!.item()).toBe(0);
  });

  it('momentum null is a cumulative average: after k batches the running mean is their mean', () => {
    const bn = new nn.BatchNorm1d(1, { momentum: null });
    bn.call(tensor([[1], [3]], { dtype: 'float32' }));
    bn.call(tensor([[5], [7]], { dtype: 'float32' }));
    bn.call(tensor([[0], [0]], { dtype: 'float32' }));
    expect(bn.runningMean!.item()).toBeCloseTo((2 + 6 + 0) / 3, 6);
  });

  it('a failed training call does not count as a batch', () => {
    const bn = new nn.BatchNorm1d(3);
    expect(() => bn.call(zeros([1, 3]))).toThrow(/batchNorm: expected more than 1 value per channel when training, got input of shape \(1, 3\)/);
    expect(bn.numBatchesTracked!.item()).toBe(0);
  });

  it('errors name the layer, the argument, expected and actual', () => {
    const bn = new nn.BatchNorm1d(3);
    expect(() => bn.call(zeros([2, 3, 4, 5]))).toThrow(/BatchNorm1d: expected 2D or 3D input \(got 4D input of shape \(2, 3, 4, 5\)\)/);
    expect(() => bn.call(zeros([2, 4, 5]))).toThrow('BatchNorm1d: expected input of shape (N, C=3) or (N, C=3, L), got (2, 4, 5)');
    expect(() => new nn.BatchNorm1d(-1)).toThrow(/BatchNorm1d: expected numFeatures to be a non-negative integer, got -1/);
  });
});
