/** Every layer and loss module against PyTorch (test/fixtures/nn.json), on every backend. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { setBackend, getBackend } from '../../src/backend/select.js';
import { testBackends } from '../helpers/backends.js';
import { itMatchesPyTorchModule } from './nn-fixtures.js';

type Ctor = new (...args: any[]) => nn.AnyModule;

const KINDS: Record<string, Ctor> = {
  Linear: nn.Linear,
  Conv1d: nn.Conv1d,
  BatchNorm1d: nn.BatchNorm1d,
  ReLU: nn.ReLU,
  LeakyReLU: nn.LeakyReLU,
  GELU: nn.GELU,
  Sigmoid: nn.Sigmoid,
  Tanh: nn.Tanh,
  Softmax: nn.Softmax,
  LogSoftmax: nn.LogSoftmax,
  MaxPool1d: nn.MaxPool1d,
  AvgPool1d: nn.AvgPool1d,
  AdaptiveAvgPool1d: nn.AdaptiveAvgPool1d,
  AdaptiveMaxPool1d: nn.AdaptiveMaxPool1d,
  Dropout: nn.Dropout,
  Flatten: nn.Flatten,
  Identity: nn.Identity,
  CrossEntropyLoss: nn.CrossEntropyLoss,
  NLLLoss: nn.NLLLoss,
  MSELoss: nn.MSELoss,
  L1Loss: nn.L1Loss,
  BCELoss: nn.BCELoss,
  BCEWithLogitsLoss: nn.BCEWithLogitsLoss,
};

describe.each(testBackends())('nn layers vs PyTorch on $name', (backend) => {
  beforeAll(() => setBackend(backend.name));
  it('runs on the selected backend', () => {
    expect(getBackend().name).toBe(backend.name);
  });
  for (const [kind, Ctor] of Object.entries(KINDS)) {
    describe(kind, () => {
      itMatchesPyTorchModule(kind, (args) => new Ctor(...args), { rtol: 1e-5, atol: 1e-5 });
    });
  }
  describe('Sequential', () => {
    itMatchesPyTorchModule('Sequential', () => new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2)), { rtol: 1e-5, atol: 1e-5 });
  });
});
