/** MultiheadAttention (torch.nn.MultiheadAttention), with PyTorch's parameter names and initialisation. */
import { optionsArg } from '../ops/args.js';
import { Tensor, shapeStr } from '../tensor.js';
import { empty, zeros } from '../creation.js';
import { linear, linearAs } from '../ops/linear.js';
import { narrow } from '../ops/narrow.js';
import { reshape, squeeze, unsqueeze } from '../ops/reshape.js';
import { transpose } from '../ops/transpose.js';
import { permute } from '../ops/permute.js';
import { mean } from '../ops/sum.js';
import { add } from '../ops/add.js';
import { where } from '../ops/where.js';
import { expand } from '../ops/expand.js';
import { attention, attentionWeights } from '../ops/scaled-dot-product-attention.js';
import { headScores, headOutput, packedHeadScores, packedHeadOutput } from '../ops/attention-rows.js';
import { isTracing } from '../autograd/record.js';
import { markGraphInternal } from '../autograd/graph-internal.js';
import { boolArg, intArg } from '../ops/args.js';
import { full } from '../creation.js';
import { defaultGenerator, type Generator } from '../util/generator.js';
import { describeValue } from '../util/describe.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { Linear } from './linear.js';
import { registerPrivacyRule } from './graph-internal.js';
import { xavierUniform_ } from './init.js';

/** PyTorch's out_proj class (a Linear under another name, which shows in the repr). */
export class NonDynamicallyQuantizableLinear extends Linear {}

/** Options of `nn.MultiheadAttention`: dropout, bias, batchFirst, kdim and vdim, as in PyTorch. */
export interface MultiheadAttentionOptions {
  /** Dropout probability on the attention weights in training mode (default 0). */
  dropout?: number;
  /** Input and output projection biases (default true). */
  bias?: boolean;
  /** Feature size of key (default embedDim); with vdim != embedDim the projections are separate weights. */
  kdim?: number;
  /** Feature size of value (default embedDim). */
  vdim?: number;
  /** Inputs and output are (N, L, E) instead of (L, N, E) (default false). */
  batchFirst?: boolean;
  /** Random source for the initialisation and the dropout masks (default the global generator). */
  generator?: Generator;
}

/** Options of `MultiheadAttention.forward`: keyPaddingMask, needWeights, attnMask and averageAttnWeights. */
export interface MultiheadAttentionForwardOptions {
  /** (N, S) or (S): true (or -Infinity) marks key positions to ignore (padding). */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** (L, S) or (N * numHeads, L, S): true (or -Infinity) where a query may not attend to a key; floats are added. */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads (default true); otherwise (N, numHeads, L, S). */
  averageAttnWeights?: boolean;
}

/** A PyTorch-convention mask as additive scores: bool true -> -Infinity, false -> 0; a float mask as it is. */
function maskScores(what: string, m: Tensor): Tensor {
  if (m.dtype === 'bool') return cachedBoolMaskScores(m) ?? boolMaskScores(m);
  if (m.dtype !== 'float32') throw new TypeError(`MultiheadAttention: expected ${what} to be bool or float32, got ${m.dtype}`);
  return m;
}

/** A bool mask as additive float32 scores (a new tensor): true -> -Infinity, false -> 0. */
function boolMaskScores(m: Tensor): Tensor {
  return where(m, full([], Number.NEGATIVE_INFINITY), 0);
}

/** One cached conversion per (L, S): a copy of the bool mask's bytes and its additive scores. */
interface CachedMaskScores {
  bytes: Uint8Array;
  scores: Tensor;
}

/** The last conversions of contiguous (L, S) bool masks, keyed "L,S"; at most MASK_CACHE_SIZE entries. */
const maskScoresCache = new Map<string, CachedMaskScores>();
const MASK_CACHE_SIZE = 8;

/**
 * The additive scores of a contiguous 2-D bool mask from the cache when a mask of the same (L, S) and the
 * same elements was converted before (the causal mask a model passes to every layer and every step), so
 * the conversion runs once and no `where` broadcast runs per step; null when it cannot be used (an export trace records the
 * conversion; other ranks and strided views take the plain path). The match compares the elements
 * themselves, not the tensor's identity or version, so a mask written in any way (even through `.data`)
 * never gets stale scores. The cached scores take no gradient and are never returned to the caller: only
 * attention's softmax (or the add of a key padding mask) reads them, so no one can write into them.
 */
