/** RNN, LSTM and GRU against PyTorch (test/fixtures/seq.json, PyTorch-written .pth state dicts) on every backend. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { Tensor } from '../../src/tensor.js';
import { randn, zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { setBackend } from '../../src/backend/select.js';
import { packPaddedSequence, padPackedSequence } from '../../src/nn/utils/rnn.js';
import { testBackends } from '../helpers/backends.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { itMatchesPyTorchModule, seqFixture } from './nn-fixtures.js';
import '../../src/ops/methods.js';

type Kind = 'RNN' | 'LSTM' | 'GRU';
const CTORS = { RNN: nn.RNN, LSTM: nn.LSTM, GRU: nn.GRU };

/**
 * The module with its forward flattened as the fixture generator's: (x, ...states) -> [output, hN(, cN)];
 * with `lengths`, x is packed (unsorted) before and the output padded after.
 */
function flat(kind: Kind, args: any[]): nn.AnyModule {
  const [i, h, opts, lengths] = args as [number, number, nn.RnnOptions | undefined, number[] | undefined];
  const m = new CTORS[kind](i, h, opts ?? {}) as nn.RNNBase;
  const run = (m as any).forward.bind(m);
  (m as any).forward = (x: Tensor, ...states: Tensor[]) => {
    const hx = states.length === 0 ? undefined : kind === 'LSTM' ? states : states[0];
    const input = lengths ? packPaddedSequence(x, lengths, { batchFirst: opts?.batchFirst, enforceSorted: false }) : x;
    const [out, hN] = run(input, hx);
    const output = lengths ? padPackedSequence(out, { batchFirst: opts?.batchFirst })[0] : out;
    return [output, ...(Array.isArray(hN) ? hN : [hN])];
  };
  return m;
}

describe.each(testBackends())('recurrent layers vs PyTorch on $name', (backend) => {
  beforeAll(() => setBackend(backend.name));
  for (const kind of ['RNN', 'LSTM', 'GRU'] as Kind[]) {
    describe(kind, () => {
      itMatchesPyTorchModule(kind, (args) => flat(kind, args), { rtol: 1e-4, atol: 1e-5, fixture: seqFixture() });
      itMatchesPyTorchModule(`${kind} packed`, (args) => flat(kind, args), { rtol: 1e-4, atol: 1e-5, fixture: seqFixture() });
    });
  }
});

