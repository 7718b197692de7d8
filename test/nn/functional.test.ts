import { describe, expect, it } from 'vitest';
import { nn, relu, softmax, logSoftmax, sigmoid, tanh, cat, tensor } from '../../src/index.js';

describe('nn.functional and the public exports', () => {
  it('re-exports the functional ops under their camelCase PyTorch names', () => {
    const F = nn.functional;
    expect(F.relu).toBe(relu);
    expect(F.softmax).toBe(softmax);
    expect(F.logSoftmax).toBe(logSoftmax);
    expect(F.binaryCrossEntropy).toBe(F.bceLoss);
    expect(F.binaryCrossEntropyWithLogits).toBe(F.bceWithLogitsLoss);
    for (const name of ['leakyRelu', 'gelu', 'linear', 'conv1d', 'maxPool1d', 'avgPool1d', 'adaptiveAvgPool1d', 'adaptiveMaxPool1d',
      'batchNorm', 'dropout', 'crossEntropy', 'nllLoss', 'mseLoss', 'l1Loss', 'oneHot', 'flatten']) {
      expect(typeof (F as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('tensor methods: relu, sigmoid, tanh, softmax, logSoftmax', () => {
    const x = tensor([[-1, 1]], { dtype: 'float32' });
    expect(x.relu().toArray()).toEqual([[0, 1]]);
    expect(Array.from(x.sigmoid().data)).toEqual(Array.from(sigmoid(x).data));
    expect(Array.from(x.tanh().data)).toEqual(Array.from(tanh(x).data));
    expect(Array.from(x.softmax(1).data)).toEqual(Array.from(softmax(x, 1).data));
    expect(Array.from(x.logSoftmax(-1).data)).toEqual(Array.from(logSoftmax(x, -1).data));
    expect(cat([x, x], 0).shape).toEqual([2, 2]);
  });
});
