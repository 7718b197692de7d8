/**
 * scaledDotProductAttention: softmax(Q K^T / sqrt(E) + mask) V, like PyTorch 2's
 * torch.nn.functional.scaled_dot_product_attention (PyTorch 1.13 computes the same inside
 * multi_head_attention_forward). The two products run on the bmm kernel.
 */
import { optionsArg } from './args.js';
import { Tensor, shapeStr } from '../tensor.js';
import { isTracing, record } from '../autograd/record.js';
import { markGraphInternal } from '../autograd/graph-internal.js';
import { full } from '../creation.js';
import { matmul } from './matmul.js';
import { scaledScores, scaledScoresApplies } from './scaled-scores.js';
import { transpose } from './transpose.js';
import { mul } from './mul.js';
import { add } from './add.js';
import { where } from './where.js';
import { softmax, maskedSoftmax } from './softmax.js';
import { dropout } from './dropout.js';
import { tensorArg } from './args.js';
import { broadcastShapes } from './broadcast.js';
import { describeValue } from '../util/describe.js';
import { defaultGenerator, type Generator } from '../util/generator.js';

/** Options of `scaledDotProductAttention`: attnMask, dropoutP, isCausal (and the dropout generator). */
export interface ScaledDotProductAttentionOptions {
  /**
   * (L, S) or broadcastable to (..., L, S): bool (true = may attend, false = masked out) or float (added to
   * the scores, e.g. -Infinity). Not together with isCausal.
   */
  attnMask?: Tensor | null;
  /** Dropout probability on the attention weights (default 0; applied as given, so pass 0 in evaluation). */
  dropoutP?: number;
  /** Query i attends to keys 0..i only (a lower-triangular mask; needs no attnMask). */
  isCausal?: boolean;
  /** Random source of the dropout mask (default the global generator). */
  generator?: Generator;
}

/** A bool mask as additive scores: 0 where allowed, -Infinity where not; a float mask as it is. */
export function additiveMask(op: string, mask: Tensor): Tensor {
  if (mask.dtype === 'bool') return where(mask, 0, full([], Number.NEGATIVE_INFINITY));
  if (mask.dtype !== 'float32') throw new TypeError(`${op}: expected a bool or float32 attention mask, got ${mask.dtype}`);
  return mask;
}

/**
 * The (L, S) causal mask as additive scores: 0 at and below the diagonal, -Infinity above. It takes no
 * gradient; record() only reports it to an active export trace, which writes it as a constant of these
 * sizes (it depends on nothing but them).
 */
export function causalMask(l: number, s: number): Tensor {
  const m = new Float32Array(l * s);
  for (let i = 0; i < l; i++) m.fill(Number.NEGATIVE_INFINITY, i * s + i + 1, (i + 1) * s);
  return record(new Tensor(m, [l, s]), 'CausalMask', [], () => [], { rows: l, cols: s });
}

/**
 * Attention of queries over keys and values, batched over the leading dims (e.g. batch, heads).
 *
 * Shape: query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev).
 * @example scaledDotProductAttention(q, k, v, { isCausal: true }) // q, k, v (N, H, T, E)
 */
