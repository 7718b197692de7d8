/**
 * TransformerEncoderLayer and TransformerEncoder (torch.nn.modules.transformer), with PyTorch's module
 * names (self_attn, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2; layers.<i>.*), so state
 * dicts move both ways.
 */
import { optionsArg, tensorArg } from '../ops/args.js';
import type { Tensor } from '../tensor.js';
import { relu } from '../ops/relu.js';
import { gelu } from '../ops/gelu.js';
import { add } from '../ops/add.js';
import { intArg, boolArg } from '../ops/args.js';
import type { Generator } from '../util/generator.js';
import { Module } from './module.js';
import { ModuleList } from './containers.js';
import { Linear } from './linear.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './normalization.js';
import { MultiheadAttention } from './attention.js';
import { consumesPrivately, passesPrivately, producesPrivately } from './graph-internal.js';
import { markGraphInternal } from '../autograd/graph-internal.js';

/** Options of `nn.TransformerEncoderLayer`: dimFeedforward, dropout, activation, layerNormEps, batchFirst and normFirst. */
export interface TransformerEncoderLayerOptions {
  /** Width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout probability after attention, inside and after the feed-forward block (default 0.1). */
  dropout?: number;
  /** The feed-forward activation (default 'relu'). */
  activation?: 'relu' | 'gelu';
  /** LayerNorm eps (default 1e-5). */
  layerNormEps?: number;
  /** Input and output are (N, S, E) instead of (S, N, E) (default false). */
  batchFirst?: boolean;
  /** Pre-norm: x + block(norm(x)) instead of norm(x + block(x)) (default false). */
  normFirst?: boolean;
  /** Random source for the initialisation and the dropout masks (default the global generator). */
  generator?: Generator;
}

/** Options of the encoder forwards: srcMask and srcKeyPaddingMask. */
export interface TransformerEncoderForwardOptions {
  /** Attention mask (S, S) or (N * nhead, S, S): true (or -Infinity) where a position may not attend. */
  srcMask?: Tensor | null;
  /** (N, S): true marks padding positions. */
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * Self-attention then a feed-forward block (linear1, activation, dropout, linear2), each with a residual
 * connection and a LayerNorm (after the sum, or before the block with normFirst).
 *
 * Shape: src (S, N, dModel), or (N, S, dModel) with batchFirst, or unbatched (S, dModel) -> same.
 * @example const layer = new nn.TransformerEncoderLayer(128, 4, { dimFeedforward: 256, batchFirst: true })
 */
export class TransformerEncoderLayer extends Module<[Tensor, TransformerEncoderForwardOptions?], Tensor> {
  readonly dModel: number;
  readonly nhead: number;
  /** The options it was built with (TransformerEncoder builds its copies from them). */
  readonly options: Readonly<TransformerEncoderLayerOptions>;
  readonly normFirst: boolean;
  readonly activation: 'relu' | 'gelu';
  declare self_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;

