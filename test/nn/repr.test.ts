import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { pyFloat } from '../../src/nn/repr.js';
import { nnFixture } from './nn-fixtures.js';

describe('module reprs match print(module) in PyTorch', () => {
  const r = nnFixture().reprs;
  it('nested containers with non-default options', () => {
    const m = new nn.Sequential(
      new nn.Sequential(new nn.Conv1d(2, 4, 3, { padding: 'same', groups: 2, bias: false, dilation: 2 })),
      new nn.BatchNorm1d(4, { momentum: null, affine: false }),
      new nn.Dropout(0.5),
    );
    expect(String(m)).toBe(r.nested);
  });

  it('floats print like Python', () => {
    expect(String(new nn.Dropout(1e-7))).toBe(r['Dropout(1e-7)']);
    expect(String(new nn.LeakyReLU(1.5e-5))).toBe(r['LeakyReLU(1.5e-5)']);
    expect(String(new nn.BatchNorm1d(8, { eps: 1e-3, trackRunningStats: false }))).toBe(r['BatchNorm1d eps 1e-3 no tracking']);
    expect(String(new nn.Conv1d(2, 2, 3, { padding: 'valid' }))).toBe(r['Conv1d valid']);
    expect([0.1, 1, 1e-5, 2.5e-7, 123.456, 1e16, 1e15, -0.25, 0].map(pyFloat)).toEqual(
      ['0.1', '1.0', '1e-05', '2.5e-07', '123.456', '1e+16', '1000000000000000.0', '-0.25', '0.0'],
    );
  });

  it('console.log shows the repr', async () => {
    const { inspect } = await import('node:util');
    expect(inspect(new nn.ReLU())).toBe('ReLU()');
  });
});
