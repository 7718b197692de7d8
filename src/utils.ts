/** `utils`: as `torch.utils` (TensorBoard logging), plus a torchinfo-style model summary. */
export * as tensorboard from './tensorboard/index.js';
export { summary, type ModelSummary, type SummaryRow } from './nn/summary.js';
export { RemovableHandle } from './util/hooks.js';
