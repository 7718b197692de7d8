/** Datasets built inside DataLoader worker threads by test/data/dataloader.test.ts (workerDataset option). */
import { Dataset, getWorkerInfo } from '../../src/data/dataset.js';

export interface Item {
  x: Float32Array;
  y: number;
  worker: number;
  seed: number;
}

/** Sample i: x = [i, i^2, scale * i], y = i % 3; `failAt` throws a RangeError at that index. */
export class Squares extends Dataset<Item> {
  constructor(readonly length: number, readonly scale = 1, readonly failAt = -1) {
    super();
  }

  getItem(i: number): Item {
    if (i === this.failAt) throw new RangeError(`Squares: refusing index ${i}`);
    const info = getWorkerInfo();
    return { x: Float32Array.from([i, i * i, this.scale * i]), y: i % 3, worker: info?.id ?? -1, seed: info?.seed ?? -1 };
  }
}

export function makeSquares(args: { length: number; scale?: number; failAt?: number }): Squares {
  return new Squares(args.length, args.scale, args.failAt);
}

export default async function (args: { length: number }): Promise<Squares> {
  return new Squares(args.length);
}
