/** The Embedding layer (torch.nn.modules.sparse). */
import { optionsArg } from '../ops/args.js';
import { Tensor, shapeStr } from '../tensor.js';
import { empty } from '../creation.js';
import { embedding, embeddingOptions, paddingIdxArg } from '../ops/embedding.js';
import { intArg } from '../ops/args.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { Generator } from '../util/generator.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { normal_ } from './init.js';
import { pyFloat } from './repr.js';
import { describeValue } from '../util/describe.js';

/** Options of `nn.Embedding`: paddingIdx, maxNorm, normType, scaleGradByFreq, sparse (false only) and the initialisation generator. */
export interface EmbeddingLayerOptions {
  /** This row is zero at initialisation and gets no gradient (negative counts from the end). */
  paddingIdx?: number | null;
  /** Looked-up rows with a larger normType-norm are rescaled to maxNorm in place on each forward. */
  maxNorm?: number | null;
  /** The p of the p-norm for maxNorm (default 2). */
  normType?: number;
  /** Divide each row's gradient by its index's frequency in the mini-batch (default false). */
  scaleGradByFreq?: boolean;
  /** Only false: sparse gradients are not supported. */
  sparse?: boolean;
  /** Random source for the initialisation (default the global generator). */
  generator?: Generator;
}

/**
 * A lookup table of numEmbeddings vectors of size embeddingDim. Initialised like PyTorch: weight ~ N(0, 1),
 * the paddingIdx row zero. State dict key: weight.
 *
 * Shape: input (*) int64 -> (*, embeddingDim).
 * @example const emb = new nn.Embedding(100, 16, { paddingIdx: 0 }); emb.forward(tokens) // (B, T) -> (B, T, 16)
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  maxNorm: number | null;
  normType: number;
  scaleGradByFreq: boolean;
  declare weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingLayerOptions = {}) {
    super();
    opts = optionsArg('Embedding', opts) as typeof opts;
    this.numEmbeddings = intArg('Embedding', 'numEmbeddings', numEmbeddings, 0);
    this.embeddingDim = intArg('Embedding', 'embeddingDim', embeddingDim, 0);
    const pad = paddingIdxArg('Embedding', opts.paddingIdx, numEmbeddings);
    this.paddingIdx = pad < 0 ? null : pad;
    ({ maxNorm: this.maxNorm, normType: this.normType, scaleGradByFreq: this.scaleGradByFreq } = embeddingOptions('Embedding', opts));
    this.registerParameter('weight', new Parameter(empty([numEmbeddings, embeddingDim])));
    this.resetParameters(opts.generator);
  }

  /**
   * An Embedding holding `embeddings` (copied) as its weight; `freeze` (default true) leaves it out of
   * training (requiresGrad false), as PyTorch's from_pretrained.
   * @example nn.Embedding.fromPretrained(vectors, { freeze: false })
   */
  static fromPretrained(embeddings: Tensor, opts: Omit<EmbeddingLayerOptions, 'generator'> & { freeze?: boolean } = {}): Embedding {
    if (!(embeddings instanceof Tensor)) throw new TypeError(`Embedding.fromPretrained: expected embeddings to be a Tensor, got ${describeValue(embeddings)}`);
    if (embeddings.ndim !== 2) throw new RangeError(`Embedding.fromPretrained: Embeddings parameter is expected to be 2-dimensional, got shape ${shapeStr(embeddings.shape)}`);
    const { freeze = true, ...rest } = opts;
    const m = new Embedding(embeddings.shape[0], embeddings.shape[1], rest);
    noGrad(() => (m.weight.data as Float32Array).set(embeddings.data as Float32Array));
    m.weight.requiresGrad = !freeze;
    return m;
  }

  /** Re-draw the weight from N(0, 1) and zero the padding row. */
  resetParameters(generator?: Generator): void {
    normal_(this.weight, 0, 1, generator);
    if (this.paddingIdx !== null) {
      const d = this.embeddingDim;
      (this.weight.data as Float32Array).fill(0, this.paddingIdx * d, (this.paddingIdx + 1) * d);
      this.weight._bumpVersion(); // weight[padding_idx].fill_(0)
    }
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, {
      paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType, scaleGradByFreq: this.scaleGradByFreq,
    });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += ', scale_grad_by_freq=True';
    return s;
  }
}
