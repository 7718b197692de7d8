/**
 * Recurrent layers (torch.nn.modules.rnn): RNN, LSTM and GRU, with numLayers, bias, batchFirst, dropout
 * between layers, bidirectional, optional initial states and packed sequences. Parameter names, shapes,
 * order and initialisation are PyTorch's (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, then the
 * `_reverse` ones, layer by layer; all U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize))), so state dicts move
 * both ways.
 */
import { optionsArg } from '../ops/args.js';
import { Tensor } from '../tensor.js';
import { empty, zeros } from '../creation.js';
import { rnnLayer } from '../ops/rnn-layer.js';
import { gateCount, type RnnMode } from '../ops/rnn-cells.js';
import { cat } from '../ops/cat.js';
import { stack } from '../ops/stack.js';
import { narrow } from '../ops/narrow.js';
import { select } from '../ops/select.js';
import { transpose } from '../ops/transpose.js';
import { squeeze, unsqueeze } from '../ops/reshape.js';
import { dropout } from '../ops/dropout.js';
import { boolArg, intArg } from '../ops/args.js';
import { defaultGenerator, type Generator } from '../util/generator.js';
import { describeValue } from '../util/describe.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { uniform_ } from './init.js';
import { pyBool, pyFloat } from './repr.js';
import { PackedSequence } from './utils/rnn.js';

/** Options of `nn.RNN`, `nn.LSTM` and `nn.GRU`: numLayers, bias, batchFirst, dropout and bidirectional, as in PyTorch. */
export interface RnnOptions {
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** Use bias_ih and bias_hh (default true). */
  bias?: boolean;
  /** Input and output are (batch, seq, feature) instead of (seq, batch, feature) (default false). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** Also run each layer from the end to the start and concatenate both outputs (default false). */
  bidirectional?: boolean;
  /** Random source for the initialisation and the dropout masks (default the global generator). */
  generator?: Generator;
}

/** What the recurrent layers return besides the output: hN, or [hN, cN] for LSTM. */
export type RnnState = Tensor | [Tensor, Tensor];

/**
 * The shared body of RNN, LSTM and GRU. Shapes: input (L, N, inputSize), or (N, L, inputSize) with
 * batchFirst, or unbatched (L, inputSize), or a PackedSequence; states (numLayers * numDirections, N,
 * hiddenSize), or (numLayers * numDirections, hiddenSize) for unbatched input; output (L, N, numDirections
 * * hiddenSize) (batch first with batchFirst; a PackedSequence for a PackedSequence input).
 */
export abstract class RNNBase<S extends RnnState = RnnState> extends Module<[Tensor | PackedSequence, (S | null)?], [Tensor | PackedSequence, S]> {
  readonly mode: RnnMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  dropout: number;
  readonly bidirectional: boolean;
  /** Source of the dropout masks. */
  generator: Generator;

