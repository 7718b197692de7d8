/**
 * THE kernel boundary. A kernel takes flat typed arrays, integer sizes and one params object computed
 * once by the caller, and writes into an output the caller supplies (destination passing). Kernels never
 * allocate tensors, never see autograd and never validate user input: `src/ops` did that. (The native
 * addon re-validates anyway so that no JS call can crash the process.)
 *
 * Layouts are contiguous row-major; conv1d uses NCL (batch, channels, length), conv2d NCHW.
 */
import type { KERNELS, KernelName, PARAMS, ParamsName } from './manifest.js';

/** `C = alpha * op(A) @ op(B) + beta * C`, with op(A) of shape (m, k) and op(B) of shape (k, n). */
export interface MatmulParams {
  m: number;
  n: number;
  k: number;
  /** A is stored (k, m) and used transposed. Otherwise A is stored (m, k). */
  transA: boolean;
  /** B is stored (n, k) and used transposed. Otherwise B is stored (k, n). */
  transB: boolean;
  alpha: number;
  /** 0 overwrites C (its old contents are ignored, even NaN); 1 accumulates. */
  beta: number;
}

/**
 * Sizes of one conv1d: input (n, cIn, l), weight (cOut, cIn / groups, k), output (n, cOut, lOut),
 * lOut = floor((l + 2 * padding - dilation * (k - 1) - 1) / stride) + 1. Padding is zeros, both sides.
 */
export interface Conv1dParams {
  n: number;
  cIn: number;
  cOut: number;
  l: number;
  k: number;
  stride: number;
  padding: number;
  dilation: number;
  groups: number;
  lOut: number;
  /**
   * conv1dForward only: y = relu(conv1d(x, w) + bias) (`v < 0 ? +0 : v`, as reluForward), applied while each
   * block of y is still in cache. The backward kernels ignore it.
   */
  relu: boolean;
}

/**
 * Sizes of one conv2d: input (n, cIn, inH, inW), weight (cOut, cIn / groups, kH, kW), output
 * (n, cOut, outH, outW), outH = floor((inH + 2 * padH - dilationH * (kH - 1) - 1) / strideH) + 1 (outW
 * likewise). Padding is zeros, padH rows above and below, padW columns left and right.
 */
export interface Conv2dParams {
  n: number;
  cIn: number;
  cOut: number;
  inH: number;
  inW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
  groups: number;
  outH: number;
  outW: number;
  /** conv2dForward only: y = relu(conv2d(x, w) + bias) (`v < 0 ? +0 : v`, as reluForward). The backward kernels ignore it. */
  relu: boolean;
}

/**
 * One SGD update in place, PyTorch 1.13 `_single_tensor_sgd` semantics:
 * ```
 * d = maximize ? -g : g
 * if weightDecay != 0: d = d + weightDecay * p
 * if momentum != 0:
 *   buf = firstStep ? d : momentum * buf + (1 - dampening) * d
 *   d = nesterov ? d + momentum * buf : buf
 * p = p - lr * d
 * ```
 * with PyTorch's float32 rounding: the hyper-parameters are float32, `momentum * buf` is rounded on its
 * own, and each `x + a * y` is one fused multiply-add rounded once (ATen's add-with-alpha). The ref
 * backend (src/backend/ref/sgd.ts) spells this out; every backend matches it bit for bit.
 */
export interface SgdParams {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  /** The momentum buffer is not yet initialised: it becomes a copy of d. */
  firstStep: boolean;
}

/**
 * Sizes of one 1-D max pooling over `n * c` independent rows of length `l` (an (N, C, L) input; an
 * unbatched (C, L) one is n = 1). Padding is -inf on both sides, at most floor(k / 2); every window holds at
 * least one real element. lOut is PyTorch's pooling output length, in floor mode
 * floor((l + 2 * padding - dilation * (k - 1) - 1) / stride) + 1, or in ceil mode the ceil of the same
 * quotient plus 1, minus 1 if that last window would start past l + padding.
 */
