/** Rebuild a dataset from its DatasetSpec (in a DataLoader worker thread). */
import { Tensor } from '../tensor.js';
import { TensorDataset, Subset, ConcatDataset, checkDataset, type DatasetLike, type DatasetSpec } from './dataset.js';
import { SyntheticSignals, type SyntheticSignalsOptions } from './synthetic.js';
import { SyntheticDigits, type SyntheticDigitsOptions } from './synthetic-digits.js';

export async function buildDataset(spec: DatasetSpec): Promise<DatasetLike> {
  switch (spec.kind) {
    case 'tensor':
      return new TensorDataset(...spec.tensors.map((t) => new Tensor(t.data, t.shape, t.dtype)));
    case 'subset':
      return new Subset(await buildDataset(spec.dataset), spec.indices);
    case 'concat':
      return new ConcatDataset(await Promise.all(spec.datasets.map(buildDataset)));
    case 'synthetic':
      return new SyntheticSignals(spec.options as unknown as SyntheticSignalsOptions);
    case 'syntheticDigits':
      return new SyntheticDigits(spec.options as unknown as SyntheticDigitsOptions);
    case 'module': {
      const mod = (await import(spec.module)) as Record<string, unknown>;
      const name = spec.export ?? 'default';
      const factory = mod[name];
      if (factory === undefined) throw new TypeError(`DataLoader worker: module ${spec.module} has no export '${name}'`);
      const ds = typeof factory === 'function' ? await (factory as (a: unknown) => unknown)(spec.args) : factory;
      checkDataset(`DataLoader worker: ${spec.module} export '${name}'`, ds);
      return ds;
    }
    default:
      throw new TypeError(`DataLoader worker: unknown dataset spec kind '${String((spec as { kind: unknown }).kind)}'`);
  }
}
