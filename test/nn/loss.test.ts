import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { randn, tensor } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { crossEntropy } from '../../src/ops/cross-entropy.js';

describe('loss modules', () => {
  it('class weights are buffers, so they appear in the state dict like PyTorch', () => {
    const w = tensor([1, 2], { dtype: 'float32' });
    expect([...new nn.CrossEntropyLoss({ weight: w }).stateDict().keys()]).toEqual(['weight']);
    expect([...new nn.CrossEntropyLoss().stateDict().keys()]).toEqual([]);
    expect([...new nn.BCEWithLogitsLoss({ weight: w, posWeight: w }).stateDict().keys()]).toEqual(['weight', 'pos_weight']);
    expect(String(new nn.CrossEntropyLoss({ weight: w }))).toBe('CrossEntropyLoss()');
  });

  it('forward equals the functional form with the same options', () => {
    const x = randn([4, 3], { generator: new Generator(1) });
    const y = tensor([0, 2, 1, 1], { dtype: 'int64' });
    const m = new nn.CrossEntropyLoss({ weight: tensor([1, 2, 3], { dtype: 'float32' }), labelSmoothing: 0.1, reduction: 'sum', ignoreIndex: 2 });
    expect(m.call(x, y).item()).toBe(crossEntropy(x, y, { weight: tensor([1, 2, 3], { dtype: 'float32' }), labelSmoothing: 0.1, reduction: 'sum', ignoreIndex: 2 }).item());
  });

  it('errors name the module and the argument', () => {
    expect(() => new nn.MSELoss({ reduction: 'avg' as never })).toThrow(/MSELoss: expected reduction to be 'none', 'mean' or 'sum', got 'avg'/);
    expect(() => new nn.NLLLoss({ weight: [1, 2] as never })).toThrow(/NLLLoss: expected weight to be a Tensor or null, got an array$/);
  });
});
