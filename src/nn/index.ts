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
export {
  MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool1d, type MaxPool1dLayerOptions, type AvgPool1dLayerOptions,
} from './pooling.js';
export { Dropout } from './dropout.js';
export { Flatten } from './flatten.js';
export {
  Loss, WeightedLoss, CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss, type CrossEntropyLossOptions,
} from './loss.js';
export * as init from './init.js';
export * as functional from './functional.js';
export * as utils from './utils/index.js';
export * as parallel from './parallel/index.js';
