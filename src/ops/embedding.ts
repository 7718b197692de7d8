/** embedding: look rows of a weight matrix up by index, like torch.nn.functional.embedding. */
import { optionsArg } from './args.js';
import { Tensor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { describeValue } from '../util/describe.js';
import { tensorArg } from './args.js';
import { getBackend } from '../backend/select.js';
import { activationBuffer, gradBuffer } from '../util/grad-pool.js';

/** Options of `embedding`: paddingIdx, maxNorm, normType and scaleGradByFreq, as torch.nn.functional.embedding. */
export interface EmbeddingOptions {
  /** Rows at this index get no gradient (negative counts from the end). Default none. */
  paddingIdx?: number | null;
  /** Rows looked up whose normType-norm exceeds maxNorm are rescaled to maxNorm, in place in weight. */
  maxNorm?: number | null;
  /** The p of the p-norm for maxNorm (default 2). */
  normType?: number;
  /** Divide each row's gradient by how often its index occurs in the input (default false). */
  scaleGradByFreq?: boolean;
  /** Only false: sparse gradients are not supported. */
  sparse?: boolean;
}

/** Resolve paddingIdx against numEmbeddings (PyTorch's rule: in [-num, num), negative counts from the end); -1 when none. */
export function paddingIdxArg(op: string, v: unknown, num: number): number {
  if (v === undefined || v === null) return -1;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${op}: expected paddingIdx to be an integer or null, got ${describeValue(v)}`);
  if (v >= num || v < -num) throw new RangeError(`${op}: Padding_idx must be within num_embeddings, got paddingIdx=${v} for ${num} embeddings`);
  return v < 0 ? v + num : v;
}

/** The options besides paddingIdx, checked. */
export function embeddingOptions(op: string, opts: EmbeddingOptions): { maxNorm: number | null; normType: number; scaleGradByFreq: boolean } {
  const maxNorm = opts.maxNorm ?? null;
  if (maxNorm !== null && typeof maxNorm !== 'number') throw new TypeError(`${op}: expected maxNorm to be a number or null, got ${describeValue(maxNorm)}`);
  const normType = opts.normType ?? 2;
  if (typeof normType !== 'number') throw new TypeError(`${op}: expected normType to be a number, got ${describeValue(normType)}`);
  const scaleGradByFreq = opts.scaleGradByFreq ?? false;
  if (typeof scaleGradByFreq !== 'boolean') throw new TypeError(`${op}: expected scaleGradByFreq to be a boolean, got ${describeValue(scaleGradByFreq)}`);
  if (opts.sparse !== undefined && opts.sparse !== false) {
    throw new RangeError(`${op}: sparse gradients are not supported, expected sparse to be false, got ${describeValue(opts.sparse)}`);
  }
  return { maxNorm, normType, scaleGradByFreq };
}

/**
 * PyTorch's embedding_renorm_: each distinct row of `idx` whose p-norm exceeds maxNorm is scaled by
 * maxNorm / (norm + 1e-7), in place, outside autograd.
 */
function renormRows(w: Float32Array, dim: number, idx: ArrayLike<number>, maxNorm: number, p: number): void {
  const seen = new Set<number>();
  for (let i = 0; i < idx.length; i++) {
    const row = idx[i];
    if (seen.has(row)) continue;
    seen.add(row);
    const o = row * dim;
    let norm = 0;
    if (p === Infinity) for (let j = 0; j < dim; j++) norm = Math.max(norm, Math.abs(w[o + j]));
    else if (p === 1) for (let j = 0; j < dim; j++) norm += Math.abs(w[o + j]);
    else if (p === 2) {
      for (let j = 0; j < dim; j++) norm += w[o + j] * w[o + j];
      norm = Math.sqrt(norm);
    } else {
      for (let j = 0; j < dim; j++) norm += Math.abs(w[o + j]) ** p;
      norm **= 1 / p;
    }
    if (norm > maxNorm) {
      const scale = maxNorm / (norm + 1e-7);
      for (let j = 0; j < dim; j++) w[o + j] *= scale;
    }
  }
}

/**
 * The rows of `weight` at the int64 indices of `input`. With maxNorm, the looked-up rows of `weight`
 * are first renormalised in place (as PyTorch does). The gradient of weight sums the output gradients
 * into the looked-up rows, except the paddingIdx row (which stays zero).
 *
 * Shape: input (*) int64, weight (numEmbeddings, embeddingDim) -> (*, embeddingDim).
 * @example embedding(tensor([[0, 2]], { dtype: 'int64' }), weight) // (1, 2, dim)
 */
export function embedding(input: Tensor, weight: Tensor, opts: EmbeddingOptions = {}): Tensor {
  const op = 'embedding';
  opts = optionsArg(op, opts) as typeof opts;
  tensorArg(op, 'input', input);
  tensorArg(op, 'weight', weight);
  if (input.dtype !== 'int64') throw new TypeError(`${op}: expected input (indices) of dtype int64, got ${input.dtype}`);
  if (weight.dtype !== 'float32') throw new TypeError(`${op}: expected weight to be float32, got ${weight.dtype}`);
  if (weight.ndim !== 2) throw new RangeError(`${op}: 'weight' must be 2-D, got shape ${shapeStr(weight.shape)}`);
  const [num, dim] = weight.shape;
  const pad = paddingIdxArg(op, opts.paddingIdx, num);
  const { maxNorm, normType, scaleGradByFreq } = embeddingOptions(op, opts);
  const idx = input.data;
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= num) throw new RangeError(`${op}: index out of range in self: index ${idx[i]} for weight with ${num} rows`);
  }
  const wd = weight.data as Float32Array;
  if (maxNorm !== null) {
    renormRows(wd, dim, idx, maxNorm, normType);
    weight._bumpVersion(); // torch.embedding_renorm_ is an in-place op: a bump even when no row changed
  }
  const out = activationBuffer(idx.length * dim); // every row written below
  for (let i = 0; i < idx.length; i++) out.set(wd.subarray(idx[i] * dim, (idx[i] + 1) * dim), i * dim);
  // The int64 indices take no gradient: recorded as an attribute (the exporter's Gather reads them).
  return record(new Tensor(out, [...input.shape, dim]), 'EmbeddingBackward0', [weight], (g) => {
    // The rows were checked against num above, and a table of more than 2**31 rows cannot be allocated.
    const rows = Int32Array.from(idx as Float64Array);
    const gw = gradBuffer(num * dim); // every row written (unused and padding rows as +0)
    getBackend().embeddingBackward(rows, g.data as Float32Array, gw, {
      n: rows.length, num, dim, paddingIdx: pad < 0 ? num : pad, scaleGradByFreq,
    });
    return [new Tensor(gw, weight.shape)];
  }, { input, maxNorm, normType }, { ownsOutput: true });
}
