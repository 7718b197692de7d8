/**
 * `Summary` protobufs (tensorflow/core/framework/summary.proto) for scalars, histograms and text,
 * with the bucketing of PyTorch's `torch.utils.tensorboard.summary.histogram`.
 */
import { ProtoWriter } from '../util/protobuf.js';

const SUMMARY_VALUE = 1;
const VALUE = { tag: 1, simpleValue: 2, histo: 5, tensor: 8, metadata: 9 } as const;
const HISTO = { min: 1, max: 2, num: 3, sum: 4, sumSquares: 5, bucketLimit: 6, bucket: 7 } as const;
const DT_STRING = 7;

/** A Summary holding one scalar (`simple_value`, a float32 on the wire). */
export function scalarSummary(tag: string, value: number): ProtoWriter {
  return new ProtoWriter().message(SUMMARY_VALUE, (v) => v.string(VALUE.tag, tag).float(VALUE.simpleValue, value));
}

/** A Summary holding text for TensorBoard's text plugin (tag `<tag>/text_summary`, as PyTorch). */
export function textSummary(tag: string, text: string): ProtoWriter {
  return new ProtoWriter().message(SUMMARY_VALUE, (v) => {
    v.string(VALUE.tag, `${tag}/text_summary`);
    // SummaryMetadata { plugin_data { plugin_name: "text" } } (TextPluginData version 0 encodes empty)
    v.message(VALUE.metadata, (m) => m.message(1, (p) => p.string(1, 'text')));
    // TensorProto { dtype: DT_STRING, tensor_shape { dim { size: 1 } }, string_val: [text] }
    v.message(VALUE.tensor, (t) => {
      t.varint(1, DT_STRING);
      t.message(2, (s) => s.message(2, (d) => d.varint(1, 1)));
      t.string(8, text);
    });
  });
}

/** Histogram contents: PyTorch's HistogramProto fields. */
export interface Histogram {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  bucketLimit: number[];
  bucket: number[];
}

/** A Summary holding one histogram. */
export function histogramSummary(tag: string, h: Histogram): ProtoWriter {
  return new ProtoWriter().message(SUMMARY_VALUE, (v) => {
    v.string(VALUE.tag, tag);
    v.message(VALUE.histo, (p) => {
      p.double(HISTO.min, h.min).double(HISTO.max, h.max).double(HISTO.num, h.num);
      p.double(HISTO.sum, h.sum).double(HISTO.sumSquares, h.sumSquares);
      p.packedDoubles(HISTO.bucketLimit, h.bucketLimit).packedDoubles(HISTO.bucket, h.bucket);
    });
  });
}

let tfBins: number[] | null = null;

/** TensorBoard's default bucket edges, as PyTorch's SummaryWriter builds them (exponential, ratio 1.1). */
export function tensorflowBins(): number[] {
  if (tfBins) return tfBins;
  const pos: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) pos.push(v);
  tfBins = [...pos.map((v) => -v).reverse(), 0, ...pos];
  return tfBins;
}

/** Bin edges as numpy.histogram makes them for `n` equal bins over the values' range. */
function equalEdges(min: number, max: number, n: number): number[] {
  let lo = min;
  let hi = max;
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Array<number>(n + 1);
  const step = (hi - lo) / n; // numpy.linspace: i * step + start, the last edge exactly `hi`
  for (let i = 0; i <= n; i++) edges[i] = i * step + lo;
  edges[n] = hi;
  return edges;
}

/** numpy.histogram counts: bin i holds edges[i] <= x < edges[i+1]; the last bin also holds x == edges[n]. */
function countInto(values: Float64Array, edges: number[]): number[] {
  const n = edges.length - 1;
  const counts = new Array<number>(n).fill(0);
  for (let j = 0; j < values.length; j++) {
    const x = values[j];
    if (x < edges[0] || x > edges[n]) continue;
    let lo = 0;
    let hi = n; // invariant: edges[lo] <= x, and x < edges[hi] unless hi == n
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= x) lo = mid;
      else hi = mid;
    }
    counts[lo]++;
  }
  return counts;
}

/**
 * The histogram PyTorch's `make_histogram` writes: numpy-style counts, merged down to `maxBins`, then
 * trimmed to the non-empty range plus one empty bucket in front (TensorBoard draws from there).
 * `bins`: 'tensorflow' (the default edges), a bin count, or explicit increasing edges.
 */
export function makeHistogram(op: string, values: Float64Array, bins: 'tensorflow' | number | readonly number[], maxBins?: number): Histogram {
  if (values.length === 0) throw new RangeError(`${op}: the input has no element`);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!Number.isFinite(x)) throw new RangeError(`${op}: expected finite values, got ${x} at index ${i}`);
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
    sumSquares += x * x;
  }
  let edges: number[];
  if (bins === 'tensorflow') edges = tensorflowBins();
  else if (typeof bins === 'number') {
    if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`${op}: bins must be a positive integer, 'tensorflow' or an array of edges, got ${bins}`);
    edges = equalEdges(min, max, bins);
  } else {
    edges = [...bins];
    if (edges.length < 2 || edges.some((e, i) => !Number.isFinite(e) || (i > 0 && e < edges[i - 1]))) {
      throw new RangeError(`${op}: bins must increase monotonically (at least 2 finite edges)`);
    }
  }
  let counts = countInto(values, edges);
  let limits = edges;
  if (maxBins !== undefined && counts.length > maxBins) {
    // PyTorch: merge every `sub` adjacent bins (zero-padding the end) and keep every sub-th edge
    const sub = Math.floor(counts.length / maxBins);
    const merged: number[] = [];
    for (let i = 0; i < counts.length; i += sub) {
      let s = 0;
      for (let j = i; j < Math.min(i + sub, counts.length); j++) s += counts[j];
      merged.push(s);
    }
    const newLimits: number[] = [];
    for (let i = 0; i < limits.length - 1 && newLimits.length < merged.length; i += sub) newLimits.push(limits[i]);
    newLimits.push(limits[limits.length - 1]);
    counts = merged;
    limits = newLimits;
  }
  let first = -1;
  let last = -1;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] > 0) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) throw new RangeError(`${op}: no value falls inside the bins`);
  const end = last + 1;
  const bucket = first > 0 ? counts.slice(first - 1, end) : [0, ...counts.slice(0, end)];
  const bucketLimit = limits.slice(first, end + 1);
  return { min, max, num: values.length, sum, sumSquares, bucketLimit, bucket };
}
