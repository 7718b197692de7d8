/**
 * nn.functional: the stateless forms of the layers and losses (torch.nn.functional), in camelCase.
 * `binaryCrossEntropy` / `binaryCrossEntropyWithLogits` are PyTorch's names for bceLoss /
 * bceWithLogitsLoss.
 */
export { relu } from '../ops/relu.js';
export { leakyRelu } from '../ops/leaky-relu.js';
export { gelu, type GeluOptions, type GeluApproximate } from '../ops/gelu.js';
export { sigmoid } from '../ops/sigmoid.js';
export { tanh } from '../ops/tanh.js';
export { softmax } from '../ops/softmax.js';
export { logSoftmax } from '../ops/log-softmax.js';
export { linear } from '../ops/linear.js';
export { conv1d, type Conv1dOptions } from '../ops/conv1d.js';
export { maxPool1d, type MaxPool1dOptions } from '../ops/max-pool1d.js';
export { avgPool1d, type AvgPool1dOptions } from '../ops/avg-pool1d.js';
export { adaptiveAvgPool1d } from '../ops/adaptive-avg-pool1d.js';
export { adaptiveMaxPool1d, type AdaptiveMaxPool1dOptions } from '../ops/adaptive-max-pool1d.js';
export { batchNorm, type BatchNormOptions } from '../ops/batch-norm.js';
export { dropout } from '../ops/dropout.js';
export { crossEntropy, type CrossEntropyOptions } from '../ops/cross-entropy.js';
export { nllLoss, type NllLossOptions } from '../ops/nll-loss.js';
export { mseLoss, type PointwiseLossOptions } from '../ops/mse-loss.js';
export { l1Loss } from '../ops/l1-loss.js';
export { bceLoss, bceLoss as binaryCrossEntropy, type BceLossOptions } from '../ops/bce-loss.js';
export {
  bceWithLogitsLoss, bceWithLogitsLoss as binaryCrossEntropyWithLogits, type BceWithLogitsLossOptions,
} from '../ops/bce-with-logits-loss.js';
export type { Reduction } from '../ops/loss-reduction.js';
export { oneHot } from '../ops/one-hot.js';
export { flatten } from '../ops/reshape.js';
// sequences, normalisation, activations and losses (issue 12)
export { silu } from '../ops/silu.js';
export { mish } from '../ops/mish.js';
export { softplus, type SoftplusOptions } from '../ops/softplus.js';
export { elu } from '../ops/elu.js';
export { hardtanh } from '../ops/hardtanh.js';
export { huberLoss, type HuberLossOptions } from '../ops/huber-loss.js';
export { smoothL1Loss, type SmoothL1LossOptions } from '../ops/smooth-l1-loss.js';
export { klDiv, type KlDivOptions } from '../ops/kl-div.js';
export { layerNorm, type LayerNormOptions } from '../ops/layer-norm.js';
export { groupNorm, type GroupNormOptions } from '../ops/group-norm.js';
export { embedding, type EmbeddingOptions } from '../ops/embedding.js';
export { scaledDotProductAttention, type ScaledDotProductAttentionOptions } from '../ops/scaled-dot-product-attention.js';