  constructor(dModel: number, nhead: number, opts: TransformerEncoderLayerOptions = {}) {
    super();
    const cls = 'TransformerEncoderLayer';
    opts = optionsArg(cls, opts) as typeof opts;
    this.dModel = intArg(cls, 'dModel', dModel, 1);
    this.nhead = intArg(cls, 'nhead', nhead, 1);
    this.options = { ...opts };
    const ff = intArg(cls, 'dimFeedforward', opts.dimFeedforward ?? 2048, 1);
    const p = opts.dropout ?? 0.1;
    const eps = opts.layerNormEps ?? 1e-5;
    const act = opts.activation ?? 'relu';
    if (act !== 'relu' && act !== 'gelu') throw new RangeError(`${cls}: activation should be relu/gelu, not ${String(act)}`);
    this.activation = act;
    this.normFirst = boolArg(cls, 'normFirst', opts.normFirst ?? false);
    const generator = opts.generator;
    this.registerModule('self_attn', new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: opts.batchFirst, generator }));
    this.registerModule('linear1', new Linear(dModel, ff, { generator }));
    this.registerModule('dropout', new Dropout(p, { generator }));
    this.registerModule('linear2', new Linear(ff, dModel, { generator }));
    this.registerModule('norm1', new LayerNorm(dModel, { eps }));
    this.registerModule('norm2', new LayerNorm(dModel, { eps }));
    this.registerModule('dropout1', new Dropout(p, { generator }));
    this.registerModule('dropout2', new Dropout(p, { generator }));
  }

  private selfAttention(x: Tensor, opts: TransformerEncoderForwardOptions): Tensor {
    const [out] = this.self_attn.forward(x, x, x, { attnMask: opts.srcMask, keyPaddingMask: opts.srcKeyPaddingMask, needWeights: false });
    // out_proj's rows reach only dropout1 and, through it, the residual add: graph-internal, recycled after
    // backward, when the attention produces privately and dropout1 passes them on privately.
    if (producesPrivately(this.self_attn) && passesPrivately(this.dropout1)) markGraphInternal(out);
    return this.dropout1.forward(out);
  }

  private feedForward(x: Tensor): Tensor {
    const h = this.linear1.forward(x);
    // The hidden rows are read only by the activation (a functional op here, which keeps them in the graph
    // alone): graph-internal, recycled after backward, when linear1 produces privately (an exact Linear
    // with no hooks, src/nn/graph-internal.ts).
    if (producesPrivately(this.linear1)) markGraphInternal(h);
    const y = this.linear2.forward(this.dropout.forward(this.activation === 'relu' ? relu(h) : gelu(h)));
    // linear2's rows likewise reach only dropout2 and the residual add.
    if (producesPrivately(this.linear2) && passesPrivately(this.dropout2)) markGraphInternal(y);
    return this.dropout2.forward(y);
  }

  override forward(src: Tensor, opts: TransformerEncoderForwardOptions = {}): Tensor {
    tensorArg('TransformerEncoderLayer', 'src', src);
    if (src.dtype !== 'float32') throw new TypeError(`TransformerEncoderLayer: expected src to be float32, got ${src.dtype}`);
    let x = src;
    if (this.normFirst) {
      x = add(x, this.selfAttention(this.norm1.forward(x), opts));
      return add(x, this.feedForward(this.norm2.forward(x)));
    }
    x = this.norm1.forward(this.residual(add(x, this.selfAttention(x, opts)), this.norm1));
    return this.norm2.forward(this.residual(add(x, this.feedForward(x)), this.norm2));
  }

  /**
   * A post-norm residual sum, read only by `norm`: graph-internal (recycled after backward) when the norm
   * consumes privately (a LayerNorm with no hooks, src/nn/graph-internal.ts).
   */
  private residual(sum: Tensor, norm: Module): Tensor {
    if (consumesPrivately(norm)) markGraphInternal(sum);
    return sum;
  }
}

/**
 * numLayers copies of an encoder layer (each starts as a copy of `encoderLayer`'s parameters, as PyTorch's
 * deep copies do), then an optional final norm.
 *
 * Shape: as the layer's.
 * @example new nn.TransformerEncoder(new nn.TransformerEncoderLayer(128, 4), 2)
 */
export class TransformerEncoder extends Module<[Tensor, TransformerEncoderForwardOptions?], Tensor> {
  readonly numLayers: number;
  declare layers: ModuleList;
  declare norm: LayerNorm | null;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, opts: { norm?: LayerNorm | null } = {}) {
    super();
    if (!(encoderLayer instanceof TransformerEncoderLayer)) {
      throw new TypeError('TransformerEncoder: expected encoderLayer to be a TransformerEncoderLayer');
    }
    this.numLayers = intArg('TransformerEncoder', 'numLayers', numLayers, 0);
    const copies = Array.from({ length: numLayers }, () => {
      const c = new TransformerEncoderLayer(encoderLayer.dModel, encoderLayer.nhead, encoderLayer.options);
      c.loadStateDict(new Map([...encoderLayer.stateDict()].map(([k, t]) => [k, t.detach()])));
      c.train(encoderLayer.training);
      return c;
    });
    this.registerModule('layers', new ModuleList(copies));
    this.registerModule('norm', opts.norm ?? null);
  }

  override forward(src: Tensor, opts: TransformerEncoderForwardOptions = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).forward(x, opts);
    return this.norm ? this.norm.forward(x) : x;
  }
}
