/**
 * The conformance suite: every kernel of a backend against the naive ref backend, at sizes that straddle
 * SIMD widths (4, 8 and 16 floats) and tiles, including empty and length-1 dimensions, with seeded random
 * inputs. test/backend/conformance.test.ts runs it on every non-ref backend with guard bands around every
 * output (test/helpers/guard-bands.ts); test/backend/conformance-harness.test.ts runs it on deliberately
 * broken kernels to show that it fails.
 */
import { expect } from 'vitest';
import { expectClose } from '../helpers/allclose.js';
import { randomArray } from '../helpers/random.js';
import { refBackend } from '../../src/backend/ref/index.js';
import type { Backend } from '../../src/backend/backend.js';
import {
  convOutLength, type AffineNormParams, type BatchNormParams, type BmmParams, type Conv1dParams, type Conv2dParams, type MatmulParams, type Pool1dParams, type Pool2dParams, type SgdParams, type SoftmaxParams, type LstmCellParams, type AdamParams, type ColumnSumParams, type EmbeddingBackwardParams,
} from '../../src/backend/backend.js';
import { poolOutLength } from '../../src/ops/pool1d.js';
import { copyPoolSuite } from './conformance-copy-pool.js';
import { bmmHeadsSuite } from './conformance-bmm-heads.js';

/** Float32 accumulation against the float64 ref: error grows with the reduction length. */
const tol = (reduce: number) => ({ rtol: 1e-4, atol: 1e-6 * (reduce + 1) });

const MATMUL_SHAPES: [number, number, number][] = [
  [0, 3, 4], [3, 0, 4], [3, 4, 0], [1, 1, 1], [1, 7, 1], [7, 1, 3], [3, 4, 5], [4, 4, 4], [5, 8, 9],
  [8, 8, 8], [9, 15, 16], [16, 17, 31], [17, 33, 7], [31, 64, 65], [65, 67, 33], [2, 129, 3], [64, 1, 257],
  // Past the native GEMM's blocks (k blocks of 256, column blocks of 384, 2048 rows or columns packed at
  // once) and big enough to run on several threads.
  [20, 70, 600], [41, 500, 300], [2100, 5, 3], [3, 2100, 5],
];
const SCALES: [number, number][] = [[1, 0], [0.5, 1], [2, -0.5]];

/** Layer norm (groups = spatial = 1) and group norm layouts: 1, odd and SIMD-straddling row lengths, empty. */
const NORM_CASES: AffineNormParams[] = [
  ...[[1, 1], [3, 5], [2, 7], [4, 8], [3, 9], [2, 16], [5, 17], [2, 33], [7, 128], [0, 4]].map(([rows, d]) => ({ rows, d, groups: 1, spatial: 1, eps: 1e-5 })),
  // group norm: (N, C, L) -> rows N * groups, d = C / groups * L
  { rows: 2 * 3, d: 2 * 5, groups: 3, spatial: 5, eps: 1e-5 },
  { rows: 3 * 1, d: 4 * 7, groups: 1, spatial: 7, eps: 1e-3 },
  { rows: 2 * 4, d: 1 * 9, groups: 4, spatial: 9, eps: 1e-5 },
  { rows: 1 * 2, d: 3 * 1, groups: 2, spatial: 1, eps: 1e-5 },
  // enough rows for the native backward's row chunks (16 rows or more each, at most 64), at odd seams
  { rows: 517, d: 37, groups: 1, spatial: 1, eps: 1e-5 },
  { rows: 1024, d: 128, groups: 1, spatial: 1, eps: 1e-5 },
  { rows: 41 * 4, d: 3 * 5, groups: 4, spatial: 5, eps: 1e-5 },
];

/**
 * Softmax rows x d: empty, 1, odd and SIMD-straddling row lengths (4, 8, 16 floats), the attention rows of
 * the example transformer (64), and enough rows to split over threads (native splits past ~32k elements).
 */
const SOFTMAX_CASES: [number, number][] = [
  [0, 5], [3, 0], [1, 1], [2, 3], [3, 4], [2, 5], [3, 7], [2, 8], [2, 9], [3, 15], [2, 16], [3, 17], [2, 31],
  [2, 33], [5, 64], [1, 65], [1, 1031], [700, 64], [333, 97],
];

/**
 * columnSum rows x cols: empty, 1, odd rows; columns around the wasm 8-column step and the native
 * 32-column block (7, 8, 9, 31, 32, 33, 40, 65); the example's 1024 x 128 and 1024 x 384 (native splits the
 * latter over threads), and an odd block count split at odd seams.
 */
const COLSUM_CASES: [number, number][] = [
  [0, 5], [3, 0], [1, 1], [2, 3], [5, 7], [3, 8], [4, 9], [3, 15], [2, 16], [3, 17], [5, 31], [2, 32], [3, 33],
  [4, 40], [1, 65], [1024, 128], [1024, 384], [999, 1187],
];

/**
 * embeddingBackward n indices x num rows x dim: empty, 1, odd dims around the 8-column (wasm) and 32-column
 * (native) steps, more rows than indices (unused rows), the example's 1024 tokens into 96 x 128 and 64 x 128,
 * and a table large enough to split over threads at odd seams.
 */
const EMB_CASES: [number, number, number][] = [
  [0, 3, 5], [4, 3, 0], [1, 1, 1], [5, 3, 7], [9, 4, 8], [7, 2, 9], [11, 5, 31], [6, 3, 32], [13, 6, 33],
  [3, 10, 40], [1024, 96, 128], [1024, 64, 128], [3001, 777, 129],
];

/** LSTM step rows x hidden size: empty, 1, odd and SIMD-straddling hidden sizes, the example's 32 x 128, threaded. */
const LSTM_CASES: [number, number][] = [
  [0, 3], [2, 0], [1, 1], [2, 3], [3, 4], [2, 5], [2, 7], [2, 8], [3, 9], [2, 15], [2, 16], [3, 17], [2, 33], [32, 128], [100, 131],
];

/** [batch, m, n, k]: empty batch and matrices, 1, odd and SIMD-straddling sizes, and one past the GEMM's k block. */
const BMM_SHAPES: [number, number, number, number][] = [
  [0, 3, 4, 5], [1, 1, 1, 1], [2, 0, 3, 4], [3, 3, 4, 0], [2, 1, 7, 3], [3, 4, 4, 4], [5, 9, 15, 16], [2, 17, 33, 7],
  [4, 8, 8, 8], [7, 3, 5, 1], [2, 20, 70, 300],
  // products below the native pool's split size whose batch is split over threads instead (as the example
  // transformer's attention heads, 64 x 64 x 32, in test/backend/native-validation.test.ts): an odd batch
  // with odd seams
  [37, 33, 17, 65],
];

function convCase(
  n: number, cIn: number, cOut: number, l: number, k: number, stride = 1, padding = 0, dilation = 1, groups = 1,
): Conv1dParams {
  return { n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut: convOutLength(l, k, stride, padding, dilation), relu: false };
}

const CONV_CASES: Conv1dParams[] = [
  convCase(1, 1, 1, 1, 1),
  convCase(0, 2, 3, 5, 3, 1, 1),
  convCase(2, 3, 4, 10, 3),
  convCase(2, 3, 4, 10, 3, 1, 1),
  // Stride 1 without padding: the wasm kernels read the input rows in place, up to 7 floats past each one.
  convCase(3, 5, 9, 37, 1), // 1x1, odd length
  convCase(2, 3, 4, 19, 3, 1, 0, 2), // dilation 2, lOut 15
  convCase(1, 1, 32, 1200, 7, 2, 3), // the reference model's stem
  convCase(3, 16, 24, 33, 3, 1, 1),
  convCase(2, 8, 12, 17, 5, 1, 2),
  convCase(2, 4, 6, 9, 3, 2, 1, 2),
  convCase(2, 6, 4, 15, 4, 3, 2, 1, 2),
  convCase(1, 4, 4, 8, 3, 1, 1, 1, 4), // depthwise
  convCase(2, 5, 7, 3, 5, 1, 2), // kernel longer than input, padded
  convCase(1, 2, 2, 4, 1, 4), // stride longer than kernel
  convCase(2, 3, 5, 1, 1), // length 1
  convCase(1, 9, 9, 31, 2, 1, 0, 3, 3),
  convCase(2, 7, 8, 65, 3, 1, 1),
  // Strides and dilations large against the positions computed: the direct kernels copy the input into
  // one row per tap (an im2col) instead of one per stride phase, whose size grew with the stride (issue 11).
  convCase(2, 3, 4, 200, 3, 7, 2), // stride > k, padded, lOut 29
  convCase(1, 1, 2, 4, 2, 1000000, 0), // stride 1e6: one position, workspace no longer 1e6 floats per row
  convCase(1, 2, 3, 5, 2, 1, 40, 80), // stride 1, a dilation the padding cancels: lOut 5
  convCase(2, 2, 3, 50, 3, 2, 5, 4), // stride 2 with dilation 4 and padding
  // Backward input: padding beyond the kernel span (gy positions that reach no input position), and
  // coutG * k above the native direct kernel's 512 (its GEMM path: with columns, and k = 1 without).
  convCase(2, 3, 4, 10, 3, 1, 3),
  convCase(2, 3, 130, 9, 4, 1, 1),
  convCase(2, 5, 520, 11, 1),
];

/** A conv2d case: square or (h, w) pairs for the image, kernel, stride, padding and dilation. */
function conv2dCase(
  n: number, cIn: number, cOut: number, [inH, inW]: [number, number], [kH, kW]: [number, number],
  [strideH, strideW]: [number, number] = [1, 1], [padH, padW]: [number, number] = [0, 0],
  [dilationH, dilationW]: [number, number] = [1, 1], groups = 1,
): Conv2dParams {
  return {
    n, cIn, cOut, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, groups,
    outH: convOutLength(inH, kH, strideH, padH, dilationH), outW: convOutLength(inW, kW, strideW, padW, dilationW), relu: false,
  };
}

