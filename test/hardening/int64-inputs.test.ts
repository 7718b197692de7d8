/**
 * Every fuzzed export with an int64 input (test/helpers/int64-survey.ts): it accepts int64 and computes
 * what it computes on the float32 copy of that input, or refuses with a clear error naming the op and the
 * dtype. Never an engine error or a silently different result. ACCEPTS is the survey's list of exports
 * that accept int64 (the others refuse it, or take no tensor input); a change to it is a change to the API.
 */
import { describe, expect, it } from 'vitest';
import { SPECS } from '../helpers/fuzz-ops.js';
import { int64Case } from '../helpers/int64-survey.js';

const ACCEPTS = [
  'zerosLike',
  'onesLike',
  'fullLike',
  'abs',
  'exp',
  'log',
  'sqrt',
  'neg',
  'relu',
  'sigmoid',
  'tanh',
  'clone',
  'clamp',
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'where',
  'toDtype',
  'sum',
  'max',
  'min',
  'argmax',
  'argmin',
  'reshape',
  'flatten',
  'squeeze',
  'unsqueeze',
  'transpose',
  't',
  'permute',
  'expand',
  'broadcastTo',
  'expandAs',
  'split',
  'chunk',
  'narrow',
  'select',
  'index',
  'indexSelect',
  'gather',
  'nn.functional.relu',
  'nn.functional.sigmoid',
  'nn.functional.tanh',
  'nn.functional.flatten',
  'nn.functional.dropout',
  'nn.ReLU',
  'nn.Sigmoid',
  'nn.Tanh',
  'nn.Identity',
  'nn.Flatten',
  'nn.Dropout',
  'nn.init.calculateFanInAndFanOut',
  'nn.init.constant_',
  'nn.init.ones_',
  'nn.init.zeros_',
  'data.TensorDataset',
  'slice',
  'nn.functional.dropout2d',
  'view',
  'contiguous',
  'clamp_',
  'zero_',
  'fill_',
  'copy_',
];

const SEEDS = [1, 2, 3];

describe('int64 inputs: accepted and computed as on float32, or refused clearly', () => {
  it.each(Object.keys(SPECS))('%s', (path) => {
    let accepts = false;
    for (const seed of SEEDS) {
      const { outcome, detail } = int64Case(path, seed);
      expect(['accepts', 'refuses', 'no tensor input'], `${path} (seed ${seed}): ${outcome}: ${detail}`).toContain(outcome);
      if (outcome === 'accepts') accepts = true;
    }
    expect(accepts, `${path}: ${accepts ? 'now accepts' : 'no longer accepts'} int64: update ACCEPTS`).toBe(ACCEPTS.includes(path));
  });
});
