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
// Image ops (NCHW)
export { conv2d, type Conv2dOptions } from '../ops/conv2d.js';
export { convTranspose1d, type ConvTranspose1dOptions } from '../ops/conv-transpose1d.js';
export { convTranspose2d, type ConvTranspose2dOptions } from '../ops/conv-transpose2d.js';
export { maxPool2d, type MaxPool2dOptions } from '../ops/max-pool2d.js';
export { avgPool2d, type AvgPool2dOptions } from '../ops/avg-pool2d.js';
export { adaptiveAvgPool2d } from '../ops/adaptive-avg-pool2d.js';
export { interpolate, type InterpolateOptions, type InterpolateMode } from '../ops/interpolate.js';
export { dropout2d } from '../ops/dropout2d.js';
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