const CONV2D_CASES: Conv2dParams[] = [
  conv2dCase(1, 1, 1, [1, 1], [1, 1]),
  conv2dCase(0, 2, 3, [5, 5], [3, 3], [1, 1], [1, 1]), // empty batch
  conv2dCase(2, 3, 4, [6, 7], [3, 3]),
  conv2dCase(2, 3, 16, [9, 9], [3, 3], [1, 1], [1, 1]), // 3 -> 16 3x3 'same'
  conv2dCase(3, 16, 24, [8, 8], [3, 3], [1, 1], [1, 1]), // past every GEMM tile (6 x 16, 8 x 48)
  conv2dCase(2, 5, 7, [17, 15], [3, 5], [2, 1], [1, 2]), // odd sizes, non-square kernel and stride
  conv2dCase(2, 4, 6, [9, 10], [3, 3], [1, 2], [2, 1], [2, 2]), // dilation
  conv2dCase(2, 6, 4, [11, 9], [4, 2], [3, 2], [2, 1], [1, 1], 2), // groups, even kernel
  conv2dCase(1, 4, 4, [8, 8], [3, 3], [1, 1], [1, 1], [1, 1], 4), // depthwise
  conv2dCase(2, 3, 5, [3, 3], [5, 5], [1, 1], [2, 2]), // kernel larger than the image, padded
  conv2dCase(1, 2, 3, [9, 9], [3, 3], [1, 1], [7, 6]), // padding larger than the kernel
  conv2dCase(1, 2, 2, [7, 8], [1, 1], [4, 3]), // stride larger than the kernel
  conv2dCase(2, 8, 9, [5, 6], [1, 1]), // 1x1: the input planes are the columns
  conv2dCase(2, 3, 5, [1, 1], [1, 1], [1, 1], [1, 1]), // 1x1 padded image
  conv2dCase(1, 9, 9, [13, 31], [2, 2], [1, 1], [0, 0], [3, 3], 3),
  conv2dCase(1, 2, 3, [40, 40], [3, 3], [1, 1], [1, 1]), // several small images' worth of columns in one block
  conv2dCase(3, 32, 5, [24, 23], [3, 3], [1, 1], [1, 1]), // an image wider than one native column block (cut in two)
  conv2dCase(5, 64, 8, [2, 3], [3, 3], [1, 1], [1, 1]), // 6 positions per image, fewer items than native blocks: one image a block
  conv2dCase(19, 8, 6, [2, 3], [3, 3], [1, 1], [1, 1]), // 19 items: native blocks of 3 images (at least 8 blocks), a short last one
  conv2dCase(9, 8, 12, [6, 5], [3, 3], [1, 1], [1, 1], [1, 1], 2), // more batch items than weight-gradient chunks (8)
  // wasm: the weight gradient's direct path (K = cinG * kH * kW <= 32) and the packed-weight tiles (4 x 8, whole K)
  conv2dCase(2, 2, 5, [5, 6], [4, 4], [1, 1], [2, 2]), // K = 32, the last direct K: 5 rows (4 + 1), 6 x 7 = 42 positions
  conv2dCase(2, 11, 9, [4, 5], [1, 3], [1, 1], [0, 1]), // K = 33, the first GEMM K: 9 rows (8 + 1), 20 positions (16 + 4)
  conv2dCase(2, 1, 17, [3, 3], [3, 3], [1, 1], [1, 1]), // K = 9: 17 rows (16 + 1), 9 positions (8 + 1, dot tail of 1)
  conv2dCase(1, 3, 4, [4, 4], [1, 1]), // 1x1 K = 3, 16 positions (two full tiles): identity columns, direct weight gradient
  conv2dCase(3, 1, 8, [4, 2], [3, 3], [1, 1], [1, 1]), // K = 9, 8 positions: one full tile, gy rows of exactly 8
  conv2dCase(2, 6, 6, [7, 7], [3, 3], [2, 2], [1, 1], [1, 1], 3), // groups of 2 -> 2 (K = 18, direct), stride 2: 16 positions
  conv2dCase(2, 2, 3, [4, 4], [3, 3], [1, 1], [0, 0], [2, 2]), // dilated kernel exactly the image: 0 x 0 output
  conv2dCase(2, 3, 4, [5, 29], [3, 3], [1, 1], [1, 1]), // 29-float rows: every piece of a native row copy (vectors, 8, 4, 1)
  conv2dCase(2, 2, 3, [3, 14], [3, 3], [1, 1], [1, 1]), // 14: 8 + 4 + 2 floats
  conv2dCase(1, 1, 2, [600, 600], [3, 3], [150, 150], [1, 1]), // few positions but padded planes past the native whole-image path's bound
  // The native direct weight-gradient path (K = cIn / groups * kH * kW <= 32) and its edges:
  conv2dCase(3, 1, 16, [28, 28], [3, 3], [1, 1], [1, 1]), // the CNN example's first conv, K 9: 784 positions, whole vectors
  conv2dCase(2, 2, 5, [9, 7], [3, 3], [1, 1], [1, 1]), // cIn 2, K 18, 63 positions: a vector tail
  conv2dCase(2, 3, 16, [13, 11], [3, 3], [1, 1], [1, 1]), // cIn 3, K 27
  conv2dCase(2, 4, 5, [9, 7], [3, 3], [1, 1], [1, 1]), // cIn 4, K 36: just past the direct path (GEMM)
  conv2dCase(2, 2, 5, [11, 9], [4, 4], [2, 1], [1, 2], [1, 2]), // K 32 exactly (the bound), stride and dilation
  conv2dCase(2, 6, 4, [8, 9], [3, 3], [2, 2], [1, 1], [1, 1], 2), // groups of 3 input channels, stride 2
  conv2dCase(10, 3, 5, [2, 3], [3, 3], [1, 1], [1, 1]), // 6 positions (less than a vector), 10 items in 8 chunks
  conv2dCase(1, 3, 7, [5, 5], [3, 3], [2, 2], [1, 1]), // batch 1 (one chunk)
  conv2dCase(1, 1, 3, [130, 130], [3, 3], [1, 1], [1, 1]), // 16900 positions: two column blocks of one image
  conv2dCase(16, 4, 9, [7, 7], [3, 3], [1, 1], [1, 1]), // 49 positions: native implicit-GEMM panels (8 x 48, 6 x 16) cut rows and images
  conv2dCase(12, 3, 5, [20, 1], [3, 1], [1, 1], [1, 0]), // 1-wide output: a run per column of a packed panel
  conv2dCase(9, 2, 3, [5, 6], [2, 3], [2, 3], [0, 0], [1, 2]), // no padding (panels packed from x itself), strides
  // wasm's direct weight gradient reading the input planes in place (stride 1 along a row, rows of >= 8):
  conv2dCase(2, 1, 5, [6, 10], [3, 3]), // unpadded: x itself, rows of exactly 8, 5 gy rows (4 + 1), 9 columns (4 x 2 + 1)
  conv2dCase(2, 2, 7, [7, 12], [3, 3], [2, 1], [1, 1], [1, 2]), // stride 2 down, dilated across: rows of 10 (vector tail 2)
  conv2dCase(2, 4, 6, [5, 13], [2, 4], [1, 1], [0, 2], [1, 1], 2), // groups of 2, padded across only, rows of 14, K 16
  conv2dCase(1, 3, 4, [3, 9], [3, 3], [1, 1], [1, 1]), // rows of 9 (tail 1), K 27: 13 blocks of 2 and one of 1
  conv2dCase(2, 1, 3, [9, 7], [3, 3], [1, 1], [1, 1]), // rows of 7: below the in-place bound, the im2col path
  conv2dCase(1, 1, 2, [4, 8], [3, 3], [8, 1], [10, 1]), // padded planes (240 floats) larger than cols (216): im2col
  // The native weight gradient's implicit GEMM (K > 32, blocks of whole images: A packed from gy, B from the planes):
  conv2dCase(1, 8, 12, [6, 7], [3, 3], [1, 1], [1, 1]), // batch 1: one chunk, its GEMM on the pool
  conv2dCase(80, 4, 5, [5, 7], [3, 3], [1, 1], [1, 1]), // 10 images (350 columns) a block: k blocks of 256 cut an image
  conv2dCase(9, 6, 7, [9, 8], [3, 2], [2, 3]), // unpadded and strided: B packed from x itself, K 36
  conv2dCase(2, 8, 6, [9, 10], [3, 3], [1, 2], [2, 1], [2, 2], 2), // groups of 4 (K 36), dilation, padding
  // The native direct kernel (cIn / groups >= 16; backward-input when stride 1 and cIn, cOut / groups >= 16).
  // Output channels ride in vector lanes (16 AVX-512, 8 AVX2, 4 SSE; chunks of 64 / 16 / 8), a strip of at
  // most 24 / 12 columns of one row in the accumulators (6 / 8 / 12 / 24 at 4 / 3 / 2 / 1 AVX-512 vectors):
  conv2dCase(2, 16, 1, [5, 7], [3, 3], [1, 1], [1, 1]), // the first direct cIn, one output channel (one lane)
  conv2dCase(1, 16, 16, [1, 9], [3, 3], [1, 1], [1, 1]), // H = 1, batch 1 (rows split over threads), one AVX-512 vector
  conv2dCase(2, 17, 15, [6, 1], [3, 3], [1, 1], [1, 1]), // W = 1, channels past / below a vector
  conv2dCase(2, 20, 33, [7, 25], [3, 3], [1, 1], [1, 1]), // 25 columns, 33 channels (2 vectors + 1 lane)
  conv2dCase(1, 16, 8, [3, 24], [3, 3], [1, 1], [1, 1]), // 24 columns: the widest strip exactly (AVX-512, 1 vector)
  conv2dCase(2, 24, 48, [8, 13], [3, 3], [1, 1], [2, 2]), // padding 2, 48 channels (3 AVX-512 vectors: strips of 8)
  conv2dCase(2, 16, 65, [9, 8], [3, 3], [1, 1], [1, 1]), // 65 channels: a full 64-channel chunk and a 1-lane one
  conv2dCase(1, 64, 64, [8, 8], [3, 3], [1, 1], [1, 1]), // the bench's 64 -> 64 at batch 1
  conv2dCase(2, 16, 24, [9, 11], [3, 3], [2, 2], [1, 1]), // stride 2: direct forward, GEMM backward-input
  conv2dCase(2, 16, 16, [9, 10], [3, 3], [1, 3], [1, 1]), // stride 3 along rows: the GEMM forward
  conv2dCase(2, 16, 18, [10, 9], [3, 3], [1, 1], [2, 2], [2, 2]), // dilation 2, padding 2 (backward-input padding 2)
  conv2dCase(2, 32, 32, [6, 7], [3, 2], [1, 1], [0, 0], [1, 1], 2), // groups of 16, unpadded, even kernel width
  conv2dCase(2, 16, 17, [5, 6], [3, 3], [1, 1], [3, 3]), // padding past the kernel span: backward-input's GEMM
  conv2dCase(2, 16, 20, [6, 6], [1, 1]), // 1x1
  conv2dCase(3, 18, 16, [4, 30], [3, 3], [1, 2], [0, 1]), // stride 2 along rows, unpadded rows: 14 columns
  // Few input channels and many output channels per group (the direct forward, see below):
  conv2dCase(2, 1, 16, [11, 13], [3, 3], [1, 1], [1, 1]), // one input channel: K = 9 taps
  conv2dCase(3, 3, 17, [9, 10], [3, 3], [2, 2], [1, 1]), // 3 channels, stride 2, 17 outputs (a 1-lane tail)
  conv2dCase(2, 4, 32, [6, 7], [3, 3], [1, 1], [1, 1], [1, 1], 2), // groups of 2 -> 16
  conv2dCase(2, 3, 15, [6, 7], [3, 3], [1, 1], [1, 1]), // 15 outputs: the GEMM (direct on SSE)
  // Taps over the padding are skipped (a tap list per kernel-row range x kernel-column range; edge columns
  // in strips down the column, over rows of one class):
  conv2dCase(2, 16, 17, [9, 7], [5, 3], [2, 1], [3, 1], [2, 1]), // stride 2, dilation 2 and padding 3 down the rows
  conv2dCase(1, 16, 16, [40, 5], [3, 3], [1, 1], [1, 1]), // 40 rows: column strips of 38 interior rows cut in 2 passes
  conv2dCase(2, 16, 33, [7, 9], [3, 5], [1, 2], [1, 3], [1, 2]), // columns: stride 2, dilation 2, padding 3 (3 edge classes a side)
  conv2dCase(1, 20, 16, [6, 3], [3, 5], [1, 1], [1, 3]), // every column an edge column (W 3, kernel 5, padding 3)
  conv2dCase(2, 16, 48, [5, 6], [3, 3], [1, 1], [3, 4]), // padding past the span: rows and columns reading no tap
  conv2dCase(1, 16, 16, [20, 18], [17, 17], [1, 1], [8, 8]), // 17 classes a side, past the 16 kept: every tap read
  conv2dCase(1, 16, 17, [14, 14], [13, 13], [1, 1], [6, 6]), // 13 x 13 classes past the lists' byte cap: rows only
  // The native direct weight gradient (the same convolutions: conv2d-direct-weight.cc). Accumulators are
  // blocks of taps x up to 4 / 2 / 2 vectors of output channels (AVX-512 / AVX2 / SSE), a block sweeping
  // the positions of several whole images (gy transposed, at most 16 Ki floats) or of a pass of rows:
  conv2dCase(1, 48, 64, [5, 5], [3, 3], [1, 1], [1, 1]), // batch 1: one chunk, its taps split over the threads
  conv2dCase(3, 32, 33, [7, 9], [3, 3], [2, 2], [1, 1]), // stride 2 both ways, 33 channels (a 1-lane vector), odd batch
  conv2dCase(9, 16, 15, [4, 4], [3, 3], [1, 1], [1, 1]), // 9 items in 8 chunks, 15 channels (lanes past coutG)
  conv2dCase(2, 17, 16, [1, 1], [1, 1]), // 1x1 image and kernel, K 17
  conv2dCase(5, 32, 34, [6, 5], [3, 3], [1, 2], [2, 1], [2, 2], 2), // groups of 16 -> 17, dilation 2, stride 2 across
  conv2dCase(1, 16, 17, [40, 40], [3, 3], [1, 1], [1, 1]), // an image past one unit: passes of 12 rows and a short one
  conv2dCase(11, 64, 1, [3, 3], [3, 3], [1, 1], [1, 1]), // one output channel, units of 2 images, 576 taps
  conv2dCase(10, 32, 32, [4, 5], [2, 2], [1, 1], [0, 0], [1, 1], 2), // unpadded: units of images read from x in place, groups
  conv2dCase(3, 16, 16, [7, 7], [3, 3], [2, 1], [1, 1]), // stride 2 down only, odd image, one AVX-512 vector
  // The native direct forward for 1 to 3 input channels per group and at least a vector of output channels
  // (16 AVX-512, 8 AVX2, 4 SSE); 4 input channels stay on the GEMM:
  conv2dCase(2, 6, 32, [7, 9], [3, 3], [2, 2], [1, 1], [1, 1], 2), // groups of 3 -> 16, stride 2
  conv2dCase(3, 2, 33, [5, 1], [3, 3], [1, 1], [1, 1]), // 2 input channels, W = 1, 33 output channels
  conv2dCase(1, 1, 16, [9, 10], [3, 3], [1, 1], [2, 2], [2, 2]), // dilation 2, batch 1 (rows split over threads)
  conv2dCase(2, 3, 7, [6, 6], [3, 3], [1, 1], [1, 1]), // 7 output channels: the GEMM on AVX-512 and AVX2, direct on SSE
  conv2dCase(2, 4, 16, [6, 5], [3, 3], [1, 1], [1, 1]), // 4 input channels: the GEMM
];

