import { describe, expect, it } from 'vitest';
import { groupNorm } from '../../src/ops/group-norm.js';
import { tensor, randn, zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchSeq } from '../nn/nn-fixtures.js';

describe('groupNorm', () => {
  itMatchesPyTorchSeq('groupNorm', ([x, w, b], a) => groupNorm(x, a.numGroups, { weight: w, bias: b, eps: a.eps }), { rtol: 1e-5, atol: 1e-5 });

  it('gradcheck, 2 groups of 2 channels over 3 positions', () => {
    const g = new Generator(4);
    const x = randn([2, 4, 3], { generator: g }).requiresGrad_();
    const w = randn([4], { generator: g }).requiresGrad_();
    const b = randn([4], { generator: g }).requiresGrad_();
    gradcheck((a, ww, bb) => groupNorm(a, 2, { weight: ww, bias: bb }), [x, w, b], { eps: 1e-3 });
  });

  it('errors name the op and say what was expected', () => {
    expect(() => groupNorm(zeros([2, 6, 4]), 4)).toThrow(/^groupNorm: Expected number of channels in input to be divisible by num_groups, but got input of shape \[2, 6, 4\] and num_groups=4$/);
    expect(() => groupNorm(zeros([2, 6]), 0)).toThrow(/^groupNorm: expected numGroups >= 1, got 0$/);
    expect(() => groupNorm(tensor([1, 2], { dtype: 'float32' }), 1)).toThrow(/^groupNorm: expected input of shape \(N, C, \*\), got \(2,\)$/);
    expect(() => groupNorm(zeros([2, 4]), 2, { bias: zeros([2]) })).toThrow(/^groupNorm: expected bias of shape \(4,\), got \(2,\)$/);
  });
});
