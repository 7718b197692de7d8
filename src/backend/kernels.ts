/**
 * The one list of kernel names. Every backend implements exactly these; the native addon exports exactly
 * these; the wasm module exports all but MEMORY_BOUND_KERNELS, which the wasm backend runs as TypeScript
 * (test/backend/drift.test.ts holds them to it).
 */

/** Compute-bound kernels: worth staging into wasm linear memory. */
export const COMPUTE_KERNELS = [
  'matmul',
  'conv1dForward',
  'conv1dBackwardInput',
  'conv1dBackwardWeight',
  'sgdStep',
] as const;

/**
 * Memory-bound elementwise / reduction kernels: native runs them in C++ on the caller's arrays; on wasm,
 * copying the arrays into linear memory and back would cost more than the work, so the wasm backend
 * serves them with the ref backend's TypeScript (DESIGN section 5).
 */
export const MEMORY_BOUND_KERNELS = [
  'reluForward',
  'reluBackward',
  'maxPool1dForward',
  'maxPool1dBackward',
  'batchNormForward',
  'batchNormBackward',
] as const;

export const KERNEL_NAMES = [...COMPUTE_KERNELS, ...MEMORY_BOUND_KERNELS] as const;

export type KernelName = (typeof KERNEL_NAMES)[number];