const SGD_SIZES = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 1031];
/** Adam: SGD's sizes and one past the native kernel's thread split (24 work units a float). */
const ADAM_SIZES = [...SGD_SIZES, 40003];
/** Adam / AdamW option sets (without the bias corrections, set per step). */
const ADAM_OPTIONS: Omit<AdamParams, 'biasCorrection1' | 'biasCorrection2'>[] = [];
for (const decoupled of [false, true]) {
  for (const weightDecay of [0, 1e-2]) {
    for (const amsgrad of [false, true]) {
      for (const maximize of [false, true]) {
        for (const [beta1, beta2] of [[0.9, 0.999], [0, 0.5]]) {
          ADAM_OPTIONS.push({ lr: 0.003, beta1: beta1!, beta2: beta2!, eps: 1e-8, weightDecay, amsgrad, maximize, decoupled });
        }
      }
    }
  }
}
const SGD_OPTIONS: Omit<SgdParams, 'firstStep'>[] = [];
for (const momentum of [0, 0.9]) {
  for (const dampening of [0, 0.5]) {
    for (const nesterov of [false, true]) {
      if (nesterov && (momentum === 0 || dampening !== 0)) continue;
      for (const weightDecay of [0, 1e-2]) {
        for (const maximize of [false, true]) {
          SGD_OPTIONS.push({ lr: 0.003, momentum, dampening, weightDecay, nesterov, maximize });
        }
      }
    }
  }
}

/** Bit-for-bit equality of two arrays (NaN payloads and the sign of zero included), naming the first difference. */
export function expectSameBits(got: Float32Array | Uint8Array | Int32Array, want: Float32Array | Uint8Array | Int32Array, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const asInts = (a: Float32Array | Uint8Array | Int32Array) => (a instanceof Float32Array ? new Uint32Array(a.buffer, a.byteOffset, a.length) : a);
  const g = asInts(got);
  const w = asInts(want);
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i]) expect.fail(`${what}: differs at ${i}: got ${got[i]}, expected ${want[i]}`);
  }
}

/** Random values with NaNs of both signs, infinities, signed zeros and repeated values sprinkled in. */
export function specialArray(n: number, seed: number): Float32Array {
  const a = randomArray(n, seed);
  const specials = [Number.NaN, -Number.NaN, Infinity, -Infinity, 0, -0, 0.5, 0.5, -0.25];
  const r = randomArray(n, seed + 1000, 0, 1);
  for (let i = 0; i < n; i++) {
    if (r[i]! < 0.3) a[i] = specials[Math.floor(r[i]! * 30) % specials.length]!;
  }
  // -NaN: flip the sign bit of some NaNs.
  const bits = new Uint32Array(a.buffer, a.byteOffset, a.length);
  for (let i = 0; i < n; i += 7) if (Number.isNaN(a[i])) bits[i] = (bits[i]! | 0x80000000) >>> 0;
  return a;
}

// 87383 and 131075: just above the native thread-pool cut-offs of add / reluBackward (3 arrays) and
// reluForward (2 arrays), native/kernels/stream-work.h: the arrays split over threads at odd seams.
const ELEMENTWISE_SIZES = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 1031, 87383, 131075];

function poolCase(
  n: number, c: number, l: number, k: number, stride = k, padding = 0, dilation = 1, ceilMode = false,
): Pool1dParams & { ceilMode: boolean } {
  return { n, c, l, k, stride, padding, dilation, lOut: poolOutLength(l, k, stride, padding, dilation, ceilMode), ceilMode };
}

/** A 2-D pooling case: [n, c, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, ceilMode]. */
function pool2dCase(
  n: number, c: number, [inH, inW]: [number, number], [kH, kW]: [number, number], [strideH, strideW] = [kH, kW],
  [padH, padW] = [0, 0], [dilationH, dilationW] = [1, 1], ceilMode = false,
): Pool2dParams & { ceilMode: boolean } {
  return {
    n, c, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, ceilMode,
    outH: poolOutLength(inH, kH, strideH, padH, dilationH, ceilMode), outW: poolOutLength(inW, kW, strideW, padW, dilationW, ceilMode),
  };
}

