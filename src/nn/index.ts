/**
 * The `nn` namespace: Module and Parameter, containers, layers, losses, `nn.init` and
 * `nn.functional`, shaped like torch.nn.
 * @example
 * import { nn } from 'nodetorch';
 * const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
 */
import '../ops/methods.js';

export { Module, type AnyModule } from './module.js';
export type { StateDict, LoadStateDictResult } from '../io/state-dict.js';
export { Parameter, parameter } from './parameter.js';
export { Sequential, ModuleList, ModuleDict } from './containers.js';
export { Linear, Identity, type LinearOptions } from './linear.js';
export { Conv1d, type Conv1dLayerOptions } from './conv.js';
export { BatchNorm1d, type BatchNorm1dOptions } from './batchnorm.js';
export { SyncBatchNorm } from './sync-batchnorm.js';
export { ReLU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax, LogSoftmax } from './activation.js';
// sequences, normalisation, activations and losses (issue 12)
export { SiLU, Mish, Softplus, ELU, Hardtanh, type InplaceOption } from './activation.js';
export { HuberLoss, SmoothL1Loss, KLDivLoss } from './loss.js';
export { LayerNorm, GroupNorm, type LayerNormLayerOptions, type GroupNormLayerOptions } from './normalization.js';
export { Embedding, type EmbeddingLayerOptions } from './sparse.js';
export { RNNBase, RNN, LSTM, GRU, type RnnOptions, type RnnState } from './rnn.js';
export {
  MultiheadAttention, NonDynamicallyQuantizableLinear, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions,
} from './attention.js';
export {
  TransformerEncoderLayer, TransformerEncoder, type TransformerEncoderLayerOptions, type TransformerEncoderForwardOptions,
} from './transformer.js';
export {
  MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool1d, type MaxPool1dLayerOptions, type AvgPool1dLayerOptions,
} from './pooling.js';
export { Dropout } from './dropout.js';
// Image layers (NCHW)
export { Conv2d, ConvTranspose1d, ConvTranspose2d, type Conv2dLayerOptions, type ConvTransposeLayerOptions } from './conv2d.js';
export { BatchNorm2d } from './batchnorm.js';
export {
  MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type MaxPool2dLayerOptions, type AvgPool2dLayerOptions,
} from './pooling2d.js';
export { Upsample, type UpsampleOptions } from './upsample.js';
export { Dropout2d } from './dropout.js';
export { Flatten } from './flatten.js';
export {
  Loss, WeightedLoss, CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss, type CrossEntropyLossOptions,
} from './loss.js';
export * as init from './init.js';
export * as functional from './functional.js';
export * as utils from './utils/index.js';
export * as parallel from './parallel/index.js';
