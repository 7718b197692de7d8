/** `utils`: as `torch.utils` (TensorBoard logging). */
export * as tensorboard from './tensorboard/index.js';
