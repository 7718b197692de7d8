/**
 * `data`: datasets, samplers, DataLoader, collate functions and signal file loaders
 * (torch.utils.data plus the signal sources of the training CLI).
 * @example
 * import { data, Generator } from 'nodetorch';
 * const ds = new data.SyntheticSignals({ numSamples: 4000, seed: 1 });
 * const loader = new data.DataLoader(ds, { batchSize: 32, shuffle: true, generator: new Generator(0) });
 */
export {
  Dataset, TensorDataset, Subset, ConcatDataset, randomSplit, getWorkerInfo,
  type DatasetLike, type DatasetSpec, type ModuleDatasetSpec, type WorkerInfo,
} from './dataset.js';
export {
  SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler,
  type Sampler, type RandomSamplerOptions, type WeightedRandomSamplerOptions,
} from './samplers.js';
export { DistributedSampler, type DistributedSamplerOptions } from './distributed-sampler.js';
export { DataLoader, type DataLoaderOptions, type WorkerDatasetOption } from './dataloader.js';
export { defaultCollate, defaultConvert, type CollateFn, type Collated } from './collate.js';
export { SyntheticSignals, type SyntheticSignalsOptions, type SignalSample } from './synthetic.js';
export { SyntheticDigits, type SyntheticDigitsOptions, type DigitSample } from './synthetic-digits.js';
export { readCsvSignals, parseCsvSignals, csvDataset, type CsvSignalOptions } from './csv.js';
export {
  readNpy, parseNpy, writeNpy, encodeNpy, npyToTensor, loadNpySignals, npyDataset,
  type NpyArray, type NpyDType, type NpyData, type NpyWritable, type LabelOptions, type SignalFileOptions,
  type SignalArrays,
} from './npy.js';
export { DataFileError } from './errors.js';
