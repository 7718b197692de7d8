/** TensorBoard logging (`utils.tensorboard`), as `torch.utils.tensorboard`. */
export { SummaryWriter, type SummaryWriterOptions, type ScalarLike, type HistogramValues } from './summary-writer.js';
