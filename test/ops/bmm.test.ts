/** bmm, and matmul's batch broadcasting on the bmm kernel, against PyTorch on every backend. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bmm } from '../../src/ops/bmm.js';
import { matmul } from '../../src/ops/matmul.js';
import { randn } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { getBackend, setBackend, type BackendName } from '../../src/backend/select.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { testBackends } from '../helpers/backends.js';
import { itMatchesPyTorchSeq } from '../nn/nn-fixtures.js';
import '../../src/ops/methods.js';

describe.each(testBackends().map((b) => [b.name] as const))('bmm and batched matmul on %s', (name) => {
  let prev: BackendName;
  beforeAll(() => {
    prev = getBackend().name as BackendName;
    setBackend(name as BackendName);
  });
  afterAll(() => setBackend(prev));

  itMatchesPyTorchSeq('bmm', ([a, b]) => bmm(a, b), { rtol: 1e-5, atol: 1e-5 });
  itMatchesPyTorchSeq('matmul', ([a, b]) => matmul(a, b), { rtol: 1e-5, atol: 1e-5 });
});

describe('bmm on the ref backend: kernel calls, gradcheck, errors', () => {
  let prev: BackendName;
  beforeAll(() => {
    prev = getBackend().name as BackendName;
    setBackend('ref');
  });
  afterAll(() => setBackend(prev));

  it('batched products reach the backend as one bmm call (chosen by the op layer, the same on every backend)', () => {
    const be = getBackend() as unknown as Record<string, unknown>;
    const calls: string[] = [];
    const spy = (k: string) => {
      const f = be[k] as (...a: unknown[]) => void;
      return (...a: unknown[]) => {
        calls.push(k);
        f(...a);
      };
    };
    const orig = { bmm: be.bmm, matmul: be.matmul };
    try {
      Object.assign(be, { bmm: spy('bmm'), matmul: spy('matmul') });
      randn([6, 3, 4]).bmm(randn([6, 4, 5]));
      expect(calls).toEqual(['bmm']);
      calls.length = 0;
      matmul(randn([6, 3, 4]), randn([4, 5])); // a shared right matrix: one (18, 4) @ (4, 5) product
      expect(calls).toEqual(['matmul']);
    } finally {
      Object.assign(be, orig);
    }
  });

  it('gradcheck', () => {
    const g = new Generator(12);
    const r = (...s: number[]) => randn(s, { generator: g, requiresGrad: true });
    gradcheck((a, b) => bmm(a, b), [r(3, 2, 4), r(3, 4, 3)]);
    gradcheck((a, b) => matmul(a, b), [r(2, 1, 3, 4), r(3, 4, 2)]);
    gradcheck((a, b) => matmul(a, b), [r(3, 4), r(2, 4, 2)]);
  });

  it('errors name the op and say what was expected', () => {
    expect(() => bmm(randn([2, 3]), randn([2, 3, 4]))).toThrow(/^bmm: batch1 must be a 3D tensor, got shape \(2, 3\)$/);
    expect(() => bmm(randn([2, 3, 4]), randn([3, 4, 4]))).toThrow(/^bmm: batch1 and batch2 must have same number of batches, got 2 and 3$/);
    expect(() => bmm(randn([2, 3, 4]), randn([2, 5, 4]))).toThrow(/^bmm: Expected size for first two dimensions of batch2 tensor to be: \[2, 4\] but got: \[2, 5\]$/);
  });
});