  constructor(cls: string, mode: RnnMode, inputSize: number, hiddenSize: number, opts: RnnOptions) {
    super();
    this.mode = mode;
    this.inputSize = intArg(cls, 'inputSize', inputSize, 0);
    this.hiddenSize = intArg(cls, 'hiddenSize', hiddenSize, 1);
    this.numLayers = intArg(cls, 'numLayers', opts.numLayers ?? 1, 1);
    this.bias = boolArg(cls, 'bias', opts.bias ?? true);
    this.batchFirst = boolArg(cls, 'batchFirst', opts.batchFirst ?? false);
    this.bidirectional = boolArg(cls, 'bidirectional', opts.bidirectional ?? false);
    const p = opts.dropout ?? 0;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new RangeError(`${cls}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got ${describeValue(p)}`);
    }
    this.dropout = p;
    this.generator = opts.generator ?? defaultGenerator;
    const gates = gateCount(mode) * hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    for (let l = 0; l < this.numLayers; l++) {
      const layerIn = l === 0 ? inputSize : hiddenSize * dirs;
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        this.registerParameter(`weight_ih${sfx}`, new Parameter(empty([gates, layerIn])));
        this.registerParameter(`weight_hh${sfx}`, new Parameter(empty([gates, hiddenSize])));
        if (this.bias) {
          this.registerParameter(`bias_ih${sfx}`, new Parameter(empty([gates])));
          this.registerParameter(`bias_hh${sfx}`, new Parameter(empty([gates])));
        }
      }
    }
    this.resetParameters(opts.generator);
  }

  /** PyTorch's reset_parameters: every parameter U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)), in order. */
  resetParameters(generator?: Generator): void {
    const stdv = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -stdv, stdv, generator);
  }

  /** The class name for error messages. */
  private get cls(): string {
    return this.constructor.name;
  }

  /** Checks a state's shape against (numLayers * numDirections, N, hiddenSize) (N dropped when unbatched). */
  private checkState(t: unknown, want: number[], what: string): Tensor {
    if (!(t instanceof Tensor)) throw new TypeError(`${this.cls}: expected ${what} to be a Tensor, got ${describeValue(t)}`);
    if (t.dtype !== 'float32') throw new TypeError(`${this.cls}: expected ${what} to be float32, got ${t.dtype}`);
    if (t.ndim !== want.length || t.shape.some((d, i) => d !== want[i])) {
      throw new RangeError(`${this.cls}: Expected ${what} size (${want.join(', ')}), got [${t.shape.join(', ')}]`);
    }
    return t;
  }

  /** Runs the stack on x (T, B, inputSize) with states (L * D, B, H), or none: [output (T, B, D * H), hN, cN | null]. */
  private runLayers(x: Tensor, h0: Tensor | null, c0: Tensor | null, batchSizes: readonly number[] | null): [Tensor, Tensor, Tensor | null] {
    const [T, B] = x.shape;
    const H = this.hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    const lstm = this.mode === 'LSTM';
    const params = this._parameters as Map<string, Parameter | null>;
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    let layerIn = x;
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const idx = l * dirs + d;
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const hi = h0 ? select(h0, 0, idx) : zeros([B, H]);
        const ci = lstm ? (c0 ? select(c0, 0, idx) : zeros([B, H])) : null;
        const all = rnnLayer(
          this.mode, layerIn, hi, ci, params.get(`weight_ih${sfx}`)!, params.get(`weight_hh${sfx}`)!,
          params.get(`bias_ih${sfx}`) ?? null, params.get(`bias_hh${sfx}`) ?? null, { reverse: d === 1, batchSizes },
        );
        outs.push(narrow(all, 0, 0, T));
        hN.push(select(all, 0, T));
        if (lstm) cN.push(select(all, 0, T + 1));
      }
      layerIn = dirs === 2 ? cat(outs, 2) : outs[0];
      if (this.dropout > 0 && this.training && l < this.numLayers - 1) layerIn = dropout(layerIn, this.dropout, true, this.generator);
    }
    return [layerIn, stack(hN, 0), lstm ? stack(cN, 0) : null];
  }

  /** The forward of all three: input handling, state checks, and the tuple PyTorch returns. */
  protected run(input: Tensor | PackedSequence, hx: RnnState | null | undefined): [Tensor | PackedSequence, RnnState] {
    const cls = this.cls;
    const lstm = this.mode === 'LSTM';
    const packed = input instanceof PackedSequence ? input : null;
    if (!packed && !(input instanceof Tensor)) throw new TypeError(`${cls}: expected input to be a Tensor or a PackedSequence, got ${describeValue(input)}`);
    let x = packed ? packed.toPadded() : (input as Tensor);
    if (x.dtype !== 'float32') throw new TypeError(`${cls}: expected a float32 input, got ${x.dtype}`);
    if (x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`${cls}: Expected input to be 2-D or 3-D but received ${x.ndim}-D tensor`);
    if (x.shape[x.ndim - 1] !== this.inputSize) {
      throw new RangeError(`${cls}: input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x.shape[x.ndim - 1]}`);
    }
    const unbatched = !packed && x.ndim === 2;
    if (unbatched) x = unsqueeze(x, 1);
    else if (this.batchFirst && !packed) x = transpose(x, 0, 1);
    const B = x.shape[1];
    const layers = this.numLayers * (this.bidirectional ? 2 : 1);
    const want = unbatched ? [layers, this.hiddenSize] : [layers, B, this.hiddenSize];
    let h0: Tensor | null = null;
    let c0: Tensor | null = null;
    if (hx !== undefined && hx !== null) {
      if (lstm) {
        if (!Array.isArray(hx) || hx.length !== 2) throw new TypeError(`${cls}: expected hx to be [h0, c0], got ${describeValue(hx)}`);
        h0 = this.checkState(hx[0], want, 'hidden[0]');
        c0 = this.checkState(hx[1], want, 'hidden[1]');
      } else {
        h0 = this.checkState(hx, want, 'hidden');
      }
      if (packed) {
        h0 = packed.permuteState(h0);
        if (c0) c0 = packed.permuteState(c0);
      }
      if (unbatched) {
        h0 = unsqueeze(h0, 1);
        if (c0) c0 = unsqueeze(c0, 1);
      }
    }
    let [out, hN, cN] = this.runLayers(x, h0, c0, packed ? packed.sizes : null);
    if (packed) {
      hN = packed.unpermuteState(hN);
      if (cN) cN = packed.unpermuteState(cN);
      return [packed.withPadded(out), lstm ? [hN, cN!] : hN];
    }
    if (unbatched) {
      out = squeeze(out, 1);
      hN = squeeze(hN, 1);
      if (cN) cN = squeeze(cN, 1);
    } else if (this.batchFirst) {
      out = transpose(out, 0, 1);
    }
    return [out, lstm ? [hN, cN!] : hN];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += `, bias=${pyBool(this.bias)}`;
    if (this.batchFirst) s += `, batch_first=${pyBool(this.batchFirst)}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=${pyBool(this.bidirectional)}`;
    return s;
  }
}