function cachedBoolMaskScores(m: Tensor): Tensor | null {
  if (m.ndim !== 2 || !m.isContiguous() || isTracing()) return null;
  const bytes = m.data as Uint8Array;
  const key = `${m.shape[0]},${m.shape[1]}`;
  const hit = maskScoresCache.get(key);
  if (hit && sameBytes(hit.bytes, bytes)) return hit.scores;
  // Built here in memory of its own (not a backend's pooled or wasm-heap output), so it outlives any step.
  const values = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) if (bytes[i]) values[i] = Number.NEGATIVE_INFINITY;
  const scores = new Tensor(values, [m.shape[0], m.shape[1]]);
  if (!hit && maskScoresCache.size >= MASK_CACHE_SIZE) maskScoresCache.delete(maskScoresCache.keys().next().value!);
  maskScoresCache.set(key, { bytes: bytes.slice(), scores });
  return scores;
}

/** Whether a and b hold the same bytes. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Attention over numHeads heads of size embedDim / numHeads: Q, K, V projections (in_proj_weight, or
 * q/k/v_proj_weight when kdim or vdim differ from embedDim, and in_proj_bias), scaled dot-product
 * attention per head, then out_proj. `forward(query, key, value, opts)` returns [output, weights | null].
 *
 * Shape: query (L, N, E), key (S, N, kdim), value (S, N, vdim) (batch first with batchFirst; or unbatched
 * (L, E)) -> output like query; weights (N, L, S) (or (N, numHeads, L, S) without averaging).
 * @example const mha = new nn.MultiheadAttention(64, 8); const [out, w] = mha.forward(x, x, x)
 */
export class MultiheadAttention extends Module<[Tensor, Tensor, Tensor, MultiheadAttentionForwardOptions?], [Tensor, Tensor | null]> {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly batchFirst: boolean;
  dropout: number;
  generator: Generator;
  declare out_proj: NonDynamicallyQuantizableLinear;