export interface Pool1dParams {
  n: number;
  c: number;
  l: number;
  k: number;
  stride: number;
  padding: number;
  dilation: number;
  lOut: number;
}

/**
 * Sizes of one 2-D max pooling over `n * c` independent inH x inW planes (an (N, C, H, W) input; an
 * unbatched (C, H, W) one is n = 1): each dimension as {@link Pool1dParams} (padding -inf, at most half the
 * kernel; outH and outW in floor or ceil mode; every window holds at least one real element).
 */
export interface Pool2dParams {
  n: number;
  c: number;
  inH: number;
  inW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
  outH: number;
  outW: number;
}

/**
 * Sizes of one batch normalisation over x of shape (n, c, inner) (inner = product of the dims after the
 * channel; 1 for (N, C) input). `training`: compute the batch statistics (biased variance) into mean and
 * invstd; otherwise mean and invstd are inputs (the op fills them from the running statistics).
 */
export interface BatchNormParams {
  n: number;
  c: number;
  inner: number;
  training: boolean;
  /** Added to the biased batch variance before the square root (training only). */
  eps: number;
  /** batchNormForward only: y = relu(normalised x) (`v < 0 ? +0 : v`, as reluForward). batchNormBackward ignores it. */
  relu: boolean;
}

/**
 * `batch` independent products C[i] = alpha * op(A[i]) @ op(B[i]) + beta * C[i], each as {@link MatmulParams}
 * describes, with the matrices stored back to back. An operand with a batch count of 1 (aBatch or bBatch)
 * is shared by every product (a broadcast batch dim, e.g. one weight matrix for every sample).
 */
export interface BmmParams extends MatmulParams {
  batch: number;
  /** batch or 1 (then A is one matrix used for every product). */
  aBatch: number;
  /** batch or 1 (then B is one matrix used for every product). */
  bBatch: number;
}

/**
 * `outer * heads` products C[o, h] = alpha * op(A[o, h]) @ op(B[o, h]) + beta * C[o, h], each as
 * {@link MatmulParams} describes except that its rows lie `xLd` floats apart (not back to back), and the
 * matrix of product (o, h) starts at float o * xOuter + h * xHead of its array (x = a, b, c). Attention reads
 * its heads this way straight from the projections' rows (N, L, E): for head h of batch entry o the
 * (L, D) matrix at o * L * E + h * D with row stride E; no split or merge copy.
 * Stored shapes: A (m, k) or, with transA, (k, m); B (k, n) or, with transB, (n, k); C (m, n).
 * The addon checks that every address of every product lies below xLen (the array's length) and that no
 * two elements of C written by the call share an address; `a` and `b` may overlap each other, not `c`.
 */
export interface BmmHeadsParams extends MatmulParams {
  outer: number;
  heads: number;
  aLen: number;
  aOuter: number;
  aHead: number;
  aLd: number;
  bLen: number;
  bOuter: number;
  bHead: number;
  bLd: number;
  cLen: number;
  cOuter: number;
  cHead: number;
  cLd: number;
}

/**
 * One layer or group normalisation over `rows` contiguous rows of `d` elements (see the kernel contract).
 * Element e of row r uses the affine parameter k = ((r % groups) * d + e) / spatial (integer division):
 * layer norm has groups = spatial = 1 (k = e, d parameters); group norm has rows = N * groups, d = the
 * group's channels * spatial, spatial = the positions per channel (k = the channel; groups * d / spatial
 * parameters). d is a multiple of spatial.
 */
export interface AffineNormParams {
  rows: number;
  d: number;
  groups: number;
  spatial: number;
  /** Added to the biased variance before the square root. */
  eps: number;
}

/**
 * Sizes of one adaptive average pool over the last dim: `rows` independent signals of length l pooled to
 * lOut windows, window o = [floor(o * l / lOut), ceil((o + 1) * l / lOut)) (they overlap when lOut does not
 * divide l).
 */
