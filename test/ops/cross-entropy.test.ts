import { describe, expect, it } from 'vitest';
import { crossEntropy } from '../../src/ops/cross-entropy.js';
import { logSoftmax } from '../../src/ops/log-softmax.js';
import { nllLoss } from '../../src/ops/nll-loss.js';
import { randn, rand, tensor, zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchNn } from '../nn/nn-fixtures.js';
import '../../src/ops/methods.js';

describe('crossEntropy', () => {
  itMatchesPyTorchNn('crossEntropy', (ins, a) =>
    crossEntropy(ins[0], ins[1], {
      weight: a.weight ? ins[2] : null, reduction: a.reduction, ignoreIndex: a.ignoreIndex, labelSmoothing: a.labelSmoothing,
    }),
  { rtol: 1e-5, atol: 1e-6 });

  it('gradcheck: indices with weight, ignoreIndex and smoothing; probability targets (both inputs)', () => {
    const g = new Generator(18);
    const x = randn([4, 3], { generator: g }).requiresGrad_();
    const y = tensor([0, 2, -100, 1], { dtype: 'int64' });
    const w = tensor([0.5, 1, 2]);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck((t) => crossEntropy(t, y, { weight: w, labelSmoothing: 0.2, reduction }), [x]);
    }
    const p = rand([4, 3], { generator: g }).requiresGrad_();
    gradcheck((t, q) => crossEntropy(t, q, { weight: w, labelSmoothing: 0.1 }), [x, p]);
    const xs = randn([2, 3, 4], { generator: g }).requiresGrad_();
    gradcheck((t) => crossEntropy(t, tensor([[0, 1, 2, 1], [2, 2, 0, 1]], { dtype: 'int64' })), [xs]);
  });

  it('equals nllLoss(logSoftmax) for index targets', () => {
    const x = randn([6, 4], { generator: new Generator(2) });
    const y = tensor([3, 0, 1, 1, 2, 0], { dtype: 'int64' });
    expect(crossEntropy(x, y).item()).toBeCloseTo(nllLoss(logSoftmax(x, 1), y).item(), 6);
  });

  it('errors name the op, the argument, expected and actual', () => {
    const x = zeros([3, 4]);
    expect(() => crossEntropy(x, tensor([0, 1, 7], { dtype: 'int64' }))).toThrow(RangeError);
    expect(() => crossEntropy(x, tensor([0, 1, 7], { dtype: 'int64' }))).toThrow(
      /crossEntropy: target 7 is out of bounds: expected 0 <= target < 4 \(the number of classes\) or ignoreIndex=-100/,
    );
    expect(() => crossEntropy(x, tensor([0, 1], { dtype: 'int64' }))).toThrow(/crossEntropy: expected target of shape \(3,\) for input of shape \(3, 4\), got \(2,\)/);
    expect(() => crossEntropy(x, tensor([0, 1, 2], { dtype: 'float32' }))).toThrow(TypeError);
    expect(() => crossEntropy(x, tensor([0, 1, 2], { dtype: 'float32' }))).toThrow(
      /crossEntropy: expected target of dtype int64 with shape \(3,\) \(class indices\) or float32 with the input's shape \(3, 4\) \(class probabilities\), got float32 of shape \(3,\)/,
    );
    expect(() => crossEntropy(x, zeros([3, 4], { dtype: 'int64' }))).toThrow(/crossEntropy: expected a float32 target for class probabilities/);
    expect(() => crossEntropy(x, zeros([3, 4]), { ignoreIndex: 1 })).toThrow(/crossEntropy: ignoreIndex is not supported for class-probability targets, got ignoreIndex=1/);
    expect(() => crossEntropy(x, tensor([0, 1, 2], { dtype: 'int64' }), { weight: zeros([3]) })).toThrow(
      /crossEntropy: expected weight of shape \(4,\) \(one per class\), got \(3,\)/,
    );
    expect(() => crossEntropy(x, tensor([0, 1, 2], { dtype: 'int64' }), { reduction: 'avg' as never })).toThrow(
      /crossEntropy: expected reduction to be 'none', 'mean' or 'sum', got 'avg'/,
    );
    expect(() => crossEntropy(x, tensor([0, 1, 2], { dtype: 'int64' }), { labelSmoothing: 1.5 })).toThrow(
      /crossEntropy: expected labelSmoothing to be between 0.0 and 1.0, got 1.5/,
    );
    expect(() => crossEntropy(zeros([]), tensor(0, { dtype: 'int64' }))).toThrow(/crossEntropy: expected input of shape \(C\), \(N, C\) or \(N, C, d1, ...\), got \(\)/);
  });

  it('the plain index path (no weight, no smoothing, classes last) equals the general path to the bit, ignored rows included', () => {
    const g = new Generator(23);
    // odd row and class counts; rows 1 and 4 ignored; 37 classes (above and below the kernels' SIMD widths)
    const x = randn([7, 37], { generator: g }).mul(4);
    const y = tensor([3, -100, 36, 0, -100, 17, 5], { dtype: 'int64' });
    const ones = tensor(Array.from({ length: 37 }, () => 1), { dtype: 'float32' }); // a weight of 1 takes the general path
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const run = (weight: typeof ones | null) => {
        const xi = x.detach().requiresGrad_();
        const loss = crossEntropy(xi, y, { weight, reduction });
        (reduction === 'none' ? loss.mul(tensor([1, 2, 3, 4, 5, 6, 7], { dtype: 'float32' })).sum() : loss).backward();
        return [Array.from(loss.data as Float32Array), Array.from(xi.grad!.data as Float32Array)];
      };
      expect(run(null)).toEqual(run(ones));
    }
    // every row ignored: 'mean' is NaN, the gradient zeros, on both paths
    const none = tensor([-100, -100], { dtype: 'int64' });
    const xa = x.narrow(0, 0, 2).detach().requiresGrad_();
    const la = crossEntropy(xa, none);
    la.backward();
    expect(Number.isNaN(la.item())).toBe(true);
    expect(Array.from(xa.grad!.data as Float32Array).every((v) => v === 0)).toBe(true);
  });
});
