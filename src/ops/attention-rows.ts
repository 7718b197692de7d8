/**
 * @internal MultiheadAttention's two per-head products read straight from the projection rows, on the
 * strided bmm kernel (bmmHeads): the heads are never split into (N * H, len, hd) copies nor merged back.
 * Head h of batch entry b is the (len, hd) matrix at column h * hd of the rows of b: batch first, rows
 * (N, len, E) put it at b * len * E + h * hd with row stride E; sequence first, rows (len, N, E) at
 * b * E + h * hd with row stride N * E. The gradients are written into rows of the same layout.
 * Each product is the matmul kernel's, so the values are those of the split / bmm / merge chain they
 * replace (which an export still traces), without its two copies each way. Self-attention reads Q, K and
 * V in place from the packed rows of its one in_proj product (packedHeadScores, packedHeadOutput).
 */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { activationBuffer, gradBuffer, gradBufferZeroed } from '../util/grad-pool.js';
import { getBackend } from '../backend/select.js';

/** How one operand of bmmHeads lies in its array (first element, length, outer / head offsets, row stride). */
interface Addressing {
  start: number;
  len: number;
  outer: number;
  head: number;
  ld: number;
}

/**
 * The sizes of the rows: N batch entries of len positions, batch first or not, rows of `width` floats whose
 * H heads of hd features start at column `col` (width = H * hd, col = 0 for one projection's own rows;
 * width 3E and col 0 / E / 2E for q / k / v in self-attention's packed rows).
 */
interface RowsLayout {
  n: number;
  len: number;
  heads: number;
  hd: number;
  width: number;
  col: number;
  batchFirst: boolean;
}

/** Rows (N, len, width) (batch first) or (len, N, width) as N x H matrices (len, hd) from column col. */
function rowsAddressing({ n, len, heads, hd, width, col, batchFirst }: RowsLayout): Addressing {
  const total = n * len * width;
  return batchFirst
    ? { start: col, len: total, outer: len * width, head: hd, ld: width }
    : { start: col, len: total, outer: width, head: hd, ld: n * width };
}

/** Contiguous heads (N * H, rows, cols) as N x H matrices (rows, cols). */
function headsAddressing(n: number, heads: number, rows: number, cols: number): Addressing {
  return { start: 0, len: n * heads * rows * cols, outer: heads * rows * cols, head: rows * cols, ld: cols };
}

/** x from the operand's first element (bmmHeads addresses from element 0 of the array it gets). */
function from(x: Float32Array, at: Addressing): Float32Array {
  return at.start === 0 ? x : x.subarray(at.start);
}

/** c = alpha * op(a) @ op(b) + beta * c for each of the N x H products (m, n, k) through the given addressings. */
function products(
  a: Float32Array, aAt: Addressing, b: Float32Array, bAt: Addressing, c: Float32Array, cAt: Addressing,
  outer: number, heads: number, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta = 0,
): void {
  getBackend().bmmHeads(from(a, aAt), from(b, bAt), from(c, cAt), {
    outer, heads, m, n, k, transA, transB, alpha, beta,
    aLen: aAt.len - aAt.start, aOuter: aAt.outer, aHead: aAt.head, aLd: aAt.ld,
    bLen: bAt.len - bAt.start, bOuter: bAt.outer, bHead: bAt.head, bLd: bAt.ld,
    cLen: cAt.len - cAt.start, cOuter: cAt.outer, cHead: cAt.head, cLd: cAt.ld,
  });
}

/**
 * The layout of float32 rows x (N, len, W) or (len, N, W) holding `heads` heads of e / heads features from
 * column col (e = W, col = 0 for a projection's own rows).
 */
function layoutOf(x: Tensor, heads: number, batchFirst: boolean, e = x.shape[2]!, col = 0): RowsLayout {
  const [a, b, width] = x.shape as [number, number, number];
  const hd = e / heads;
  return batchFirst ? { n: a, len: b, heads, hd, width, col, batchFirst } : { n: b, len: a, heads, hd, width, col, batchFirst };
}

/**
 * Where a backward writes the gradient of packed rows x whose columns [c0, c1) of each row its products
 * fill: into the gradient the engine already holds for x when it hands one over (beta 1: added, as the
 * engine's sum would), else into a new zeroed buffer (beta 0; one memset of it all costs less than a
 * strided one of the other columns: 32 against 79 us for 1024 rows of 384, 256 of them zeroed).
 */