export interface AdaptivePool1dParams {
  rows: number;
  l: number;
  lOut: number;
}

/**
 * One strided block copy: `outer` blocks of `blk` floats, block r read at r * srcStride + srcOffset and
 * written at r * dstStride + dstOffset (cat's forward copy into its slice of the output, and its backward
 * split). srcOffset + blk <= srcStride and dstOffset + blk <= dstStride (when outer > 0).
 */
export interface BlockCopyParams {
  outer: number;
  blk: number;
  srcStride: number;
  srcOffset: number;
  dstStride: number;
  dstOffset: number;
}

/**
 * Softmax over `rows` contiguous rows of `d` elements (the last dim of a contiguous tensor). An additive
 * mask, when given, holds `maskRows` rows of d; row r of x adds mask row r % maskRows before the softmax
 * (an attention mask (L, S) over scores (..., L, S): maskRows = L). maskRows is 1 when there is no mask.
 */
export interface SoftmaxParams {
  rows: number;
  d: number;
  maskRows: number;
}

/** One LSTM time step's pointwise part over `rows` batch rows of hidden size hs; g = 4 * hs (the gate block). */
export interface LstmCellParams {
  rows: number;
  hs: number;
  /** 4 * hs: the row length of the gate arrays (i, f, g, o blocks of hs, PyTorch's order). */
  g: number;
}

/**
 * One Adam (decoupled: AdamW) step on one parameter, PyTorch 1.13 `_single_tensor_adam(w)` with its float32
 * rounding, per element (f = round to float32; scalars are float32-rounded hyper-parameters):
 * ```
 * g = maximize ? -grad : grad
 * decoupled: p = f(p * f(1 - lr * weightDecay));  else if weightDecay != 0: g = f(g + f(weightDecay) * p)
 * m = f(f(m * f(beta1)) + f(1 - beta1) * g);  v = f(f(v * f(beta2)) + f(f(1 - beta2) * g) * g)
 * amsgrad: vMax = max(vMax, v) (NaN wins), the second moment used below; else v
 * denom = f(f(f(sqrt(second)) / f(sqrt(biasCorrection2))) + f(eps))
 * p = f(p + f(f(f(-(lr / biasCorrection1)) * m) / denom))
 * ```
 * each `x + a * y` computed in float64 and rounded once (the product of two floats is exact there), as
 * ATen's fused add-with-alpha / addcmul. biasCorrectionK = 1 - betaK ** step, computed by the caller.
 */
export interface AdamParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1 - beta1 ** step, in (0, 1]. */
  biasCorrection1: number;
  /** 1 - beta2 ** step, in (0, 1]. */
  biasCorrection2: number;
  /** Keep the running maximum of the second moment in maxExpAvgSq and divide by its root. */
  amsgrad: boolean;
  maximize: boolean;
  /** AdamW: the weight decay shrinks the parameter instead of adding to the gradient. */
  decoupled: boolean;
}

/** A (rows, cols) row-major matrix summed over its rows (a linear layer's bias gradient: rows = batch). */
export interface ColumnSumParams {
  rows: number;
  cols: number;
}

/** The weight gradient of an embedding lookup of n indices into a (num, dim) table. */
export interface EmbeddingBackwardParams {
  n: number;
  num: number;
  dim: number;
  /** The row whose gradient stays zero (PyTorch's padding_idx), in [0, num]; num: none. */
  paddingIdx: number;
  /** Scale each index's gradient by 1 / (how often its row occurs in idx). */
  scaleGradByFreq: boolean;
}

/** The TS type of an array argument of the manifest. */
type ArrayTs<A> = A extends { readonly type: 'f32' } ? Float32Array
  : A extends { readonly type: 'f64' } ? Float64Array
  : Uint8Array | Int32Array;
type ArgTs<A> = A extends { readonly nullable: true } ? ArrayTs<A> | null : ArrayTs<A>;
type ArgsTs<T extends readonly unknown[]> = { -readonly [I in keyof T]: ArgTs<T[I]> };

