/**
 * The models of the three examples (cnn-digits.ts, lstm-classifier.ts, char-transformer.ts), with sizes as
 * constructor arguments so tests and benchmarks can build small or large copies. Module names follow the
 * PyTorch classes in test/fixtures/gen_examples.py, so their state dicts move both ways as .pth files.
 */
import { nn, arange, type Tensor } from '../src/index.js';

/** Sizes of DigitCnn: the channels of its two conv stages. */
export interface DigitCnnSizes {
  channels1?: number;
  channels2?: number;
}

/**
 * A small image classifier for (N, 1, 28, 28) -> (N, 10) logits: two stages of Conv2d 3x3 (padding 1),
 * BatchNorm2d, ReLU and MaxPool2d 2 (28 -> 14 -> 7), then Flatten and Linear. An nn.Sequential, so its
 * state-dict keys are PyTorch's `0.weight`, `1.running_mean`, ...
 */
export class DigitCnn extends nn.Sequential {
  constructor({ channels1 = 16, channels2 = 32 }: DigitCnnSizes = {}) {
    super(
      new nn.Conv2d(1, channels1, 3, { padding: 1 }), new nn.BatchNorm2d(channels1), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(channels1, channels2, 3, { padding: 1 }), new nn.BatchNorm2d(channels2), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Flatten(), new nn.Linear(channels2 * 7 * 7, 10),
    );
  }
}

/** Sizes of LstmClassifier. */
export interface LstmClassifierSizes {
  vocab?: number;
  embeddingDim?: number;
  hiddenSize?: number;
  numClasses?: number;
}

/**
 * A sequence classifier: Embedding, a batch-first LSTM over the packed (variable-length) batch, and a
 * Linear head on the last layer's final hidden state, (B, T) token ids + lengths -> (B, numClasses) logits.
 */
export class LstmClassifier extends nn.Module<[Tensor, readonly number[]], Tensor> {
  declare embedding: nn.Embedding;
  declare lstm: nn.LSTM;
  declare fc: nn.Linear;

  constructor({ vocab = 12, embeddingDim = 16, hiddenSize = 32, numClasses = 2 }: LstmClassifierSizes = {}) {
    super();
    this.embedding = new nn.Embedding(vocab, embeddingDim, { paddingIdx: 0 });
    this.lstm = new nn.LSTM(embeddingDim, hiddenSize, { batchFirst: true });
    this.fc = new nn.Linear(hiddenSize, numClasses);
  }

  /** tokens (B, T) int64 padded with 0; lengths: each sequence's true length. */
  override forward(tokens: Tensor, lengths: readonly number[]): Tensor {
    const packed = nn.utils.rnn.packPaddedSequence(this.embedding.forward(tokens), lengths, { batchFirst: true, enforceSorted: false });
    const [, [hN]] = this.lstm.forward(packed);
    return this.fc.forward(hN.select(0, -1)); // the last layer's state after each sequence's last real step
  }
}

/** Sizes of CharTransformer. */
export interface CharTransformerSizes {
  vocab: number;
  dModel?: number;
  nhead?: number;
  numLayers?: number;
  dimFeedforward?: number;
  maxLen?: number;
  dropout?: number;
}

/**
 * A character-level language model: token and learned position embeddings, a batch-first
 * TransformerEncoder under a causal mask (position t attends to 0..t only), and a Linear head,
 * (B, T) int64 -> (B, T, vocab) next-character logits.
 */
export class CharTransformer extends nn.Module {
  declare tok: nn.Embedding;
  declare pos: nn.Embedding;
  declare encoder: nn.TransformerEncoder;
  declare head: nn.Linear;
  readonly maxLen: number;
  private readonly masks = new Map<number, Tensor>();

  constructor({ vocab, dModel = 64, nhead = 4, numLayers = 2, dimFeedforward = 128, maxLen = 64, dropout = 0 }: CharTransformerSizes) {
    super();
    this.maxLen = maxLen;
    this.tok = new nn.Embedding(vocab, dModel);
    this.pos = new nn.Embedding(maxLen, dModel);
    const layer = new nn.TransformerEncoderLayer(dModel, nhead, { dimFeedforward, dropout, batchFirst: true });
    this.encoder = new nn.TransformerEncoder(layer, numLayers);
    this.head = new nn.Linear(dModel, vocab);
  }

  override forward(tokens: Tensor): Tensor {
    const t = tokens.shape[1];
    const positions = arange(t, undefined, 1, { dtype: 'int64' });
    const x = this.tok.forward(tokens).add(this.pos.forward(positions));
    return this.head.forward(this.encoder.forward(x, { srcMask: this.causalMaskOf(t) }));
  }

  /** causalMask(t), built once per length and reused by every step (only the encoder reads it). */
  private causalMaskOf(t: number): Tensor {
    let m = this.masks.get(t);
    if (!m) this.masks.set(t, (m = causalMask(t)));
    return m;
  }
}

/** (T, T) bool, true above the diagonal: the positions a causal model may not attend to. */
export function causalMask(t: number): Tensor {
  const i = arange(t, undefined, 1, { dtype: 'int64' });
  return i.unsqueeze(0).gt(i.unsqueeze(1));
}
