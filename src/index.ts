/**
 * nodetorch: PyTorch-style model training for Node.js.
 * @packageDocumentation
 */
import './ops/methods.js';

export { Tensor, type DType, type Shape, type NestedArray } from './tensor.js';
export * from './creation.js';
export { setAllocationLimit, getAllocationLimit, type AllocationLimit } from './util/limits.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd/grad-mode.js';
export { Generator, manualSeed, defaultGenerator } from './util/generator.js';
export { add, sub } from './ops/add.js';
export { mul } from './ops/mul.js';
export { matmul } from './ops/matmul.js';
export { bmm } from './ops/bmm.js';
export { reshape, view, flatten, squeeze, unsqueeze } from './ops/reshape.js';
export { contiguous } from './ops/contiguous.js';
export { add_, sub_ } from './ops/add-inplace.js';
export { mul_ } from './ops/mul-inplace.js';
export { div_ } from './ops/div-inplace.js';
export { clamp_ } from './ops/clamp-inplace.js';
export { fill_, zero_ } from './ops/fill-inplace.js';
export { copy_ } from './ops/copy-inplace.js';
export { sum, mean } from './ops/sum.js';
export { div, type DivOptions } from './ops/div.js';
export { neg } from './ops/neg.js';
export { pow } from './ops/pow.js';
export { exp } from './ops/exp.js';
export { log } from './ops/log.js';
export { sqrt } from './ops/sqrt.js';
export { abs } from './ops/abs.js';
export { clamp } from './ops/clamp.js';
export { max, type ValuesIndices } from './ops/max.js';
export { min } from './ops/min.js';
export { argmax } from './ops/argmax.js';
export { argmin } from './ops/argmin.js';
export { variance, variance as var, type VarOptions } from './ops/var.js';
export { std } from './ops/std.js';
export { transpose, t } from './ops/transpose.js';
export { permute } from './ops/permute.js';
export { stack } from './ops/stack.js';
export { split } from './ops/split.js';
export { chunk } from './ops/chunk.js';
export { narrow } from './ops/narrow.js';
export { select } from './ops/select.js';
export { index, slice, newaxis, type IndexLike, type IndexRange } from './ops/indexing.js';
export { indexSelect } from './ops/index-select.js';
export { gather } from './ops/gather.js';
export { eq, ne, lt, le, gt, ge } from './ops/compare.js';
export { where } from './ops/where.js';
export { clone } from './ops/clone.js';
export { expand, expandAs, broadcastTo } from './ops/expand.js';
export { oneHot } from './ops/one-hot.js';
export { toDtype } from './ops/to-dtype.js';
export { conv1d, type Conv1dOptions } from './ops/conv1d.js';
export { conv2d, type Conv2dOptions } from './ops/conv2d.js';
export { relu } from './ops/relu.js';
export { leakyRelu } from './ops/leaky-relu.js';
export { gelu, type GeluOptions } from './ops/gelu.js';
export { sigmoid } from './ops/sigmoid.js';
export { tanh } from './ops/tanh.js';
export { softmax } from './ops/softmax.js';
export { logSoftmax } from './ops/log-softmax.js';
export { cat } from './ops/cat.js';
export * as nn from './nn/index.js';
export * as models from './models/index.js';
export * as optim from './optim/index.js';
export * as data from './data/index.js';
export {
  save, load, saveSafetensors, loadSafetensors, savePth, loadPth, saveCheckpoint, loadCheckpoint,
  UnpicklingError,
} from './io/index.js';
export * as io from './io/index.js';
export * as utils from './utils.js';
export * as distributed from './distributed/index.js';
export {
  getBackend, setBackend, backendInfo, setNumThreads, getNumThreads, availableBackends,
  type BackendName, type BackendInfo,
} from './backend/select.js';
export type { Backend } from './backend/backend.js';
export { progress, ProgressBar, trainDescription, type ProgressOptions } from './util/progress.js';
export { writeCurvesSvg, curvesSvg, type EpochRecord } from './util/svg-plot.js';
export * as onnx from './onnx/index.js';