describe('recurrent layers', () => {
  beforeAll(() => setBackend('ref'));

  it('gradcheck through a bidirectional 2-layer LSTM and GRU, initial states included', () => {
    for (const Ctor of [nn.LSTM, nn.GRU, nn.RNN]) {
      const g = new Generator(21);
      const m = new Ctor(3, 2, { numLayers: 2, bidirectional: true, generator: g });
      const x = randn([3, 2, 3], { generator: g }).requiresGrad_();
      const h0 = randn([4, 2, 2], { generator: g }).requiresGrad_();
      const c0 = randn([4, 2, 2], { generator: g }).requiresGrad_();
      const w = m.parameters();
      const fn = (xx: Tensor, hh: Tensor, cc: Tensor, ..._ps: Tensor[]) => {
        const [out, hN] = (m as nn.LSTM).forward(xx, (Ctor === nn.LSTM ? [hh, cc] : hh) as never);
        return [out as Tensor, ...(Array.isArray(hN) ? hN : [hN as Tensor])];
      };
      gradcheck(fn, [x, h0, c0, ...w], { eps: 3e-3, rtol: 2e-2, atol: 2e-3 });
    }
  });

  it('full-length packed sequences (reshapes, no index copies) give the unpacked outputs and gradients', () => {
    for (const Ctor of [nn.LSTM, nn.GRU]) {
      for (const enforceSorted of [true, false]) {
        const g = new Generator(23);
        const m = new Ctor(5, 4, { numLayers: 2, bidirectional: true, batchFirst: true, generator: g });
        const x = randn([3, 6, 5], { generator: g });
        const run = (packed: boolean) => {
          m.zeroGrad();
          const xr = x.detach().requiresGrad_();
          const input = packed ? packPaddedSequence(xr, [6, 6, 6], { batchFirst: true, enforceSorted }) : xr;
          const [out, hN] = m.forward(input as never) as [Tensor | { data: Tensor }, Tensor | Tensor[]];
          const y = packed ? padPackedSequence(out as never, { batchFirst: true })[0] : (out as Tensor);
          const h = Array.isArray(hN) ? hN[0]! : hN;
          y.sum().add(h.mul(3).sum()).backward();
          return [y, h, xr.grad!, ...m.parameters().map((p) => p.grad!)].map((t) => Array.from(t.contiguous().data as Float32Array));
        };
        expect(run(true)).toEqual(run(false));
      }
    }
    // packPaddedSequence copies: the packed data never shares the caller's tensor
    const x = randn([4, 2, 3], { generator: new Generator(24) });
    const packed = packPaddedSequence(x, [4, 4]);
    const before = Array.from(packed.data.data as Float32Array);
    (x.data as Float32Array).fill(7);
    expect(Array.from(packed.data.data as Float32Array)).toEqual(before);
  });

  it('saved arrays outlive other layers\' steps until backward; a retained graph gives the same gradients twice', () => {
    // Large enough that the saved projections and states come from the gradient pool.
    for (const Ctor of [nn.LSTM, nn.GRU, nn.RNN]) {
      const g = new Generator(22);
      const make = () => new Ctor(16, 32, { generator: g });
      const m = make();
      const x = randn([12, 4, 16], { generator: g });
      const gradsOf = () => {
        m.zeroGrad();
        const [out] = m.forward(x) as [Tensor, unknown];
        out.sum().backward();
        return m.parameters().map((p) => Array.from(p.grad!.data as Float32Array));
      };
      const want = gradsOf();
      m.zeroGrad();
      const [out] = m.forward(x) as [Tensor, unknown];
      for (let i = 0; i < 2; i++) {
        // Steps of another layer of the same sizes recycle their own arrays; they must not take m's.
        const other = make();
        (other.forward(randn([12, 4, 16], { generator: g })) as [Tensor, unknown])[0].sum().backward();
      }
      out.sum().backward();
      expect(m.parameters().map((p) => Array.from(p.grad!.data as Float32Array))).toEqual(want);
      // A retained graph keeps its saved arrays through backward: a second backward after other steps agrees.
      m.zeroGrad();
      const [again] = m.forward(x) as [Tensor, unknown];
      again.sum().backward(undefined, { retainGraph: true });
      for (let i = 0; i < 2; i++) (make().forward(randn([12, 4, 16], { generator: g })) as [Tensor, unknown])[0].sum().backward();
      m.zeroGrad();
      again.sum().backward();
      expect(m.parameters().map((p) => Array.from(p.grad!.data as Float32Array))).toEqual(want);
    }
  });

  it('state dict keys, shapes and init are PyTorch\'s', () => {
    const m = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, bias: false });
    expect([...m.stateDict().keys()]).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse',
      'weight_ih_l1', 'weight_hh_l1', 'weight_ih_l1_reverse', 'weight_hh_l1_reverse',
    ]);
    expect([...m.stateDict().get('weight_ih_l1')!.shape]).toEqual([16, 8]);
    const g = new nn.GRU(2, 25);
    for (const p of g.parameters()) for (const v of p.data) expect(Math.abs(v)).toBeLessThanOrEqual(0.2);
    expect(String(new nn.RNN(3, 4, { nonlinearity: 'relu', numLayers: 2, dropout: 0.5, bidirectional: true, batchFirst: true, bias: false })))
      .toBe('RNN(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)');
  });

  it('dropout between layers acts in training mode only', () => {
    // p = 1 zeroes the first layer's output in training mode: the second layer, and so the output, no
    // longer depends on the input; in eval mode it does
    const m = new nn.GRU(3, 4, { numLayers: 2, dropout: 1 });
    const x1 = randn([5, 2, 3]);
    const x2 = randn([5, 2, 3]);
    const out = (x: Tensor) => Array.from(((m.forward(x)[0]) as Tensor).data);
    m.train();
    expect(out(x1)).toEqual(out(x2));
    m.eval();
    expect(out(x1)).not.toEqual(out(x2));
  });

  it('errors name the layer and say what was expected, in PyTorch\'s words', () => {
    const m = new nn.LSTM(3, 4);
    expect(() => m.forward(zeros([2, 3, 4, 5]))).toThrow(/^LSTM: Expected input to be 2-D or 3-D but received 4-D tensor$/);
    expect(() => m.forward(zeros([5, 2, 2]))).toThrow(/^LSTM: input.size\(-1\) must be equal to input_size. Expected 3, got 2$/);
    expect(() => m.forward(zeros([5, 2, 3]), [zeros([2, 2, 4]), zeros([1, 2, 4])])).toThrow(/^LSTM: Expected hidden\[0\] size \(1, 2, 4\), got \[2, 2, 4\]$/);
    expect(() => new nn.GRU(3, 4).forward(zeros([5, 2, 3]), zeros([1, 3, 4]))).toThrow(/^GRU: Expected hidden size \(1, 2, 4\), got \[1, 3, 4\]$/);
    expect(() => new nn.RNN(3, 4, { nonlinearity: 'sigmoid' as never })).toThrow(/^RNN: Unknown nonlinearity 'sigmoid', expected 'tanh' or 'relu'$/);
    expect(() => new nn.LSTM(3, 4, { dropout: 1.5 })).toThrow(/^LSTM: dropout should be a number in range \[0, 1\]/);
    expect(() => new nn.GRU(3, 0)).toThrow(/^GRU: expected hiddenSize >= 1, got 0$/);
  });
});