/**
 * Elman RNN: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act tanh (default) or relu.
 * `forward(input, h0?)` returns [output, hN].
 * @example const rnn = new nn.RNN(10, 20, { numLayers: 2 }); const [out, hN] = rnn.forward(x) // x (5, 3, 10)
 */
export class RNN extends RNNBase<Tensor> {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, opts: RnnOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    opts = optionsArg('RNN', opts) as typeof opts;
    const nl = opts.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new RangeError(`RNN: Unknown nonlinearity '${String(nl)}', expected 'tanh' or 'relu'`);
    super('RNN', nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }

  override forward(input: Tensor | PackedSequence, h0?: Tensor | null): [Tensor | PackedSequence, Tensor] {
    return this.run(input, h0) as [Tensor | PackedSequence, Tensor];
  }
}

/**
 * Long short-term memory: gates i, f, g, o from x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh; c_t = f * c_{t-1}
 * + i * g, h_t = o * tanh(c_t). `forward(input, [h0, c0]?)` returns [output, [hN, cN]].
 * @example const lstm = new nn.LSTM(10, 20, { batchFirst: true }); const [out, [hN, cN]] = lstm.forward(x)
 */
export class LSTM extends RNNBase<[Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, opts: RnnOptions = {}) {
    super('LSTM', 'LSTM', inputSize, hiddenSize, optionsArg('LSTM', opts) as RnnOptions);
  }

  override forward(input: Tensor | PackedSequence, hx?: [Tensor, Tensor] | null): [Tensor | PackedSequence, [Tensor, Tensor]] {
    return this.run(input, hx) as [Tensor | PackedSequence, [Tensor, Tensor]];
  }
}

/**
 * Gated recurrent unit: r, z = sigmoid(...), n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)),
 * h_t = (1 - z) * n + z * h_{t-1}. `forward(input, h0?)` returns [output, hN].
 * @example const gru = new nn.GRU(10, 20, { bidirectional: true }); const [out, hN] = gru.forward(x)
 */
export class GRU extends RNNBase<Tensor> {
  constructor(inputSize: number, hiddenSize: number, opts: RnnOptions = {}) {
    super('GRU', 'GRU', inputSize, hiddenSize, optionsArg('GRU', opts) as RnnOptions);
  }

  override forward(input: Tensor | PackedSequence, h0?: Tensor | null): [Tensor | PackedSequence, Tensor] {
    return this.run(input, h0) as [Tensor | PackedSequence, Tensor];
  }
}
