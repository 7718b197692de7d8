/** The soak's growth figure (bench/soak.ts, test/soak/): each quantity from 10% to 100% of the run. */

export interface MemorySample {
  step: number;
  /** RSS after the GC. */
  rss: number;
  /** The highest RSS read after any step since the previous sample. */
  peakRss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface Growth {
  bytes: number;
  /** Of the value at 10% of the run. */
  percent: number;
}

export type Quantity = 'rss' | 'peakRss' | 'heapUsed' | 'external' | 'arrayBuffers';

export type MemoryGrowth = { from: number; to: number } & Record<Quantity, Growth>;

/**
 * Growth from the sample at 10% of the run (the first one at or after it: JIT, pools and wasm memory
 * have grown by then) to the last sample.
 */
export function memoryGrowth(samples: readonly MemorySample[]): MemoryGrowth {
  if (samples.length < 2) throw new RangeError(`memoryGrowth: need at least 2 samples, got ${samples.length}`);
  const last = samples[samples.length - 1];
  const first = samples.find((s) => s.step >= last.step / 10) ?? samples[0];
  const of = (k: Quantity): Growth => ({
    bytes: last[k] - first[k],
    percent: first[k] > 0 ? (100 * (last[k] - first[k])) / first[k] : 0,
  });
  return { from: first.step, to: last.step, rss: of('rss'), peakRss: of('peakRss'), heapUsed: of('heapUsed'), external: of('external'), arrayBuffers: of('arrayBuffers') };
}