const POOL2D_CASES = [
  pool2dCase(1, 1, [1, 1], [1, 1]),
  pool2dCase(0, 3, [4, 4], [2, 2]),
  pool2dCase(2, 3, [28, 28], [2, 2]), // the CNN example's pools: int32 indices (plane > 256)
  pool2dCase(2, 3, [14, 14], [2, 2]), // ... and its second, plane <= 256: both index types
  pool2dCase(2, 2, [7, 9], [2, 2]), // odd sides: the last row and column belong to no window
  pool2dCase(2, 2, [7, 9], [2, 2], [2, 2], [0, 0], [1, 1], true), // ceil mode: clipped last row and column
  pool2dCase(1, 2, [5, 67], [2, 2]), // 2x2 rows past every SIMD width (33 windows), odd tail
  pool2dCase(1, 2, [5, 67], [2, 2], [2, 2], [1, 1]), // 2x2 with padding: the bounds-checked path
  pool2dCase(1, 2, [2, 2], [2, 2]), // one window
  pool2dCase(2, 2, [9, 10], [3, 3], [2, 2], [1, 1]),
  pool2dCase(2, 2, [9, 10], [3, 3], [1, 1], [1, 1], [2, 2]),
  pool2dCase(1, 3, [6, 11], [2, 3], [1, 2], [1, 0], [1, 1], true),
  pool2dCase(1, 2, [8, 5], [3, 1], [3, 1], [1, 0], [2, 1], true),
  pool2dCase(1, 1, [7, 7], [7, 7], [1, 1], [3, 3]),
  pool2dCase(1, 2, [17, 3], [2, 2], [1, 1]), // overlapping 2x2 windows: the backward's adds in output order
  // wasm: 2x2 stride-2 windows four at a time, the rest of a row one at a time
  pool2dCase(1, 2, [2, 16], [2, 2]), // 8 windows a row: two full vectors, no tail
  pool2dCase(2, 1, [5, 34], [2, 2]), // 17 windows a row (4 vectors + 1), odd height: the last input row unused
  pool2dCase(1, 1, [4, 14], [2, 2]), // 7 windows (1 vector + 3)
  pool2dCase(1, 1, [6, 7], [2, 2]), // 3 windows: no vector, odd width
  pool2dCase(1, 1, [4, 9], [2, 2], [2, 2], [0, 0], [1, 1], true), // ceil mode, clipped last column: the general path
  // Big enough to split planes over the native thread pool (by memory moved, or by compares for 3x3 windows)
  pool2dCase(32, 16, [28, 28], [2, 2]), // the CNN example's first pool at its batch
  pool2dCase(16, 61, [15, 15], [2, 2]), // byte indices, 976 planes: uneven ranges, odd sides
  pool2dCase(5, 41, [20, 21], [3, 3], [1, 1], [1, 1]), // overlapping windows, split by compares
];

const POOL_CASES = [
  poolCase(1, 1, 1, 1),
  poolCase(0, 3, 5, 3, 1, 1),
  poolCase(2, 3, 10, 3, 1, 1), // the reference model's pooling
  poolCase(2, 3, 10, 3, 2, 1),
  poolCase(2, 3, 11, 3, 2, 1), // stride-2 gather, odd length (the last position has one window)
  poolCase(2, 2, 53, 3, 1, 1), // stride 1 past every SIMD block (16 windows), odd tail
  poolCase(1, 2, 67, 3, 2, 1, 1, true), // stride-2 gather past every SIMD width, ceil mode
  poolCase(1, 2, 2, 3, 2, 1), // stride-2 gather, one window
  poolCase(1, 2, 17, 3, 1, 0),
  poolCase(3, 1, 33, 2),
  poolCase(2, 2, 16, 4, 3, 2),
  poolCase(2, 2, 15, 4, 3, 2, 1, true),
  poolCase(1, 3, 9, 3, 2, 1, 2),
  poolCase(1, 3, 10, 3, 2, 1, 2, true),
  poolCase(2, 2, 8, 5, 1, 2),
  poolCase(1, 1, 7, 7, 1, 3),
  poolCase(2, 4, 31, 5, 2, 2, 3, true),
  poolCase(1, 2, 5, 1, 2, 0, 1, true),
  poolCase(1, 2, 300, 260, 7, 100), // k > 256: Int32Array offsets only
  // k3 s1 p1 and k3 s2 p1 on even lengths run as one flat row over all rows (native): row seams, short rows
  poolCase(3, 5, 40, 3, 1, 1),
  poolCase(3, 5, 40, 3, 2, 1),
  poolCase(2, 3, 2, 3, 1, 1),
  poolCase(4, 1, 2, 3, 2, 1),
  poolCase(5, 3, 3, 3, 1, 1),
  // large enough for the native thread pool to split the rows (seams between the threads' row ranges)
  poolCase(2, 64, 2100, 3, 1, 1),
  poolCase(2, 64, 2800, 3, 2, 1),
  // just above the native cut-offs (native/kernels/stream-work.h) of the forward and of the backward, odd
  // row counts, and the stride-2 gather on odd (row by row) and even (flat) lengths
  poolCase(3, 7, 3331, 3, 1, 1),
  poolCase(3, 7, 5549, 3, 1, 1),
  poolCase(3, 7, 7683, 3, 2, 1),
  poolCase(3, 7, 7684, 3, 2, 1),
];

function bnCase(n: number, c: number, inner: number, training: boolean): BatchNormParams {
  return { n, c, inner, training, eps: 1e-5, relu: false };
}
const BN_SHAPES: [number, number, number][] = [
  [1, 1, 1], [2, 3, 1], [1, 1, 5], [3, 2, 7], [4, 5, 8], [2, 3, 9], [2, 4, 16], [3, 2, 17], [2, 3, 33], [32, 3, 61], [2, 0, 4],
  // Just above the native thread-pool cut-off (native/kernels/stream-work.h: 2 * 2 * n * c * inner >= 2^19):
  // row ranges split over threads, per-row sums reduced per channel; seams inside a batch item (11 channels).
  [5, 11, 2385],
];

/** The suite's describe / it (vitest's, or a collector's in the harness test). */
export interface SuiteApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => void): void;
}