  constructor(embedDim: number, numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    const cls = 'MultiheadAttention';
    opts = optionsArg(cls, opts) as typeof opts;
    this.embedDim = intArg(cls, 'embedDim', embedDim, 1);
    this.numHeads = intArg(cls, 'numHeads', numHeads, 1);
    if (embedDim % numHeads !== 0) throw new RangeError(`${cls}: embed_dim must be divisible by num_heads, got embedDim=${embedDim}, numHeads=${numHeads}`);
    this.headDim = embedDim / numHeads;
    this.kdim = intArg(cls, 'kdim', opts.kdim ?? embedDim, 1);
    this.vdim = intArg(cls, 'vdim', opts.vdim ?? embedDim, 1);
    this.batchFirst = boolArg(cls, 'batchFirst', opts.batchFirst ?? false);
    const p = opts.dropout ?? 0;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${cls}: expected dropout in [0, 1], got ${describeValue(p)}`);
    this.dropout = p;
    this.generator = opts.generator ?? defaultGenerator;
    const bias = boolArg(cls, 'bias', opts.bias ?? true);
    const E = embedDim;
    if (this.sameEmbedDim) {
      this.registerParameter('in_proj_weight', new Parameter(empty([3 * E, E])));
    } else {
      this.registerParameter('q_proj_weight', new Parameter(empty([E, E])));
      this.registerParameter('k_proj_weight', new Parameter(empty([E, this.kdim])));
      this.registerParameter('v_proj_weight', new Parameter(empty([E, this.vdim])));
    }
    this.registerParameter('in_proj_bias', bias ? new Parameter(zeros([3 * E])) : null);
    this.registerModule('out_proj', new NonDynamicallyQuantizableLinear(E, E, { bias, generator: opts.generator }));
    this.resetParameters(opts.generator);
  }

  /** Whether Q, K and V share one in_proj_weight (kdim = vdim = embedDim). */
  get sameEmbedDim(): boolean {
    return this.kdim === this.embedDim && this.vdim === this.embedDim;
  }

  /** PyTorch's _reset_parameters: xavier-uniform projections, zero biases (out_proj's weight keeps Linear's init). */
  resetParameters(generator?: Generator): void {
    const params = this._parameters;
    for (const name of ['in_proj_weight', 'q_proj_weight', 'k_proj_weight', 'v_proj_weight']) {
      const w = params.get(name);
      if (w) xavierUniform_(w, 1, generator);
    }
    params.get('in_proj_bias')?._fill(0);
    this.out_proj.bias?._fill(0);
  }

  /** Rows [i * E, (i + 1) * E) of the packed projection (i = 0, 1, 2 for q, k, v) as weight and bias. */
  private projection(i: number): [Tensor, Tensor | null] {
    const E = this.embedDim;
    const params = this._parameters;
    const w = this.sameEmbedDim ? narrow(params.get('in_proj_weight')!, 0, i * E, E) : params.get(['q_proj_weight', 'k_proj_weight', 'v_proj_weight'][i])!;
    const b = params.get('in_proj_bias');
    return [w, b ? narrow(b, 0, i * E, E) : null];
  }

  override forward(query: Tensor, key: Tensor, value: Tensor, opts: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const cls = 'MultiheadAttention';
    for (const [name, t] of [['query', query], ['key', key], ['value', value]] as const) {
      if (!(t instanceof Tensor)) throw new TypeError(`${cls}: expected ${name} to be a Tensor, got ${describeValue(t)}`);
      if (t.dtype !== 'float32') throw new TypeError(`${cls}: expected ${name} to be float32, got ${t.dtype}`);
    }
    const unbatched = query.ndim === 2;
    if (query.ndim !== 2 && query.ndim !== 3) throw new RangeError(`${cls}: query should be unbatched 2D or batched 3D tensor but received ${query.ndim}-D query tensor`);
    if (key.ndim !== query.ndim || value.ndim !== query.ndim) {
      throw new RangeError(`${cls}: For ${unbatched ? 'unbatched (2-D)' : 'batched (3-D)'} \`query\`, expected \`key\` and \`value\` to be ${query.ndim}-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
    }
    let q = query;
    let k = key;
    let v = value;
    let kpm = opts.keyPaddingMask ?? null;
    if (unbatched) {
      q = unsqueeze(q, 1);
      k = unsqueeze(k, 1);
      v = unsqueeze(v, 1);
      if (kpm) kpm = unsqueeze(kpm, 0);
    }
    // Batch first stays (N, L, E) through the projections, with no transposed copy of the inputs and none
    // of the output.
    const bf = this.batchFirst && !unbatched;
    const seq = bf ? 1 : 0;
    const L = q.shape[seq];
    const N = q.shape[1 - seq];
    const E = q.shape[2];
    const S = k.shape[seq];
    const H = this.numHeads;
    const hd = this.headDim;
    if (E !== this.embedDim) throw new RangeError(`${cls}: was expecting embedding dimension of ${this.embedDim}, but got ${E}`);
    if (k.shape[1 - seq] !== N || v.shape[1 - seq] !== N || v.shape[seq] !== S || k.shape[2] !== this.kdim || v.shape[2] !== this.vdim) {
      const [ks, vs] = bf ? [`(N=${N}, S, ${this.kdim})`, `(N=${N}, S, ${this.vdim})`] : [`(S, N=${N}, ${this.kdim})`, `(S, N=${N}, ${this.vdim})`];
      throw new RangeError(`${cls}: expected key ${ks} and value ${vs} with the same S, got key ${shapeStr(k.shape)} and value ${shapeStr(v.shape)}`);
    }
    // Outside an export trace the heads are read straight from the projection rows and the output written
    // into merged rows by the strided bmm kernel (src/ops/attention-rows.ts): no split or merge copy. The
    // projections (made by the functional linear here, where no hook sees them) are read only by those
    // products: graph-internal, recycled after backward. An export traces the reshape / transpose chain.
    const fused = !isTracing();
    const heads = (x: Tensor, len: number): Tensor => bf ? splitHeadsBatchFirst(x, H) : transpose(reshape(x, [len, N * H, hd]), 0, 1); // (N * H, len, hd)
    // Self-attention (one tensor as query, key and value) projects once with the whole in_proj_weight
    // (3E, E): packed (.., 3E) rows whose Q, K, V columns the heads read in place, one product of n = 3E
    // forward and one each for the input and weight gradients, no narrow views of the weight.
    const packed = fused && this.sameEmbedDim && query === key && key === value;
    let qp = q;
    let kp = k;
    let vp = v;
    if (packed) {
      qp = kp = vp = internal(linear(q, this._parameters.get('in_proj_weight')!, this._parameters.get('in_proj_bias') ?? null));
    } else {
      const [wq, bq] = this.projection(0);
      const [wk, bk] = this.projection(1);
      const [wv, bv] = this.projection(2);
      const project = (x: Tensor, w: Tensor, b: Tensor | null): Tensor => fused ? internal(linear(x, w, b)) : linear(x, w, b);
      qp = project(q, wq, bq);
      kp = project(k, wk, bk);
      vp = project(v, wv, bv);
    }

    let mask: Tensor | null = null;
    const am = opts.attnMask ?? null;
    if (am) {
      const ok = (am.ndim === 2 && am.shape[0] === L && am.shape[1] === S) || (am.ndim === 3 && am.shape[0] === N * H && am.shape[1] === L && am.shape[2] === S);
      if (!ok) throw new RangeError(`${cls}: expected attnMask of shape (${L}, ${S}) or (${N * H}, ${L}, ${S}), got ${shapeStr(am.shape)}`);
      mask = maskScores('attnMask', am);
    }
    if (kpm) {
      if (kpm.ndim !== 2 || kpm.shape[0] !== N || kpm.shape[1] !== S) {
        throw new RangeError(`${cls}: expected keyPaddingMask of shape (${N}, ${S}), got ${shapeStr(kpm.shape)}`);
      }
      const padScores = reshape(expand(reshape(maskScores('keyPaddingMask', kpm), [N, 1, 1, S]), [N, H, 1, S]), [N * H, 1, S]);
      mask = mask ? add(mask, padScores) : padScores;
    }
    const p = this.training ? this.dropout : 0;
    const needWeights = opts.needWeights ?? true;
    let weights: Tensor;
    let merged: Tensor; // rows (N, L) or (L, N) of E = H * hd features, as the output's layout wants them
    if (fused) {
      const alpha = 1 / Math.sqrt(hd);
      const scores = internal(packed ? packedHeadScores(qp, H, alpha, bf) : headScores(qp, kp, H, alpha, bf)); // read by the softmax only
      const w = attentionWeights(scores, mask, p, this.generator);
      weights = w.weights;
      merged = internal(packed ? packedHeadOutput(w.dropped, vp, H, bf) : headOutput(w.dropped, vp, H, bf)); // read by out_proj's linear only
    } else {
      const a = attention(heads(qp, L), heads(kp, S), heads(vp, S), mask, p, this.generator);
      weights = a.weights;
      // (N * H, L, hd) -> rows
      merged = bf ? reshape(permute(reshape(a.output, [N, H, L, hd]), [0, 2, 1, 3]), [N * L, E]) : reshape(transpose(a.output, 0, 1), [L * N, E]);
    }
    if (!needWeights) markGraphInternal(weights); // only the product with V (or the dropout) reads them
    // Outside a trace out_proj writes the (N, L, E) / (L, N, E) output as its own storage (no reshape view),
    // so a container that passes it on privately can have it recycled (TransformerEncoderLayer).
    const [wo, bo] = [this.out_proj.weight, this.out_proj.bias];
    let out = fused ? linearAs(merged, wo, bo, bf ? [N, L] : [L, N]) : reshape(linear(merged, wo, bo), bf ? [N, L, E] : [L, N, E]);
    let w: Tensor | null = null;
    if (needWeights) {
      w = reshape(weights, [N, H, L, S]);
      if (opts.averageAttnWeights ?? true) w = mean(w, [1]);
      if (unbatched) w = squeeze(w, 0);
    }
    if (unbatched) out = squeeze(out, 1);
    return [out, w];
  }
}

// The attention's output is its out_proj's own storage (linearAs outside a trace; a view in a trace or when
// unbatched, which is then never recycled), no user code runs inside its forward (out_proj's hooks do not
// run: its weight is used directly, as in PyTorch), and it keeps no reference to it.
registerPrivacyRule(MultiheadAttention, { consumes: () => false, produces: () => true });

/** t marked graph-internal (a tensor this forward made and passes to one op only, never returned); t itself. */
function internal(t: Tensor): Tensor {
  markGraphInternal(t);
  return t;
}

/**
 * A batch-first projection (N, len, H * hd) as heads (N * H, len, hd), contiguous for the bmm kernel: one
 * gather forward (the permute's copy) and one back (the permute's gradient).
 */
function splitHeadsBatchFirst(x: Tensor, H: number): Tensor {
  const [N, len, E] = x.shape;
  return reshape(permute(reshape(x, [N, len, H, E / H]), [0, 2, 1, 3]), [N * H, len, E / H]);
}