/** The params interface of each manifest params struct (their fields are checked against PARAMS below). */
interface ParamsTs {
  Matmul: MatmulParams;
  Conv1d: Conv1dParams;
  Conv2d: Conv2dParams;
  Sgd: SgdParams;
  Pool1d: Pool1dParams;
  Pool2d: Pool2dParams;
  BatchNorm: BatchNormParams;
  Bmm: BmmParams;
  BmmHeads: BmmHeadsParams;
  AffineNorm: AffineNormParams;
  AdaptivePool1d: AdaptivePool1dParams;
  BlockCopy: BlockCopyParams;
  Softmax: SoftmaxParams;
  LstmCell: LstmCellParams;
  Adam: AdamParams;
  ColumnSum: ColumnSumParams;
  EmbeddingBackward: EmbeddingBackwardParams;
}

/** A kernel's call signature, from its manifest entry: the arrays in order, then the params object if any. */
export type KernelFn<K extends KernelName> = (typeof KERNELS)[K] extends { readonly params: infer P extends ParamsName }
  ? (...args: [...ArgsTs<(typeof KERNELS)[K]['args']>, ParamsTs[P]]) => void
  : (...args: ArgsTs<(typeof KERNELS)[K]['args']>) => void;

/** The kernels of one backend: exactly the manifest's, with the contracts documented on each below. */
export type Kernels = { readonly [K in KernelName]: KernelFn<K> };