export function scaledDotProductAttention(
  query: Tensor, key: Tensor, value: Tensor, opts: ScaledDotProductAttentionOptions = {},
): Tensor {
  const op = 'scaledDotProductAttention';
  opts = optionsArg(op, opts) as typeof opts;
  for (const [name, t] of [['query', query], ['key', key], ['value', value]] as const) {
    tensorArg(op, name, t);
    if (t.dtype !== 'float32') throw new TypeError(`${op}: expected ${name} to be float32, got ${t.dtype}`);
    if (t.ndim < 2) throw new RangeError(`${op}: expected ${name} with at least 2 dims (..., seq, features), got ${shapeStr(t.shape)}`);
  }
  const e = query.shape[query.ndim - 1];
  const l = query.shape[query.ndim - 2];
  const s = key.shape[key.ndim - 2];
  if (key.shape[key.ndim - 1] !== e) throw new RangeError(`${op}: expected key's last dim to equal query's (${e}), got ${shapeStr(key.shape)}`);
  if (value.shape[value.ndim - 2] !== s) throw new RangeError(`${op}: expected value with ${s} positions like key, got ${shapeStr(value.shape)}`);
  const p = opts.dropoutP ?? 0;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: expected dropoutP in [0, 1], got ${describeValue(p)}`);
  const mask = opts.attnMask ?? null;
  if (mask !== null) {
    tensorArg(op, 'attnMask', mask);
    if (opts.isCausal) throw new RangeError(`${op}: pass either attnMask or isCausal, not both`);
    broadcastShapes(op, mask.shape, [...query.shape.slice(0, -1), s]);
  }
  const additive = opts.isCausal ? causalMask(l, s) : mask === null ? null : additiveMask(op, mask);
  const { output, weights } = attention(query, key, value, additive, p, opts.generator ?? defaultGenerator);
  markGraphInternal(weights); // not returned: only the product with value (or the dropout) reads them
  return output;
}

/**
 * The mask rows when softmax can add `mask` itself (one kernel call, no broadcast add): a float32 mask
 * that takes no gradient, of shape (S), (L, S) or with leading 1s, whose sum with scores (..., L, S) keeps
 * the scores' shape. 0 otherwise, and while an export traces the forward (it maps the separate add).
 */
function fusableMaskRows(scores: Tensor, mask: Tensor): number {
  if (mask.dtype !== 'float32' || mask.requiresGrad || isTracing()) return 0;
  const [l, s] = scores.shape.slice(-2) as [number, number];
  const own = mask.shape.filter((_, i) => i < mask.ndim - 2 ? mask.shape[i] !== 1 : true);
  if (own.length > 2 || mask.ndim > scores.ndim || own[own.length - 1] !== s) return 0;
  const rows = own.length === 2 ? own[0]! : 1;
  return (rows === l || rows === 1) && l > 0 ? rows : 0;
}

/**
 * @internal The attention body shared with nn.MultiheadAttention: scores = (Q / sqrt(E)) K^T (+ mask),
 * weights = softmax(scores) (then dropout with probability p), output = weights V. The query is scaled
 * before the product, as PyTorch 1.13's multi_head_attention_forward does.
 */
export function attention(
  query: Tensor, key: Tensor, value: Tensor, additive: Tensor | null, p: number, generator: Generator,
): { output: Tensor; weights: Tensor } {
  const e = query.shape[query.ndim - 1];
  // One bmm with K read transposed and the scale as alpha; while an export traces, the separate ops it maps.
  // The fused scores are made here and read by one softmax (or mask add) only: graph-internal, their
  // storage is recycled after backward (src/autograd/graph-internal.ts).
  const fusedScores = !isTracing() && scaledScoresApplies(query, key);
  const scores = fusedScores ? scaledScores(query, key, 1 / Math.sqrt(e)) : matmul(mul(query, 1 / Math.sqrt(e)), transpose(key, -2, -1));
  if (fusedScores) markGraphInternal(scores);
  const { weights, dropped } = attentionWeights(scores, additive, p, generator);
  return { output: matmul(dropped, value), weights };
}

/**
 * @internal The middle of attention: weights = softmax(scores + mask) (the mask added by the softmax
 * kernel when it can be), and `dropped`, the weights after dropout with probability p (the weights
 * themselves when p = 0), which the product with the values reads.
 */
export function attentionWeights(scores: Tensor, additive: Tensor | null, p: number, generator: Generator): { weights: Tensor; dropped: Tensor } {
  const fusedRows = additive === null ? 0 : fusableMaskRows(scores, additive);
  const weights = fusedRows > 0
    ? maskedSoftmax(scores, additive!.data as Float32Array, fusedRows)
    : softmax(additive === null ? scores : add(scores, additive), -1);
  return { weights, dropped: p > 0 ? dropout(weights, p, true, generator) : weights };
}