/** Defines the conformance tests of `backend` through `api`. */
export function conformanceSuite(backend: Backend, { describe, it }: SuiteApi): void {
  describe('matmul', () => {
    for (const [m, n, k] of MATMUL_SHAPES) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          it(`m=${m} n=${n} k=${k} transA=${transA} transB=${transB}`, () => {
            for (const [alpha, beta] of SCALES) {
              const a = randomArray(m * k, 1 + m);
              const b = randomArray(k * n, 2 + n);
              const c0 = randomArray(m * n, 3 + k);
              if (beta === 0) c0.fill(Number.NaN); // beta = 0 must ignore C's old contents
              const p: MatmulParams = { m, n, k, transA, transB, alpha, beta };
              const want = c0.slice();
              refBackend.matmul(a, b, want, p);
              const got = c0.slice();
              backend.matmul(a, b, got, p);
              const t = tol(k);
              expectClose(got, want, t.rtol, t.atol, `alpha=${alpha} beta=${beta}`);
            }
          });
        }
      }
    }

    it('works on subarray views (non-zero byteOffset)', () => {
      const buf = randomArray(100, 9);
      const a = buf.subarray(3, 3 + 12); // (3, 4)
      const b = buf.subarray(20, 20 + 20); // (4, 5)
      const p: MatmulParams = { m: 3, n: 5, k: 4, transA: false, transB: false, alpha: 1, beta: 0 };
      const want = new Float32Array(15);
      refBackend.matmul(a, b, want, p);
      const got = new Float32Array(15);
      backend.matmul(a, b, got, p);
      expectClose(got, want, 1e-5, 1e-6);
    });
  });

  describe('conv1d', () => {
    for (const p of CONV_CASES) {
      const label = `n=${p.n} cIn=${p.cIn} cOut=${p.cOut} l=${p.l} k=${p.k} s=${p.stride} p=${p.padding} d=${p.dilation} g=${p.groups}`;
      const xLen = p.n * p.cIn * p.l;
      const wLen = p.cOut * (p.cIn / p.groups) * p.k;
      const yLen = p.n * p.cOut * p.lOut;
      const x = randomArray(xLen, 11);
      const w = randomArray(wLen, 12);
      const bias = randomArray(p.cOut, 13);
      const gy = randomArray(yLen, 14);
      const reduceFwd = (p.cIn / p.groups) * p.k;

      it(`forward ${label}`, () => {
        for (const withBias of [true, false]) {
          const want = new Float32Array(yLen).fill(Number.NaN);
          refBackend.conv1dForward(x, w, withBias ? bias : null, want, p);
          const got = new Float32Array(yLen).fill(Number.NaN);
          backend.conv1dForward(x, w, withBias ? bias : null, got, p);
          expectClose(got, want, tol(reduceFwd).rtol, tol(reduceFwd).atol, `bias=${withBias}`);
        }
        // The fused relu epilogue: ref's fused output is relu of its plain one (checked in ref.test.ts).
        const pr = { ...p, relu: true };
        const want = new Float32Array(yLen).fill(Number.NaN);
        refBackend.conv1dForward(x, w, bias, want, pr);
        const got = new Float32Array(yLen).fill(Number.NaN);
        backend.conv1dForward(x, w, bias, got, pr);
        expectClose(got, want, tol(reduceFwd).rtol, tol(reduceFwd).atol, 'relu');
        for (let i = 0; i < yLen; i++) if (want[i] === 0) expect(Object.is(got[i], 0) || Math.abs(got[i]!) <= tol(reduceFwd).atol, `relu zero at ${i}`).toBe(true);
        expect(got.some((v) => v < 0), 'relu output has a negative value').toBe(false);
      });

      it(`backward input ${label}`, () => {
        const want = new Float32Array(xLen).fill(Number.NaN);
        refBackend.conv1dBackwardInput(gy, w, want, null, p);
        const got = new Float32Array(xLen).fill(Number.NaN);
        backend.conv1dBackwardInput(gy, w, got, null, p);
        const r = (p.cOut / p.groups) * p.k;
        expectClose(got, want, tol(r).rtol, tol(r).atol);
      });

      it(`backward input accumulating into acc ${label}`, () => {
        const r = (p.cOut / p.groups) * p.k;
        const acc = specialArray(xLen, 16); // NaNs, infinities and signed zeros among the values
        const plain = new Float32Array(xLen).fill(Number.NaN);
        backend.conv1dBackwardInput(gy, w, plain, null, p);
        const want = new Float32Array(xLen).fill(Number.NaN);
        refBackend.conv1dBackwardInput(gy, w, want, acc, p);
        for (const inPlace of [false, true]) {
          const gx = inPlace ? acc.slice() : new Float32Array(xLen).fill(Number.NaN);
          backend.conv1dBackwardInput(gy, w, gx, inPlace ? gx : acc, p);
          expectClose(gx, want, tol(r).rtol, tol(r).atol, `in place=${inPlace}: against ref`);
          // Bit for bit the unfused pair: the plain kernel, then add(acc, gx).
          const chain = plain.map((v, i) => Math.fround(acc[i]! + v));
          expectSameBits(gx, chain, `in place=${inPlace}: against the kernel then add`);
        }
      });

      it(`backward weight ${label}`, () => {
        for (const withBias of [true, false]) {
          const wantW = new Float32Array(wLen).fill(Number.NaN);
          const wantB = new Float32Array(p.cOut).fill(Number.NaN);
          refBackend.conv1dBackwardWeight(x, gy, wantW, withBias ? wantB : null, p);
          const gotW = new Float32Array(wLen).fill(Number.NaN);
          const gotB = new Float32Array(p.cOut).fill(Number.NaN);
          backend.conv1dBackwardWeight(x, gy, gotW, withBias ? gotB : null, p);
          const r = p.n * p.lOut;
          expectClose(gotW, wantW, tol(r).rtol, tol(r).atol, 'grad weight');
          if (withBias) expectClose(gotB, wantB, tol(r).rtol, tol(r).atol, 'grad bias');
          else expect(Number.isNaN(gotB[0] ?? Number.NaN)).toBe(true); // untouched when null
        }
      });
    }
  });

  describe('conv2d', () => {
    for (const p of CONV2D_CASES) {
      const label = `n=${p.n} cIn=${p.cIn} cOut=${p.cOut} in=${p.inH}x${p.inW} k=${p.kH}x${p.kW} s=${p.strideH},${p.strideW} `
        + `p=${p.padH},${p.padW} d=${p.dilationH},${p.dilationW} g=${p.groups}`;
      const xLen = p.n * p.cIn * p.inH * p.inW;
      const wLen = p.cOut * (p.cIn / p.groups) * p.kH * p.kW;
      const yLen = p.n * p.cOut * p.outH * p.outW;
      const x = randomArray(xLen, 31);
      const w = randomArray(wLen, 32);
      const bias = randomArray(p.cOut, 33);
      const gy = randomArray(yLen, 34);
      const reduceFwd = (p.cIn / p.groups) * p.kH * p.kW;
      const t = tol(reduceFwd);

      it(`forward ${label}`, () => {
        for (const [withBias, relu] of [[true, false], [false, false], [true, true]]) {
          const q = { ...p, relu };
          const want = new Float32Array(yLen).fill(Number.NaN);
          refBackend.conv2dForward(x, w, withBias ? bias : null, want, q);
          const got = new Float32Array(yLen).fill(Number.NaN);
          backend.conv2dForward(x, w, withBias ? bias : null, got, q);
          expectClose(got, want, t.rtol, t.atol, `bias=${withBias} relu=${relu}`);
          if (relu) expect(got.some((v) => v < 0), 'relu output has a negative value').toBe(false);
        }
      });

      it(`backward input ${label}`, () => {
        const want = new Float32Array(xLen).fill(Number.NaN);
        refBackend.conv2dBackwardInput(gy, w, want, p);
        const got = new Float32Array(xLen).fill(Number.NaN);
        backend.conv2dBackwardInput(gy, w, got, p);
        const r = tol((p.cOut / p.groups) * p.kH * p.kW);
        expectClose(got, want, r.rtol, r.atol);
      });

      it(`backward weight ${label}`, () => {
        for (const withBias of [true, false]) {
          const wantW = new Float32Array(wLen).fill(Number.NaN);
          const wantB = new Float32Array(p.cOut).fill(Number.NaN);
          refBackend.conv2dBackwardWeight(x, gy, wantW, withBias ? wantB : null, p);
          const gotW = new Float32Array(wLen).fill(Number.NaN);
          const gotB = new Float32Array(p.cOut).fill(Number.NaN);
          backend.conv2dBackwardWeight(x, gy, gotW, withBias ? gotB : null, p);
          const r = tol(p.n * p.outH * p.outW);
          expectClose(gotW, wantW, r.rtol, r.atol, 'grad weight');
          if (withBias) expectClose(gotB, wantB, r.rtol, r.atol, 'grad bias');
          else expect(Number.isNaN(gotB[0] ?? Number.NaN)).toBe(true); // untouched when null
        }
      });
    }
  });

  describe('adamStep', () => {
    for (const size of ADAM_SIZES) {
      it(`size ${size}, every option combination, three steps in place, bit for bit`, () => {
        for (const opt of ADAM_OPTIONS) {
          const label = JSON.stringify(opt);
          const p0 = randomArray(size, 22);
          const ref = [p0, new Float32Array(size), new Float32Array(size), new Float32Array(size)];
          const got = ref.map((a) => a.slice());
          ref[0] = p0.slice();
          for (let step = 1; step <= 3; step++) {
            const g = randomArray(size, 40 + step);
            if (size > 2) g[1] = 0; // a zero gradient: the moments decay, +0 square
            const p: AdamParams = { ...opt, biasCorrection1: 1 - opt.beta1 ** step, biasCorrection2: 1 - opt.beta2 ** step };
            refBackend.adamStep(ref[0]!, g, ref[1]!, ref[2]!, opt.amsgrad ? ref[3]! : null, p);
            backend.adamStep(got[0]!, g, got[1]!, got[2]!, opt.amsgrad ? got[3]! : null, p);
            // bit for bit (a byte compare: toEqual walks 40k elements far slower)
            const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
            ['param', 'expAvg', 'expAvgSq', 'maxExpAvgSq'].forEach((name, i) => {
              expect(Buffer.compare(bytes(got[i]!), bytes(ref[i]!)), `${name} step ${step} ${label}`).toBe(0);
            });
          }
          if (size > 0) expect(got[0]).not.toEqual(p0);
        }
      });
    }
  });

  describe('sgdStep', () => {
    for (const size of SGD_SIZES) {
      it(`size ${size}, every option combination, three steps in place`, () => {
        for (const opt of SGD_OPTIONS) {
          const label = JSON.stringify(opt);
          const p0 = randomArray(size, 21);
          const refP = p0.slice();
          const gotP = p0.slice();
          const refBuf = new Float32Array(size).fill(Number.NaN); // first step must ignore old contents
          const gotBuf = new Float32Array(size).fill(Number.NaN);
          for (let step = 0; step < 3; step++) {
            const g = randomArray(size, 30 + step);
            const p = { ...opt, firstStep: step === 0 };
            refBackend.sgdStep(refP, g, opt.momentum !== 0 ? refBuf : null, p);
            backend.sgdStep(gotP, g, opt.momentum !== 0 ? gotBuf : null, p);
            expectClose(gotP, refP, 1e-6, 1e-7, `param step ${step} ${label}`);
            if (opt.momentum !== 0) expectClose(gotBuf, refBuf, 1e-6, 1e-7, `buf step ${step} ${label}`);
          }
          if (size > 0) expect(gotP).not.toEqual(p0);
        }
      });
    }

    it('matches hand-computed values (momentum 0.9, dampening 0.5, weight decay 0.1)', () => {
      const param = new Float32Array([1, -2]);
      const buf = new Float32Array(2);
      const p = { lr: 0.1, momentum: 0.9, dampening: 0.5, weightDecay: 0.1, nesterov: false, maximize: false };
      backend.sgdStep(param, new Float32Array([0.5, 0.25]), buf, { ...p, firstStep: true });
      // d = g + 0.1 * w = [0.6, 0.05]; buf = d; w = w - 0.1 * buf
      expectClose(buf, [0.6, 0.05], 1e-6, 1e-7);
      expectClose(param, [0.94, -2.005], 1e-6, 1e-7);
      backend.sgdStep(param, new Float32Array([0.5, 0.25]), buf, { ...p, firstStep: false });
      // d = [0.5 + 0.094, 0.25 - 0.2005]; buf = 0.9 * buf + 0.5 * d
      const d = [0.594, 0.0495];
      const b = [0.9 * 0.6 + 0.5 * d[0], 0.9 * 0.05 + 0.5 * d[1]];
      expectClose(buf, b, 1e-6, 1e-7);
      expectClose(param, [0.94 - 0.1 * b[0], -2.005 - 0.1 * b[1]], 1e-6, 1e-7);
    });
  });

  describe('add', () => {
    // Which NaN payload a sum of two NaNs carries is the hardware's choice (operand order in a vector
    // add): every NaN counts as the same NaN; all other bits, the sign of zero included, are exact.
    const nanless = (a: Float32Array) => a.map((v) => (Number.isNaN(v) ? Number.NaN : v));
    for (const size of ELEMENTWISE_SIZES) {
      it(`size ${size}, NaN / inf / signed zeros, in place over either operand`, () => {
        const a = specialArray(size, 20 + size);
        const b = specialArray(size, 30 + size);
        const want = new Float32Array(size).fill(7);
        refBackend.add(a, b, want);
        const got = new Float32Array(size).fill(7);
        backend.add(a, b, got);
        expectSameBits(nanless(got), nanless(want), 'add');
        const overA = a.slice();
        backend.add(overA, b, overA);
        expectSameBits(nanless(overA), nanless(want), 'add in place over a');
        const overB = b.slice();
        backend.add(a, overB, overB);
        expectSameBits(nanless(overB), nanless(want), 'add in place over b');
      });
    }

    it('matches hand-computed values (float32 rounding of each sum)', () => {
      const a = new Float32Array([1, -0, 16777216, 0.1, Infinity, -Infinity]);
      const b = new Float32Array([2, -0, 1, 0.2, -Infinity, -1]);
      const out = new Float32Array(6);
      backend.add(a, b, out);
      expect(Array.from(out)).toEqual([3, -0, 16777216, Math.fround(Math.fround(0.1) + Math.fround(0.2)), Number.NaN, -Infinity]);
      expect(Object.is(out[1], -0)).toBe(true);
    });
  });

  describe('relu', () => {
    for (const size of ELEMENTWISE_SIZES) {
      it(`forward and backward, size ${size}, NaN / inf / signed zeros, in place`, () => {
        const x = specialArray(size, 40 + size);
        const want = new Float32Array(size).fill(7);
        refBackend.reluForward(x, want);
        const got = new Float32Array(size).fill(7);
        backend.reluForward(x, got);
        expectSameBits(got, want, 'reluForward');
        const inPlace = x.slice();
        backend.reluForward(inPlace, inPlace);
        expectSameBits(inPlace, want, 'reluForward in place');

        const gy = specialArray(size, 60 + size);
        const wantG = new Float32Array(size).fill(7);
        refBackend.reluBackward(want, gy, wantG);
        const gotG = new Float32Array(size).fill(7);
        backend.reluBackward(want, gy, gotG);
        expectSameBits(gotG, wantG, 'reluBackward');
        const gInPlace = gy.slice();
        backend.reluBackward(want, gInPlace, gInPlace);
        expectSameBits(gInPlace, wantG, 'reluBackward in place');
      });
    }

    it('matches hand-computed values', () => {
      const x = new Float32Array([-2, -0, 0, 3, Number.NaN, -Infinity, Infinity]);
      const y = new Float32Array(7);
      backend.reluForward(x, y);
      expect(Array.from(y)).toEqual([0, -0, 0, 3, Number.NaN, 0, Infinity]);
      expect(Object.is(y[0], 0) && Object.is(y[1], -0)).toBe(true);
      const gx = new Float32Array(7);
      backend.reluBackward(y, new Float32Array([1, 2, 3, 4, 5, 6, 7]), gx);
      expect(Array.from(gx)).toEqual([0, 0, 0, 4, 5, 0, 7]);
    });
  });

  describe('maxPool1d', () => {
    for (const pc of POOL_CASES) {
      const { ceilMode, ...p } = pc;
      const label = `n=${p.n} c=${p.c} l=${p.l} k=${p.k} s=${p.stride} p=${p.padding} d=${p.dilation} ceil=${ceilMode} lOut=${p.lOut}`;
      it(`forward and backward ${label}, NaN / -inf / ties, both offset types`, () => {
        const rows = p.n * p.c;
        for (const special of [false, true]) {
          const x = special ? specialArray(rows * p.l, 70) : randomArray(rows * p.l, 71);
          if (special) for (let i = 3; i < x.length; i += 11) x[i] = x[i - 1]!; // exact ties
          const gy = randomArray(rows * p.lOut, 72);
          for (const Idx of p.k <= 256 ? [Uint8Array, Int32Array] : [Int32Array]) {
            const wantY = new Float32Array(rows * p.lOut).fill(7);
            const wantI = new Idx(rows * p.lOut).fill(99);
            refBackend.maxPool1dForward(x, wantY, wantI, p);
            const gotY = new Float32Array(rows * p.lOut).fill(7);
            const gotI = new Idx(rows * p.lOut).fill(99);
            backend.maxPool1dForward(x, gotY, gotI, p);
            const what = `special=${special} ${Idx.name}`;
            expectSameBits(gotY, wantY, `y ${what}`);
            expectSameBits(gotI, wantI, `idx ${what}`);
            let maxI = 0; // a loop, not a spread: lOut * rows arguments overflow the call stack
            for (const v of wantI) maxI = Math.max(maxI, Number(v));
            expect(maxI).toBeLessThan(p.k);
            const wantG = new Float32Array(rows * p.l).fill(Number.NaN); // overwritten, not accumulated
            refBackend.maxPool1dBackward(gy, wantI, wantG, p);
            const gotG = new Float32Array(rows * p.l).fill(Number.NaN);
            backend.maxPool1dBackward(gy, gotI, gotG, p);
            expectSameBits(gotG, wantG, `gx ${what}`);
            // Any offset in [0, k) is valid input, including a border window's offset into the padding.
            const anyI = new Idx(rows * p.lOut).map((_, i) => (i * 7 + (special ? 1 : 0)) % p.k);
            refBackend.maxPool1dBackward(gy, anyI, wantG, p);
            backend.maxPool1dBackward(gy, anyI, gotG, p);
            expectSameBits(gotG, wantG, `gx, offsets (7i mod k) ${what}`);
          }
        }
      });
    }

    it('matches hand-computed values: first max of ties, last NaN, -inf padding', () => {
      const p: Pool1dParams = { n: 1, c: 1, l: 6, k: 3, stride: 1, padding: 1, dilation: 1, lOut: 6 };
      const x = new Float32Array([-5, 2, 2, Number.NaN, 1, -Infinity]);
      const y = new Float32Array(6);
      const idx = new Uint8Array(6);
      backend.maxPool1dForward(x, y, idx, p);
      expect(Array.from(y)).toEqual([2, 2, Number.NaN, Number.NaN, Number.NaN, 1]);
      // windows (positions): [-1,0,1] [0,1,2] [1,2,3] [2,3,4] [3,4,5] [4,5,6]
      expect(Array.from(idx)).toEqual([2, 1, 2, 1, 0, 0]);
      const gx = new Float32Array(6);
      backend.maxPool1dBackward(new Float32Array([1, 2, 4, 8, 16, 32]), idx, gx, p);
      expect(Array.from(gx)).toEqual([0, 3, 0, 28, 32, 0]);
    });
  });

  describe('maxPool2d', () => {
    for (const pc of POOL2D_CASES) {
      const { ceilMode, ...p } = pc;
      const label = `n=${p.n} c=${p.c} in=${p.inH}x${p.inW} k=${p.kH}x${p.kW} s=${p.strideH},${p.strideW} ` +
        `p=${p.padH},${p.padW} d=${p.dilationH},${p.dilationW} ceil=${ceilMode} out=${p.outH}x${p.outW}`;
      it(`forward and backward ${label}, NaN / -inf / ties, both index types`, () => {
        const planes = p.n * p.c;
        const xLen = planes * p.inH * p.inW;
        const yLen = planes * p.outH * p.outW;
        for (const special of [false, true]) {
          const x = special ? specialArray(xLen, 80) : randomArray(xLen, 81);
          if (special) for (let i = 3; i < x.length; i += 5) x[i] = x[i - 1]!; // exact ties, along a row
          if (special) for (let i = p.inW + 1; i < x.length; i += 13) x[i] = x[i - p.inW]!; // and down a column
          const gy = randomArray(yLen, 82);
          for (const Idx of p.inH * p.inW <= 256 ? [Uint8Array, Int32Array] : [Int32Array]) {
            const wantY = new Float32Array(yLen).fill(7);
            const wantI = new Idx(yLen).fill(99);
            refBackend.maxPool2dForward(x, wantY, wantI, p);
            const gotY = new Float32Array(yLen).fill(7);
            const gotI = new Idx(yLen).fill(99);
            backend.maxPool2dForward(x, gotY, gotI, p);
            const what = `special=${special} ${Idx.name}`;
            expectSameBits(gotY, wantY, `y ${what}`);
            expectSameBits(gotI, wantI, `idx ${what}`);
            const wantG = new Float32Array(xLen).fill(Number.NaN); // overwritten, not accumulated
            refBackend.maxPool2dBackward(gy, wantI, wantG, p);
            const gotG = new Float32Array(xLen).fill(Number.NaN);
            backend.maxPool2dBackward(gy, gotI, gotG, p);
            expectSameBits(gotG, wantG, `gx ${what}`);
            // Any index in the plane is valid input, repeated ones included (sums in output order).
            const anyI = new Idx(yLen).map((_, i) => (i * 7 + (special ? 1 : 0)) % (p.inH * p.inW));
            refBackend.maxPool2dBackward(gy, anyI, wantG, p);
            backend.maxPool2dBackward(gy, anyI, gotG, p);
            expectSameBits(gotG, wantG, `gx, indices (7i mod plane) ${what}`);
          }
        }
      });
    }

    it('matches hand-computed values: first max of ties in scan order, last NaN, -inf, flat plane indices', () => {
      const p: Pool2dParams = {
        n: 1, c: 1, inH: 4, inW: 4, kH: 2, kW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1,
        outH: 2, outW: 2,
      };
      const x = new Float32Array([
        1, 3, Number.NaN, 0,
        3, 2, 5, Number.NaN,
        -Infinity, -Infinity, -0, 0,
        -Infinity, -Infinity, 0, -1,
      ]);
      const y = new Float32Array(4);
      const idx = new Int32Array(4);
      backend.maxPool2dForward(x, y, idx, p);
      expect(Array.from(y)).toEqual([3, Number.NaN, -Infinity, -0]);
      expect(Array.from(idx)).toEqual([1, 7, 8, 10]);
      const gx = new Float32Array(16).fill(5);
      backend.maxPool2dBackward(new Float32Array([1, 2, 4, 8]), idx, gx, p);
      expect(Array.from(gx)).toEqual([0, 1, 0, 0, 0, 0, 0, 2, 4, 0, 8, 0, 0, 0, 0, 0]);
    });
  });

  describe('batchNorm', () => {
    for (const [n, c, inner] of BN_SHAPES) {
      for (const training of [true, false]) {
        if (training && n * inner === 0 && c > 0) continue;
        const p = bnCase(n, c, inner, training);
        it(`forward and backward n=${n} c=${c} inner=${inner} training=${training}`, () => {
          const len = n * c * inner;
          // An offset mean (|mean| >> std) in one channel exercises the shifted sums.
          const x = randomArray(len, 80, -1, 3);
          if (c > 1) for (let b = 0; b < n; b++) for (let i = 0; i < inner; i++) x[(b * c + 1) * inner + i] += 1000;
          const weight = randomArray(c, 81, 0.5, 1.5);
          const bias = randomArray(c, 82);
          const gy = randomArray(len, 83);
          const stats = () => {
            const mean = new Float64Array(c);
            const invstd = new Float64Array(c);
            if (!training) {
              const rm = randomArray(c, 84);
              const rv = randomArray(c, 85, 0.1, 2);
              for (let ch = 0; ch < c; ch++) {
                mean[ch] = rm[ch]!;
                invstd[ch] = 1 / Math.sqrt(rv[ch]! + p.eps);
              }
            }
            return { mean, invstd };
          };
          for (const affine of [true, false]) {
            const w = affine ? weight : null;
            const b = affine ? bias : null;
            // One forward on a backend: fresh statistics (read in evaluation), y starting as NaN.
            const forward = (be: Backend, params: BatchNormParams) => {
              const s = stats();
              const y = new Float32Array(len).fill(Number.NaN);
              be.batchNormForward(x, w, b, s.mean, s.invstd, y, params);
              return { ...s, y };
            };
            const want = forward(refBackend, p);
            const got = forward(backend, p);
            expectClose(got.y, want.y, 1e-5, 1e-5, `y affine=${affine}`);
            expectClose(got.mean, want.mean, 1e-9, 1e-9, 'mean');
            expectClose(got.invstd, want.invstd, 1e-7, 1e-9, 'invstd');
            // The fused relu (the statistics are those of x, not of the relu output).
            const wantR = forward(refBackend, { ...p, relu: true });
            const gotR = forward(backend, { ...p, relu: true });
            expectClose(gotR.y, wantR.y, 1e-5, 1e-5, `y relu affine=${affine}`);
            expectClose(gotR.mean, want.mean, 1e-9, 1e-9, 'mean with relu');
            expect(gotR.y.some((v) => v < 0), 'relu output has a negative value').toBe(false);

            const wantGx = new Float32Array(len).fill(Number.NaN);
            const wantGw = new Float32Array(c).fill(Number.NaN);
            const wantGb = new Float32Array(c).fill(Number.NaN);
            refBackend.batchNormBackward(gy, x, w, want.mean, want.invstd, wantGx, wantGw, wantGb, p);
            const gotGx = new Float32Array(len).fill(Number.NaN);
            const gotGw = new Float32Array(c).fill(Number.NaN);
            const gotGb = new Float32Array(c).fill(Number.NaN);
            backend.batchNormBackward(gy, x, w, want.mean, want.invstd, gotGx, gotGw, gotGb, p);
            const r = n * inner;
            expectClose(gotGx, wantGx, 1e-4, 1e-5, `gx affine=${affine}`);
            expectClose(gotGw, wantGw, 1e-4, 1e-6 * (r + 1), `gw affine=${affine}`);
            expectClose(gotGb, wantGb, 1e-4, 1e-6 * (r + 1), `gb affine=${affine}`);
            // In place (gx is gy), and only some gradients wanted.
            const inPlace = gy.slice();
            const onlyGb = new Float32Array(c).fill(Number.NaN);
            backend.batchNormBackward(inPlace, x, w, want.mean, want.invstd, inPlace, null, onlyGb, p);
            expectClose(inPlace, wantGx, 1e-4, 1e-5, `gx in place affine=${affine}`);
            expectClose(onlyGb, wantGb, 1e-4, 1e-6 * (r + 1), 'gb alone');
            const onlyGw = new Float32Array(c).fill(Number.NaN);
            backend.batchNormBackward(gy, x, w, want.mean, want.invstd, null, onlyGw, null, p);
            expectClose(onlyGw, wantGw, 1e-4, 1e-6 * (r + 1), 'gw alone');
          }
        });
      }
    }

    it('matches hand-computed values (training, one channel)', () => {
      const p = bnCase(2, 1, 2, true);
      const x = new Float32Array([1, 2, 3, 4]); // mean 2.5, biased var 1.25
      const mean = new Float64Array(1);
      const invstd = new Float64Array(1);
      const y = new Float32Array(4);
      backend.batchNormForward(x, new Float32Array([2]), new Float32Array([1]), mean, invstd, y, p);
      expect(mean[0]).toBeCloseTo(2.5, 12);
      expect(invstd[0]).toBeCloseTo(1 / Math.sqrt(1.25 + 1e-5), 12);
      const is = 1 / Math.sqrt(1.25 + 1e-5);
      expectClose(y, [-1.5, -0.5, 0.5, 1.5].map((d) => d * is * 2 + 1), 1e-6, 1e-6);
      const gx = new Float32Array(4);
      const gw = new Float32Array(1);
      const gb = new Float32Array(1);
      backend.batchNormBackward(new Float32Array([1, 0, 0, 0]), x, new Float32Array([2]), mean, invstd, gx, gw, gb, p);
      expectClose(gb, [1], 1e-6, 1e-7);
      expectClose(gw, [-1.5 * is], 1e-6, 1e-7);
      // gx = (g - (x - m) * dot * is^2 / 4 - 1 / 4) * is * 2, dot = -1.5
      expectClose(gx, [-1.5, -0.5, 0.5, 1.5].map((d, i) => ((i === 0 ? 1 : 0) - d * (-1.5 * is * is) / 4 - 0.25) * is * 2), 1e-5, 1e-6);
    });
  });

  describe('bmm', () => {
    for (const [batch, m, n, k] of BMM_SHAPES) {
      for (const [aBatch, bBatch] of [[batch, batch], [1, batch], [batch, 1]]) {
        for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
          it(`batch=${batch} (a ${aBatch}, b ${bBatch}) m=${m} n=${n} k=${k} transA=${transA} transB=${transB}`, () => {
            for (const [alpha, beta] of SCALES) {
              const a = randomArray(aBatch * m * k, 71 + m);
              const b = randomArray(bBatch * k * n, 72 + n);
              const c0 = randomArray(batch * m * n, 73 + k);
              if (beta === 0) c0.fill(Number.NaN); // beta = 0 must ignore C's old contents
              const p: BmmParams = { batch, aBatch, bBatch, m, n, k, transA, transB, alpha, beta };
              const want = c0.slice();
              refBackend.bmm(a, b, want, p);
              const got = c0.slice();
              backend.bmm(a, b, got, p);
              const t = tol(k);
              expectClose(got, want, t.rtol, t.atol, `alpha=${alpha} beta=${beta}`);
            }
          });
        }
      }
    }

    it('equals one matmul per product (a shared B, as an RNN weight)', () => {
      const [batch, m, n, k] = [3, 5, 9, 17];
      const a = randomArray(batch * m * k, 81);
      const b = randomArray(k * n, 82);
      const got = new Float32Array(batch * m * n);
      backend.bmm(a, b, got, { batch, aBatch: batch, bBatch: 1, m, n, k, transA: false, transB: false, alpha: 1, beta: 0 });
      for (let i = 0; i < batch; i++) {
        const want = new Float32Array(m * n);
        refBackend.matmul(a.subarray(i * m * k, (i + 1) * m * k), b, want, { m, n, k, transA: false, transB: false, alpha: 1, beta: 0 });
        expectClose(got.subarray(i * m * n, (i + 1) * m * n), want, 1e-4, 1e-6 * (k + 1), `product ${i}`);
      }
    });
  });

  describe('columnSum', () => {
    for (const [rows, cols] of COLSUM_CASES) {
      it(`rows=${rows} cols=${cols}: bit for bit`, () => {
        const p: ColumnSumParams = { rows, cols };
        const x = randomArray(rows * cols, 31 + cols, -3, 3);
        const want = new Float32Array(cols);
        refBackend.columnSum(x, want, p);
        const got = new Float32Array(cols).fill(Number.NaN);
        backend.columnSum(x, got, p);
        expectSameBits(got, want, 'columnSum');
      });
    }

    it('NaN, infinities, -0 and float64 cancellation, as ref', () => {
      const [rows, cols] = [6, 11];
      const x = specialArray(rows * cols, 33);
      const column = (j: number, v: number[]) => v.forEach((e, r) => { x[r * cols + j] = e; });
      column(0, [-0, -0, -0, -0, -0, -0]); // summed from +0: +0
      column(1, [1e8, 1, -1e8, 0.5, 0.25, 0]); // 1.75 in float64; a float32 running sum loses the 1
      column(2, [Infinity, 1, -Infinity, 2, 3, 4]); // NaN
      const want = new Float32Array(cols);
      refBackend.columnSum(x, want, { rows, cols });
      const got = new Float32Array(cols).fill(12345);
      backend.columnSum(x, got, { rows, cols });
      // NaN results as NaN of any payload (wasm leaves a NaN's sign and payload open); the rest bit for bit
      for (let j = 0; j < cols; j++) {
        if (Number.isNaN(want[j])) expect(Number.isNaN(got[j]), `column ${j} NaN`).toBe(true);
        else expectSameBits(got.subarray(j, j + 1), want.subarray(j, j + 1), `column ${j}`);
      }
      expect(Object.is(got[0], 0)).toBe(true);
      expect(got[1]).toBe(1.75);
      expect(Number.isNaN(got[2])).toBe(true);
    });
  });

  describe('embeddingBackward', () => {
    for (const [n, num, dim] of EMB_CASES) {
      for (const [paddingIdx, scaleGradByFreq] of [[num, false], [Math.floor(num / 2), true]] as [number, boolean][]) {
        it(`n=${n} num=${num} dim=${dim} paddingIdx=${paddingIdx} scaleGradByFreq=${scaleGradByFreq}: bit for bit`, () => {
          const p: EmbeddingBackwardParams = { n, num, dim, paddingIdx, scaleGradByFreq };
          // skewed indices: repeats, and (with num > n or the skew) rows no index uses
          const u = randomArray(n, 41 + dim, 0, 1);
          const idx = Int32Array.from(u, (v) => Math.min(num - 1, Math.floor(v * v * num)));
          const gy = randomArray(n * dim, 43 + dim, -3, 3);
          const want = new Float32Array(num * dim);
          refBackend.embeddingBackward(idx, gy, want, p);
          const got = new Float32Array(num * dim).fill(Number.NaN);
          backend.embeddingBackward(idx, gy, got, p);
          expectSameBits(got, want, 'embeddingBackward');
          if (num <= 256) {
            const got8 = new Float32Array(num * dim).fill(Number.NaN);
            backend.embeddingBackward(Uint8Array.from(idx), gy, got8, p);
            expectSameBits(got8, want, 'embeddingBackward, Uint8Array indices');
          }
        });
      }
    }

    it('index order, float64 sums, the padding and unused rows: hand-checked values', () => {
      // rows 0 and 2 of a (4, 9) table; gy rows 1e8, 1, -1e8 into row 0: 1 in float64 (0 in float32)
      const dim = 9;
      const idx = new Int32Array([0, 2, 0, 0, 3]);
      const gy = new Float32Array(5 * dim);
      [1e8, 5, 1, -1e8, 7].forEach((v, i) => gy.fill(v, i * dim, (i + 1) * dim));
      const got = new Float32Array(4 * dim).fill(Number.NaN);
      backend.embeddingBackward(idx, gy, got, { n: 5, num: 4, dim, paddingIdx: 3, scaleGradByFreq: false });
      const want = [1, 0, 5, 0].flatMap((v) => new Array<number>(dim).fill(v));
      expect(Array.from(got)).toEqual(want);
      backend.embeddingBackward(idx, gy, got, { n: 5, num: 4, dim, paddingIdx: 4, scaleGradByFreq: true });
      expect(Array.from(got)).toEqual([1 / 3, 0, 5, 7].flatMap((v) => new Array<number>(dim).fill(Math.fround(v))));
    });
  });

  describe('softmax', () => {
    const t = { rtol: 1e-5, atol: 1e-7 };
    for (const [rows, d] of SOFTMAX_CASES) {
      for (const maskRows of [0, 1, 3]) {
        it(`rows=${rows} d=${d} ${maskRows ? `mask of ${maskRows} rows` : 'no mask'}: forward, backward, in place`, () => {
          const p: SoftmaxParams = { rows, d, maskRows: Math.max(maskRows, 1) };
          const x = randomArray(rows * d, 101 + d, -30, 30); // exps spread over ~1e-26 .. 1
          const mask = maskRows ? randomArray(maskRows * d, 102 + d, -3, 3) : null;
          if (mask) for (let i = 0; i < mask.length; i += 3) mask[i] = -Infinity; // masked positions
          const want = new Float32Array(rows * d);
          refBackend.softmaxForward(x, mask, want, p);
          const got = new Float32Array(rows * d).fill(Number.NaN);
          backend.softmaxForward(x, mask, got, p);
          expectClose(got, want, t.rtol, t.atol, 'y');
          const inPlace = x.slice();
          backend.softmaxForward(inPlace, mask, inPlace, p);
          expectClose(inPlace, want, t.rtol, t.atol, 'y in place');

          const gy = randomArray(rows * d, 103 + d);
          const wantG = new Float32Array(rows * d);
          refBackend.softmaxBackward(want, gy, wantG, p);
          const gotG = new Float32Array(rows * d).fill(Number.NaN);
          backend.softmaxBackward(want, gy, gotG, p);
          expectClose(gotG, wantG, 1e-4, 1e-6, 'gx');
          const gInPlace = gy.slice();
          backend.softmaxBackward(want, gInPlace, gInPlace, p);
          expectClose(gInPlace, wantG, 1e-4, 1e-6, 'gx in place');
        });
      }
    }

    it('rows of NaN, all -inf, +inf, huge and equal values, as ref', () => {
      const d = 19;
      const rows: number[][] = [
        Array.from({ length: d }, (_, i) => (i === 7 ? Number.NaN : i)), // NaN anywhere: all NaN
        new Array(d).fill(-Infinity), // nothing to attend to: 0 / 0 = NaN, as PyTorch
        Array.from({ length: d }, (_, i) => (i === 3 ? Infinity : 0)), // inf - inf = NaN
        Array.from({ length: d }, (_, i) => 1e30 * (i % 2 ? 1 : -1)), // only the max survives
        new Array(d).fill(42), // uniform
        Array.from({ length: d }, (_, i) => (i === 0 ? 0 : -86 - i)), // exps at and below float32's normal range
      ];
      const x = new Float32Array(rows.flat());
      const p: SoftmaxParams = { rows: rows.length, d, maskRows: 1 };
      const want = new Float32Array(x.length);
      refBackend.softmaxForward(x, null, want, p);
      const got = new Float32Array(x.length);
      backend.softmaxForward(x, null, got, p);
      expectClose(got, want, 1e-5, 1e-7, 'y');
      expect(Number.isNaN(got[0]!) && Number.isNaN(got[d]!) && Number.isNaN(got[2 * d]!)).toBe(true);
      expect(got[4 * d]).toBeCloseTo(1 / d, 6);
    });
  });

  describe('lstmCell', () => {
    for (const [rows, hs] of LSTM_CASES) {
      it(`rows=${rows} hs=${hs}: forward and backward`, () => {
        const p: LstmCellParams = { rows, hs, g: 4 * hs };
        const a = randomArray(rows * 4 * hs, 111 + hs, -6, 6);
        // saturated gates, exact zeros and signed zeros among them
        const edge = [30, -30, 100, -100, 0, -0, 1e-4, -1e-4, 88, -88];
        for (let i = 0; i < a.length; i += 5) a[i] = edge[(i / 5) % edge.length]!;
        const cPrev = randomArray(rows * hs, 112 + hs, -3, 3);
        const want = { a: a.slice(), c: new Float32Array(rows * hs), h: new Float32Array(rows * hs) };
        refBackend.lstmCellForward(want.a, cPrev, want.c, want.h, p);
        const got = { a: a.slice(), c: new Float32Array(rows * hs).fill(Number.NaN), h: new Float32Array(rows * hs).fill(Number.NaN) };
        backend.lstmCellForward(got.a, cPrev, got.c, got.h, p);
        expectClose(got.a, want.a, 1e-5, 1e-6, 'activations');
        expectClose(got.c, want.c, 1e-5, 1e-6, 'c');
        expectClose(got.h, want.h, 1e-5, 1e-6, 'h');

        const dh = randomArray(rows * hs, 113 + hs);
        const dc = randomArray(rows * hs, 114 + hs);
        const wantG = { dc: dc.slice(), da: new Float32Array(rows * 4 * hs) };
        refBackend.lstmCellBackward(want.a, cPrev, want.c, dh, wantG.dc, wantG.da, p);
        const gotG = { dc: dc.slice(), da: new Float32Array(rows * 4 * hs).fill(Number.NaN) };
        backend.lstmCellBackward(want.a, cPrev, want.c, dh, gotG.dc, gotG.da, p);
        expectClose(gotG.da, wantG.da, 1e-5, 1e-6, 'da');
        expectClose(gotG.dc, wantG.dc, 1e-5, 1e-6, 'dc');
      });
    }

    it('NaN gates stay NaN; tanh keeps the sign of zero', () => {
      const p: LstmCellParams = { rows: 1, hs: 5, g: 20 };
      const a = new Float32Array(20).fill(0.5);
      a[0] = Number.NaN; // i of column 0
      a[10 + 1] = -0; // g of column 1: tanh(-0) = -0
      const cPrev = new Float32Array(5);
      const c = new Float32Array(5);
      const h = new Float32Array(5);
      backend.lstmCellForward(a, cPrev, c, h, p);
      expect(Number.isNaN(a[0]!) && Number.isNaN(c[0]!) && Number.isNaN(h[0]!)).toBe(true);
      expect(Object.is(a[11], -0)).toBe(true);
      expect(a[1]).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 6);
    });
  });

  describe('affineNorm', () => {
    for (const p of NORM_CASES) {
      const label = `rows=${p.rows} d=${p.d} groups=${p.groups} spatial=${p.spatial}`;
      const nAff = p.groups * Math.floor(p.d / p.spatial);
      // weight and bias each present or null: the native layer-norm output loop has a branch for each pair
      for (const [hasW, hasB] of [[true, true], [false, false], [true, false], [false, true]]) {
        it(`${label} weight ${hasW ? 'yes' : 'no'} bias ${hasB ? 'yes' : 'no'}: forward and backward`, () => {
          const x = randomArray(p.rows * p.d, 91 + p.d);
          const w = hasW ? randomArray(nAff, 92) : null;
          const b = hasB ? randomArray(nAff, 93) : null;
          const gy = randomArray(p.rows * p.d, 94);
          const want = { y: new Float32Array(p.rows * p.d), mean: new Float64Array(p.rows), rstd: new Float64Array(p.rows) };
          refBackend.affineNormForward(x, w, b, want.y, want.mean, want.rstd, p);
          const got = { y: new Float32Array(p.rows * p.d).fill(Number.NaN), mean: new Float64Array(p.rows), rstd: new Float64Array(p.rows) };
          backend.affineNormForward(x, w, b, got.y, got.mean, got.rstd, p);
          expectClose(got.y, want.y, 1e-5, 1e-5, 'y');
          expectClose(got.mean, want.mean, 1e-9, 1e-9, 'mean');
          expectClose(got.rstd, want.rstd, 1e-9, 1e-9, 'rstd');

          const wantG = { gx: new Float32Array(p.rows * p.d), gw: new Float32Array(nAff), gb: new Float32Array(nAff) };
          refBackend.affineNormBackward(gy, x, w, want.mean, want.rstd, wantG.gx, wantG.gw, wantG.gb, p);
          const gotG = { gx: new Float32Array(p.rows * p.d).fill(Number.NaN), gw: new Float32Array(nAff).fill(Number.NaN), gb: new Float32Array(nAff).fill(Number.NaN) };
          backend.affineNormBackward(gy, x, w, want.mean, want.rstd, gotG.gx, gotG.gw, gotG.gb, p);
          const t = tol(p.rows * p.d);
          expectClose(gotG.gx, wantG.gx, 1e-4, t.atol, 'gx');
          expectClose(gotG.gw, wantG.gw, 1e-4, t.atol, 'gw');
          expectClose(gotG.gb, wantG.gb, 1e-4, t.atol, 'gb');
          const onlyGx = new Float32Array(p.rows * p.d).fill(Number.NaN);
          backend.affineNormBackward(gy, x, w, want.mean, want.rstd, onlyGx, null, null, p);
          expectClose(onlyGx, wantG.gx, 1e-4, t.atol, 'gx alone');
        });
      }
    }
  });

  copyPoolSuite(backend, { describe, it });
  bmmHeadsSuite(backend, { describe, it });
}