/**
 * One backend. The contracts, kernel by kernel (layouts row-major, outputs overwritten unless said):
 *
 * - `matmul(a, b, c, p)`: C (m, n) = alpha * op(A) @ op(B) + beta * C. A, B must not alias C.
 * - `conv1dForward(x, w, bias | null, y, p)`: y (n, cOut, lOut) = conv1d(x (n, cIn, l), w (cOut, cIn/groups, k))
 *   + bias (cOut) if given, then relu if `p.relu`.
 * - `conv1dBackwardInput(gy, w, gx, acc | null, p)`: gx (n, cIn, l) = d loss / d x given gy (n, cOut, lOut);
 *   with `acc` (n, cIn, l), gx = acc + (d loss / d x): the input gradient computed in full and added once per
 *   element with one float32 rounding, bit for bit `add(acc, gx0)` of the call without acc; gx may be acc
 *   (the autograd engine's pending gradient sum, src/ops/conv-grads.ts).
 * - `conv1dBackwardWeight(x, gy, gw, gb | null, p)`: gw (cOut, cIn/groups, k) = d loss / d w; gb (cOut) = sum
 *   of gy over n and lOut if given.
 * - `conv2dForward(x, w, bias | null, y, p)`, `conv2dBackwardInput(gy, w, gx, p)`,
 *   `conv2dBackwardWeight(x, gy, gw, gb | null, p)`: the conv1d contracts over NCHW (see `Conv2dParams`):
 *   x (n, cIn, inH, inW), w (cOut, cIn/groups, kH, kW), y and gy (n, cOut, outH, outW).
 * - `sgdStep(param, grad, buf | null, p)`: in-place SGD on one parameter (see `SgdParams`). `buf` is
 *   required when momentum != 0 and ignored otherwise; on `firstStep` its old contents are ignored. All
 *   arrays have the same length; grad may not alias param or buf.
 * - `add(a, b, out)`: out = a + b elementwise, each sum rounded to float32 (the autograd engine sums gradient
 *   contributions with it). out may be a or b itself, and overlaps nothing else.
 * - `reluForward(x, y)`: y = x where !(x < 0), else +0 (torch.relu: NaN of either sign and -0 pass through).
 *   y may be x itself (in place) but must not partly overlap it.
 * - `reluBackward(y, gy, gx)`: gx = gy where the relu output y is > 0 or NaN, else +0 (PyTorch's
 *   threshold_backward, `y <= 0 ? 0 : gy`). gx may be gy itself, and overlaps nothing else.
 * - `maxPool1dForward(x, y, idx, p)`: y (n, c, lOut) = max over each window of x (n, c, l) (see
 *   `Pool1dParams`); idx (n, c, lOut) = the argmax as the offset j in its window (input position
 *   o * stride - padding + j * dilation). Ties keep the first maximum; a NaN wins (the last NaN of a
 *   window, PyTorch's `v > max || isnan(v)`); -0 and +0 tie. idx is a Uint8Array (only when k <= 256) or an
 *   Int32Array.
 * - `maxPool1dBackward(gy, idx, gx, p)`: gx (n, c, l) = the sum of gy (n, c, lOut) over the windows whose
 *   argmax (idx, each in [0, k)) is each position; 0 elsewhere.
 * - `maxPool2dForward(x, y, idx, p)`: y (n, c, outH, outW) = max over each window of x (n, c, inH, inW) (see
 *   `Pool2dParams`), the window scanned row by row; idx = the argmax as the flat index h * inW + w into its
 *   input plane (PyTorch's indices). Ties keep the first maximum in scan order; a NaN wins (the last NaN);
 *   -0 and +0 tie. idx is an Int32Array (a Uint8Array only when inH * inW <= 256).
 * - `maxPool2dBackward(gy, idx, gx, p)`: gx (n, c, inH, inW) = 0, then gy[o] added at its plane's idx[o]
 *   (each in [0, inH * inW)) for every output o in order.
 * - `batchNormForward(x, weight | null, bias | null, mean, invstd, y, p)`: y (n, c, inner) = (x - mean) *
 *   invstd * weight + bias per channel, computed in float64 as `x * scale + shift` (scale = invstd * weight,
 *   shift = bias - mean * scale) and rounded once; weight / bias null mean 1 / 0. Training: first mean =
 *   batch mean, invstd = 1 / sqrt(biased batch var + eps) (float64 sums, shifted by the channel's first
 *   value so the variance does not cancel); needs n * inner >= 1. Otherwise mean and invstd (c) are read.
 *   With `p.relu`, y = relu of that.
 * - `batchNormBackward(gy, x, weight | null, mean, invstd, gx | null, gw | null, gb | null, p)`: per channel
 *   (float64 sums) sum = sum gy, dot = sum gy * (x - mean); gw = dot * invstd, gb = sum; gx = training
 *   ? (gy - (x - mean) * dot * invstd^2 / count - sum / count) * invstd * weight : gy * invstd * weight
 *   (count = n * inner). gx may be gy itself (a channel's sums are taken before its gx is written).
 *
 * - `bmm(a, b, c, p)`: `p.batch` matmuls in one call (see `BmmParams`); A[i] is at i * m * k of `a`
 *   (or A[0] for every i when aBatch = 1), B[i] at i * k * n, C[i] at i * m * n. A, B must not alias C.
 * - `bmmHeads(a, b, c, p)`: the same products addressed through row strides and outer / head offsets (see
 *   `BmmHeadsParams`); each product is the matmul kernel's (same operations, same rounding). A, B must not
 *   alias C.
 *
 * - `affineNormForward(x, weight | null, bias | null, y, mean, rstd, p)`: per row (float64 sums, two passes)
 *   mean = sum x / d, rstd = 1 / sqrt(sum (x - mean)^2 / d + eps); y = (x - mean) * rstd * weight[k] + bias[k]
 *   in float64, rounded once (see `AffineNormParams` for k; null weight / bias mean 1 / 0).
 * - `affineNormBackward(gy, x, weight | null, mean, rstd, gx | null, gw | null, gb | null, p)`: with xhat =
 *   (x - mean) * rstd and gh = gy * weight[k], per row gx = rstd * (gh - mean(gh) - xhat * mean(gh * xhat));
 *   gw[k] = sum gy * xhat, gb[k] = sum gy over every element using k (float64 sums).
 *
 * - `adaptiveAvgPool1dForward(x, y, p)`: y (rows, lOut) = the mean of each window of x (rows, l) (see
 *   `AdaptivePool1dParams`): the window's values summed in float64 in input order, divided by its length in
 *   float64, rounded once to float32.
 * - `adaptiveAvgPool1dBackward(gy, gx, p)`: with v = float64 gy / window length, gx (rows, l) = the sum over
 *   the windows holding each position, in window order, starting from +0: each add `gx = fround(gx + v)`.
 *   When lOut divides l (no overlap) that is gx = fround(v) + 0 (so -0 becomes +0).
 * - `copyBlocks(src, dst, p)`: for r < outer and i < blk, dst[r * dstStride + dstOffset + i] =
 *   src[r * srcStride + srcOffset + i] (bits copied, NaN payloads included); every other element of dst is
 *   kept. src and dst do not overlap.
 * - `softmaxForward(x, mask | null, y, p)`: per row (see `SoftmaxParams`) z = x + mask row (if any), m =
 *   max z (NaN if any is NaN), y = exp(z - m) / sum exp(z - m). A row of all -inf gives NaN (as PyTorch).
 *   y may be x itself. ref sums in float64; the others in float32 with their own exp (within 1e-6 relative).
 * - `softmaxBackward(y, gy, gx, p)`: per row gx = y * (gy - sum(gy * y)). gx may be gy itself.
 *
 * - `lstmCellForward(a, cPrev, c, h, p)`: per row (see `LstmCellParams`) i, f, g, o = sigmoid, sigmoid,
 *   tanh, sigmoid of a's four blocks, written over a (saved for the backward); c = f * cPrev + i * g;
 *   h = o * tanh(c). ref computes in float64 with Math.exp / Math.tanh; the others in float32 with their own
 *   exp (within ~1e-6).
 * - `lstmCellBackward(act, cPrev, c, dh, dc, da, p)`: from the activations act, tc = tanh(c), dcv = dc + dh *
 *   o * (1 - tc^2): da = (dcv g i (1 - i), dcv cPrev f (1 - f), dcv i (1 - g^2), dh tc o (1 - o)); dc = dcv * f
 *   (the gradient of cPrev, in place).
 * - `adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq | null, p)`: one in-place Adam / AdamW update of
 *   one parameter and its moments (see `AdamParams`), bit for bit the ref on every backend. maxExpAvgSq is
 *   required when amsgrad and ignored otherwise. All arrays have the same length.
 * - `columnSum(x, out, p)`: out[j] = sum over r of x[r * cols + j], each column accumulated in float64 from
 *   +0 in row order r = 0, 1, ... and rounded to float32 once: bit for bit the ref on every backend (SIMD
 *   lanes run over columns, threads split the columns). rows = 0 gives +0.
 * - `embeddingBackward(idx, gy, gw, p)`: gw row r = the sum of gy rows i with idx[i] = r, each times
 *   1 / count(r) when `p.scaleGradByFreq`, accumulated per element in float64 from +0 in increasing i and
 *   rounded to float32 once (bit for bit the ref on every backend); row paddingIdx and unused rows are +0.
 *
 * Aliasing: an array a kernel writes overlaps no other argument, except the in-place pairs above
 * (src/backend/manifest.ts, enforced by the native addon).
 */
export type Backend = Kernels & { readonly name: 'native' | 'wasm' | 'ref' };

/** Compile-time check that each params interface has exactly the fields of its manifest struct. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type FieldsMatch = { [P in ParamsName]: Same<keyof ParamsTs[P], keyof (typeof PARAMS)[P]> };
export const PARAMS_MATCH_MANIFEST: FieldsMatch[ParamsName] = true;

/** Output length of a conv1d / pooling window, PyTorch's formula (floor mode). */
export function convOutLength(l: number, k: number, stride: number, padding: number, dilation: number): number {
  return Math.floor((l + 2 * padding - dilation * (k - 1) - 1) / stride) + 1;
}
