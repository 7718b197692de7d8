/*
 * The wasm module's exports: the kernels of src/backend/manifest.ts that the wasm backend does not serve from
 * TypeScript (pointer + size signatures, see each file's header), `<kernel>Workspace` for each that takes a
 * workspace (workspace.ts), `memory` (exported by the compiler) and the `__` helpers __heapBase and
 * __panelWidth. Nothing else belongs here.
 * Conventions shared by every kernel: pointers are byte offsets into this module's memory, 16-byte aligned by
 * the adapter (src/backend/wasm.ts); a pointer of 0 means "absent" (bias, grad bias) because the adapter
 * never places data below __heapBase; `ws` is a kernel-specific workspace whose size each header states.
 */
export { matmul } from './matmul';
export { conv1dForward } from './conv1d-forward';
export { conv1dBackwardInput } from './conv1d-backward-input';
export { conv1dBackwardWeight } from './conv1d-backward-weight';
export { conv2dForward } from './conv2d-forward';
export { conv2dBackwardInput } from './conv2d-backward-input';
export { conv2dBackwardWeight } from './conv2d-backward-weight';
export { sgdStep } from './sgd-step';
export { add } from './add';
export { reluForward } from './relu-forward';
export { reluBackward } from './relu-backward';
export { maxPool1dForward } from './max-pool1d-forward';
export { maxPool1dBackward } from './max-pool1d-backward';
export { maxPool2dForward } from './max-pool2d-forward';
export { maxPool2dBackward } from './max-pool2d-backward';
export { batchNormForward } from './batch-norm-forward';
export { batchNormBackward } from './batch-norm-backward';
export { bmm } from './bmm';
export { bmmHeads, bmmHeadsWorkspace } from './bmm-heads';
export { affineNormForward } from './affine-norm-forward';
export { affineNormBackward } from './affine-norm-backward';
export { adaptiveAvgPool1dForward, adaptiveAvgPool1dBackward } from './adaptive-avg-pool1d';
export { softmaxForward } from './softmax-forward';
export { softmaxBackward } from './softmax-backward';
export { lstmCellForward } from './lstm-cell-forward';
export { lstmCellBackward } from './lstm-cell-backward';
export {
  matmulWorkspace, conv1dForwardWorkspace, conv1dBackwardInputWorkspace, conv1dBackwardWeightWorkspace, bmmWorkspace,
  conv2dForwardWorkspace, conv2dBackwardInputWorkspace, conv2dBackwardWeightWorkspace,
  affineNormBackwardWorkspace,
} from './workspace';
import { NR } from './gemm';

/** First free byte after static data: the adapter stages buffers from here (aligned up to 16). */
export function __heapBase(): usize {
  return __heap_base;
}

/** The GEMM panel width NR in floats: the adapter sizes every kernel's workspace from it. */
export function __panelWidth(): i32 {
  return NR;
}
export { adamStep } from './adam-step';
export { columnSum } from './column-sum';
export { embeddingBackward, embeddingBackwardWorkspace } from './embedding-backward';
