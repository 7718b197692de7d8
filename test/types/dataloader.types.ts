/**
 * Compile-time checks of the typed DataLoader (checked by `npm run typecheck`, never run): batches are
 * typed from the dataset's sample type; each `@ts-expect-error` line must fail to compile, so a loader
 * that lost its types (any) fails the type check here.
 */
import { Tensor } from '../../src/tensor.js';
import { DataLoader, Dataset, TensorDataset, SyntheticSignals } from '../../src/data/index.js';
import { zeros } from '../../src/creation.js';

class Pairs extends Dataset<[Tensor, number]> {
  readonly length = 4;
  getItem(i: number): [Tensor, number] {
    return [zeros([3]), i];
  }
}

class Records extends Dataset<{ image: Tensor; label: number; name: string }> {
  readonly length = 2;
  getItem(i: number) {
    return { image: zeros([2, 2]), label: i, name: `n${i}` };
  }
}

export function checks(): void {
  for (const [x, y] of new DataLoader(new Pairs(), { batchSize: 2 })) {
    const a: Tensor = x;
    const b: Tensor = y;
    // @ts-expect-error the label batch is a Tensor, not a number
    const c: number = y;
    void [a, b, c];
  }
  for (const batch of new DataLoader(new Records(), { batchSize: 2 })) {
    const img: Tensor = batch.image;
    const names: string[] = batch.name;
    // @ts-expect-error no such field in the sample type
    void batch.missing;
    void [img, names];
  }
  for (const t of new DataLoader(new TensorDataset(zeros([4, 3]), zeros([4])), { batchSize: 2 })) {
    const first: Tensor | undefined = t[0];
    // @ts-expect-error TensorDataset batches are tensors
    const s: string = t[0];
    void [first, s];
  }
  const custom = new DataLoader(new Pairs(), { batchSize: 2, collateFn: (samples) => samples.map(([, y]) => y) });
  for (const labels of custom) {
    const n: number[] = labels;
    // @ts-expect-error a custom collateFn's return type is the batch type
    const t: Tensor = labels;
    void [n, t];
  }
  // @ts-expect-error collateFn receives samples of the dataset's type
  new DataLoader(new Pairs(), { collateFn: (samples: string[]) => samples.length });
  for (const [x, y] of new DataLoader(new SyntheticSignals({ numSamples: 4 }), { batchSize: 2 })) {
    const xs: Tensor = x;
    const ys: Tensor = y;
    void [xs, ys];
  }
}
