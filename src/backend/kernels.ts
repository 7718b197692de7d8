/**
 * The one list of kernel names. Every backend implements exactly these; the native addon and the
 * wasm module export exactly these (test/backend/drift.test.ts holds them to it).
 */
export const KERNEL_NAMES = [
  'matmul',
  'conv1dForward',
  'conv1dBackwardInput',
  'conv1dBackwardWeight',
  'sgdStep',
  'reluForward',
  'reluBackward',
  'maxPool1dForward',
  'maxPool1dBackward',
  'batchNormForward',
  'batchNormBackward',
] as const;

export type KernelName = (typeof KERNEL_NAMES)[number];