function packedGrad(x: Tensor, pending: Tensor | null): { g: Tensor; beta: number } {
  if (pending !== null) return { g: pending, beta: 1 };
  return { g: new Tensor(gradBufferZeroed(x.numel()), x.shape), beta: 0 };
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
 * Self-attention's scores from its packed projection rows qkv ((N, L, 3E) batch first, else (L, N, 3E):
 * one in_proj product of n = 3E): Q the columns [0, E), K the columns [E, 2E), read in place with row
 * stride 3E. The backward writes dQ and dK into the columns of one (N, L, 3E) gradient (that headOutput's
 * backward, which runs first, filled the V columns of when the engine hands it over).
 */
export function packedHeadScores(qkv: Tensor, heads: number, alpha: number, batchFirst: boolean): Tensor {
  const e = qkv.shape[2]! / 3;
  const ql = layoutOf(qkv, heads, batchFirst, e, 0);
  const kl = { ...ql, col: e };
  const { n, len: l, hd } = ql;
  const qAt = rowsAddressing(ql);
  const kAt = rowsAddressing(kl);
  const sAt = headsAddressing(n, heads, l, l);
  const xd = qkv.data as Float32Array;
  const out = activationBuffer(n * heads * l * l);
  products(xd, qAt, xd, kAt, out, sAt, n, heads, l, l, hd, false, true, alpha);
  return record(new Tensor(out, [n * heads, l, l]), 'BmmBackward0', [qkv], (g, _owned, pending) => {
    const gd = g.data as Float32Array;
    const { g: gx, beta } = packedGrad(qkv, pending(0));
    const gxd = gx.data as Float32Array;
    products(gd, sAt, xd, kAt, gxd, qAt, n, heads, l, hd, l, false, false, alpha, beta);
    products(gd, sAt, xd, qAt, gxd, kAt, n, heads, l, hd, l, true, false, alpha, beta);
    return [gx];
  }, undefined, { ownsOutput: true });
}

/**
 * The attention output P V per head, merged into rows: p (N * H, L, S) and value rows v ((N, S, E) batch
 * first, else (S, N, E)) give (N * L, E) rows in (N, L) order batch first, else (L * N, E) in (L, N) order.
 */
export function headOutput(p: Tensor, v: Tensor, heads: number, batchFirst: boolean): Tensor {
  return output(p, v, heads, batchFirst, v.shape[2]!, 0);
}

/**
 * headOutput with V the columns [2E, 3E) of self-attention's packed projection rows qkv ((N, L, 3E) batch
 * first, else (L, N, 3E)), read in place with row stride 3E; the backward writes dV into those columns of
 * a (N, L, 3E) gradient (zero elsewhere, or the one the engine hands over) for packedHeadScores to fill.
 */
export function packedHeadOutput(p: Tensor, qkv: Tensor, heads: number, batchFirst: boolean): Tensor {
  const e = qkv.shape[2]! / 3;
  return output(p, qkv, heads, batchFirst, e, 2 * e);
}

/** P V per head with V the e features from column col of the rows v (all of them for headOutput). */
function output(p: Tensor, v: Tensor, heads: number, batchFirst: boolean, e: number, col: number): Tensor {
  const vl = layoutOf(v, heads, batchFirst, e, col);
  const { n, hd } = vl;
  const s = vl.len;
  const l = p.shape[1]!;
  const oAt = rowsAddressing({ ...vl, len: l, width: e, col: 0 });
  const vAt = rowsAddressing(vl);
  const pAt = headsAddressing(n, heads, l, s);
  const pd = p.data as Float32Array;
  const vd = v.data as Float32Array;
  const out = activationBuffer(n * l * e);
  products(pd, pAt, vd, vAt, out, oAt, n, heads, l, hd, s, false, false, 1); // (L, S) @ (S, hd)
  return record(new Tensor(out, [n * l, e]), 'BmmBackward0', [p, v], (g, _owned, pending) => {
    const gd = g.data as Float32Array;
    // dP (L, S) = G (L, hd) @ V (S, hd)^T; dV (S, hd) = P^T (S, L) @ G (L, hd)
    let gp: Tensor | null = null;
    let gv: Tensor | null = null;
    if (p.requiresGrad) {
      gp = new Tensor(gradBuffer(p.numel()), p.shape);
      products(gd, oAt, vd, vAt, gp.data as Float32Array, pAt, n, heads, l, s, hd, false, true, 1);
    }
    if (v.requiresGrad) {
      // V's own rows: a new gradient, all of it written; packed rows: its V columns (packedGrad)
      const { g: gx, beta } = vl.width === e ? { g: new Tensor(gradBuffer(v.numel()), v.shape), beta: 0 } : packedGrad(v, pending(1));
      gv = gx;
      products(pd, pAt, gd, oAt, gv.data as Float32Array, vAt, n, heads, s, hd, l, true, false, 1, beta);
    }
    return [gp, gv];
  }, undefined, { ownsOutput: true });
}
