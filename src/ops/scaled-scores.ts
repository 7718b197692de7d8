/**
 * @internal The attention scores alpha * Q K^T as one bmm call with the kernel's transB flag and alpha:
 * no transposed copy of K (its (..., S, E) rows are read as they are), no scaled copy of Q. The backward
 * runs on the same kernel: dQ = alpha * G K, dK = alpha * G^T Q (transA), so no transpose view's gradient
 * is gathered back either. Scaling after the product instead of before (PyTorch 1.13 scales Q first)
 * differs by rounding only.
 */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { batchedMatmul } from './matmul.js';
import { activationBuffer, gradBuffer } from '../util/grad-pool.js';

/**
 * Whether `scaledScores` applies: float32 query (..., L, E) and key (..., S, E) with the same leading dims
 * (no broadcast of batch dims, which the general matmul handles).
 */
export function scaledScoresApplies(query: Tensor, key: Tensor): boolean {
  if (query.ndim < 2 || query.ndim !== key.ndim) return false;
  if (query.dtype !== 'float32' || key.dtype !== 'float32') return false;
  for (let d = 0; d < query.ndim - 2; d++) if (query.shape[d] !== key.shape[d]) return false;
  return query.shape[query.ndim - 1] === key.shape[key.ndim - 1];
}

/** alpha * query @ key^T over the last two dims: (..., L, E) x (..., S, E) -> (..., L, S). */
export function scaledScores(query: Tensor, key: Tensor, alpha: number): Tensor {
  const nd = query.ndim;
  const lead = query.shape.slice(0, -2);
  const l = query.shape[nd - 2];
  const s = key.shape[nd - 2];
  const e = query.shape[nd - 1];
  const nb = lead.reduce((p, d) => p * d, 1);
  const Q = { data: query.data as Float32Array, count: nb }; // float32: checked by scaledScoresApplies
  const K = { data: key.data as Float32Array, count: nb };
  const out = new Tensor(batchedMatmul(Q, K, nb, l, s, e, false, true, alpha, activationBuffer), [...lead, l, s]);
  return record(out, 'BmmBackward0', [query, key], (g) => {
    const G = { data: g.data as Float32Array, count: nb };
    // dQ (L, E) = alpha * G (L, S) @ K (S, E); dK (S, E) = alpha * G^T (S, L) @ Q (L, E)
    const gq = query.requiresGrad ? new Tensor(batchedMatmul(G, K, nb, l, e, s, false, false, alpha, gradBuffer), query.shape) : null;
    const gk = key.requiresGrad ? new Tensor(batchedMatmul(G, Q, nb, s, e, l, true, false, alpha, gradBuffer), key.shape) : null;
    return [gq, gk];
  }, undefined, { ownsOutput: true });
}
