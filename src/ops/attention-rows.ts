/**
 * @internal MultiheadAttention's two per-head products read straight from the projection rows, on the
 * strided bmm kernel (bmmHeads): the heads are never split into (N * H, len, hd) copies nor merged back.
 * Head h of batch entry b is the (len, hd) matrix at column h * hd of the rows of b: batch first, rows
 * (N, len, E) put it at b * len * E + h * hd with row stride E; sequence first, rows (len, N, E) at
 * b * E + h * hd with row stride N * E. The gradients are written into rows of the same layout.
 * Each product is the matmul kernel's, so the values are those of the split / bmm / merge chain they
 * replace (which an export still traces), without its two copies each way.
 */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { activationBuffer, gradBuffer } from '../util/grad-pool.js';
import { getBackend } from '../backend/select.js';

/** How one operand of bmmHeads lies in its array (its length, outer / head offsets, row stride). */
interface Addressing {
  len: number;
  outer: number;
  head: number;
  ld: number;
}

/** The sizes of the rows: N batch entries of len positions, H heads of hd features, batch first or not. */
interface RowsLayout {
  n: number;
  len: number;
  heads: number;
  hd: number;
  batchFirst: boolean;
}

/** Rows (N, len, E) (batch first) or (len, N, E) as N x H matrices (len, hd). */
function rowsAddressing({ n, len, heads, hd, batchFirst }: RowsLayout): Addressing {
  const e = heads * hd;
  return batchFirst
    ? { len: n * len * e, outer: len * e, head: hd, ld: e }
    : { len: n * len * e, outer: e, head: hd, ld: n * e };
}

/** Contiguous heads (N * H, rows, cols) as N x H matrices (rows, cols). */
function headsAddressing(n: number, heads: number, rows: number, cols: number): Addressing {
  return { len: n * heads * rows * cols, outer: heads * rows * cols, head: rows * cols, ld: cols };
}

/** c = alpha * op(a) @ op(b) for each of the N x H products (m, n, k) through the given addressings. */
function products(
  a: Float32Array, aAt: Addressing, b: Float32Array, bAt: Addressing, c: Float32Array, cAt: Addressing,
  outer: number, heads: number, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number,
): void {
  getBackend().bmmHeads(a, b, c, {
    outer, heads, m, n, k, transA, transB, alpha, beta: 0,
    aLen: aAt.len, aOuter: aAt.outer, aHead: aAt.head, aLd: aAt.ld,
    bLen: bAt.len, bOuter: bAt.outer, bHead: bAt.head, bLd: bAt.ld,
    cLen: cAt.len, cOuter: cAt.outer, cHead: cAt.head, cLd: cAt.ld,
  });
}

/** The layout of float32 projection rows x (N, len, E) or (len, N, E) with `heads` heads. */
function layoutOf(x: Tensor, heads: number, batchFirst: boolean): RowsLayout {
  const [a, b, e] = x.shape as [number, number, number];
  return batchFirst ? { n: a, len: b, heads, hd: e / heads, batchFirst } : { n: b, len: a, heads, hd: e / heads, batchFirst };
}

/**
 * The attention scores alpha * Q K^T per head, (N * H, L, S), from the query rows q and key rows k
 * (contiguous float32, (N, L, E) and (N, S, E) batch first, else (L, N, E) and (S, N, E)).
 */
export function headScores(q: Tensor, k: Tensor, heads: number, alpha: number, batchFirst: boolean): Tensor {
  const ql = layoutOf(q, heads, batchFirst);
  const kl = layoutOf(k, heads, batchFirst);
  const { n, len: l, hd } = ql;
  const s = kl.len;
  const qAt = rowsAddressing(ql);
  const kAt = rowsAddressing(kl);
  const sAt = headsAddressing(n, heads, l, s);
  const qd = q.data as Float32Array;
  const kd = k.data as Float32Array;
  const out = activationBuffer(n * heads * l * s);
  products(qd, qAt, kd, kAt, out, sAt, n, heads, l, s, hd, false, true, alpha); // (L, hd) @ (S, hd)^T
  return record(new Tensor(out, [n * heads, l, s]), 'BmmBackward0', [q, k], (g) => {
    const gd = g.data as Float32Array;
    // dQ (L, hd) = alpha * G (L, S) @ K (S, hd); dK (S, hd) = alpha * G^T (S, L) @ Q (L, hd)
    let gq: Tensor | null = null;
    let gk: Tensor | null = null;
    if (q.requiresGrad) {
      gq = new Tensor(gradBuffer(q.numel()), q.shape);
      products(gd, sAt, kd, kAt, gq.data as Float32Array, qAt, n, heads, l, hd, s, false, false, alpha);
    }
    if (k.requiresGrad) {
      gk = new Tensor(gradBuffer(k.numel()), k.shape);
      products(gd, sAt, qd, qAt, gk.data as Float32Array, kAt, n, heads, s, hd, l, true, false, alpha);
    }
    return [gq, gk];
  }, undefined, { ownsOutput: true });
}

/**
 * The attention output P V per head, merged into rows: p (N * H, L, S) and value rows v ((N, S, E) batch
 * first, else (S, N, E)) give (N * L, E) rows in (N, L) order batch first, else (L * N, E) in (L, N) order.
 */
export function headOutput(p: Tensor, v: Tensor, heads: number, batchFirst: boolean): Tensor {
  const vl = layoutOf(v, heads, batchFirst);
  const { n, hd } = vl;
  const s = vl.len;
  const l = p.shape[1]!;
  const e = heads * hd;
  const oAt = rowsAddressing({ ...vl, len: l });
  const vAt = rowsAddressing(vl);
  const pAt = headsAddressing(n, heads, l, s);
  const pd = p.data as Float32Array;
  const vd = v.data as Float32Array;
  const out = activationBuffer(n * l * e);
  products(pd, pAt, vd, vAt, out, oAt, n, heads, l, hd, s, false, false, 1); // (L, S) @ (S, hd)
  return record(new Tensor(out, [n * l, e]), 'BmmBackward0', [p, v], (g) => {
    const gd = g.data as Float32Array;
    // dP (L, S) = G (L, hd) @ V (S, hd)^T; dV (S, hd) = P^T (S, L) @ G (L, hd)
    let gp: Tensor | null = null;
    let gv: Tensor | null = null;
    if (p.requiresGrad) {
      gp = new Tensor(gradBuffer(p.numel()), p.shape);
      products(gd, oAt, vd, vAt, gp.data as Float32Array, pAt, n, heads, l, s, hd, false, true, 1);
    }
    if (v.requiresGrad) {
      gv = new Tensor(gradBuffer(v.numel()), v.shape);
      products(pd, pAt, gd, oAt, gv.data as Float32Array, vAt, n, heads, s, hd, l, true, false, 1);
    }
    return [gp, gv];
  }, undefined, { ownsOutput: true });
}
