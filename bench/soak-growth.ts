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

/** Samples each side of the comparison: the median of 3 ignores one reading caught mid-allocation. */
const WINDOW = 3;

function median(values: number[]): number {
  const v = [...values].sort((x, y) => x - y);
  return v[v.length >> 1];
}

/**
 * Growth from 10% of the run (JIT, pools and wasm memory have grown by then) to its end: the median of
 * the WINDOW samples from the first one at or after 10% against the median of the last WINDOW samples
 * (one sample each side when there are too few). A leak raises every late sample, so the medians see
 * it; a single spike (a GC sample taken with a batch in flight, 10-35 MB of RSS for one reading) does
 * not move them.
 */
export function memoryGrowth(samples: readonly MemorySample[]): MemoryGrowth {
  if (samples.length < 2) throw new RangeError(`memoryGrowth: need at least 2 samples, got ${samples.length}`);
  const lastStep = samples[samples.length - 1].step;
  const start = Math.max(0, samples.findIndex((s) => s.step >= lastStep / 10));
  const w = samples.length - start >= 2 * WINDOW ? WINDOW : 1;
  const early = samples.slice(start, start + w);
  const late = samples.slice(samples.length - w);
  const of = (k: Quantity): Growth => {
    const a = median(early.map((s) => s[k]));
    const b = median(late.map((s) => s[k]));
    return { bytes: b - a, percent: a > 0 ? (100 * (b - a)) / a : 0 };
  };
  return {
    from: early[0].step, to: lastStep,
    rss: of('rss'), peakRss: of('peakRss'), heapUsed: of('heapUsed'), external: of('external'), arrayBuffers: of('arrayBuffers'),
  };
}
