/**
 * THE kernel manifest: every kernel's name, arguments and params, written once. Everything else derives
 * from it:
 * - the TS `Backend` type (src/backend/backend.ts, a mapped type over KERNELS);
 * - the native adapter (src/backend/native.ts: the addon's functions are the backend's methods) and the
 *   wasm adapter (src/backend/wasm.ts: one generic staging routine reads the argument list);
 * - the C++ params structs, kernel table, exports and argument validation of the addon
 *   (native/generated/manifest.h, written by `npm run gen:native` = scripts/gen-native-manifest.ts;
 *   test/backend/drift.test.ts fails when the committed header is stale);
 * - the malformed-call tables of test/backend/native-validation.test.ts.
 *
 * Adding a kernel = one entry here + `npm run gen:native` + its bodies (ref, native, wasm) + its tests.
 *
 * Argument rules, enforced by the addon and relied on by every backend:
 * - an array's length must equal its `len` formula exactly (a product of params fields; `(a/b)` divides;
 *   `=x` means "the same length as array x", and the first array with `len: 'any'` sets it);
 * - an array that the kernel writes (`out`/`inout`) overlaps no other argument in memory, except the
 *   arguments named in its `inPlace` list, which it may be exactly (same memory and length);
 * - null is accepted only for `nullable` arrays.
 */

/** How a params field is read and checked (native/common.h). */
export type FieldKind =
  | 'size' // an integer in [0, 2**53 - 1]
  | 'positive' // an integer in [1, 2**53 - 1]
  | 'real' // a finite number
  | 'nonNegative' // a finite number >= 0
  | 'flag'; // true or false (no truthiness)

/** Element type of an array argument: Float32Array, Float64Array, or an index array (Uint8Array | Int32Array). */
export type ArrayType = 'f32' | 'f64' | 'idx';

/** Whether the kernel reads an array, writes it (old contents ignored), or both. */
export type ArrayRole = 'in' | 'out' | 'inout';

export interface ArraySpec {
  readonly name: string;
  readonly type: ArrayType;
  readonly role: ArrayRole;
  /** A product of params fields (e.g. `n*cIn*l`, `cOut*(cIn/groups)*k`), `any`, or `=<array name>`. */
  readonly len: string;
  readonly nullable?: boolean;
  /** Arguments this written array may be exactly (in place); it overlaps no other argument. */
  readonly inPlace?: readonly string[];
  /**
   * Index arrays: values are in [0, bound), bound a params field or a product of fields (`inH*inW`); an
   * output needs an Int32Array when bound > 256, and an input's values are range-checked.
   */
  readonly idxBound?: string;
  /** Only used when this C++ predicate on the params holds (native/checks.h); else ignored (passed as null). */
  readonly usedWhen?: string;
  /**
   * An `inout` array whose old contents the kernel reads only when this params field is nonzero (matmul's
   * C with beta: at beta 0 the old contents, NaN included, are ignored), so that a backend which stages its
   * arrays (wasm) need not copy it in then.
   */
  readonly readUnlessZero?: string;
}

/** A params struct: field name -> kind, in the order of the C++ struct and the wasm export's scalars. */
export const PARAMS = {
  Matmul: {
    m: 'size', n: 'size', k: 'size', transA: 'flag', transB: 'flag', alpha: 'real', beta: 'real',
  },
  Conv1d: {
    n: 'size', cIn: 'size', cOut: 'size', l: 'size', k: 'positive', stride: 'positive', padding: 'size',
    dilation: 'positive', groups: 'positive', lOut: 'size', relu: 'flag',
  },
  Conv2d: {
    n: 'size', cIn: 'size', cOut: 'size', inH: 'size', inW: 'size', kH: 'positive', kW: 'positive',
    strideH: 'positive', strideW: 'positive', padH: 'size', padW: 'size', dilationH: 'positive', dilationW: 'positive',
    groups: 'positive', outH: 'size', outW: 'size', relu: 'flag',
  },
  Sgd: {
    lr: 'nonNegative', momentum: 'nonNegative', dampening: 'real', weightDecay: 'nonNegative', nesterov: 'flag',
    maximize: 'flag',
    firstStep: 'flag',
  },
  Pool1d: {
    n: 'size', c: 'size', l: 'positive', k: 'positive', stride: 'positive', padding: 'size', dilation: 'positive',
    lOut: 'size',
  },
  BatchNorm: { n: 'size', c: 'size', inner: 'size', training: 'flag', eps: 'nonNegative', relu: 'flag' },
  Pool2d: {
    n: 'size', c: 'size', inH: 'positive', inW: 'positive', kH: 'positive', kW: 'positive', strideH: 'positive',
    strideW: 'positive', padH: 'size', padW: 'size', dilationH: 'positive', dilationW: 'positive', outH: 'size',
    outW: 'size',
  },
  AffineNorm: { rows: 'size', d: 'size', groups: 'positive', spatial: 'positive', eps: 'nonNegative' },
  Bmm: {
    batch: 'size', aBatch: 'size', bBatch: 'size', m: 'size', n: 'size', k: 'size', transA: 'flag', transB: 'flag',
    alpha: 'real', beta: 'real',
  },
  BmmHeads: {
    outer: 'size', heads: 'size', m: 'size', n: 'size', k: 'size', transA: 'flag', transB: 'flag', alpha: 'real',
    beta: 'real', aLen: 'size', aOuter: 'size', aHead: 'size', aLd: 'size', bLen: 'size', bOuter: 'size',
    bHead: 'size', bLd: 'size', cLen: 'size', cOuter: 'size', cHead: 'size', cLd: 'size',
  },
  AdaptivePool1d: { rows: 'size', l: 'positive', lOut: 'positive' },
  BlockCopy: {
    outer: 'size', blk: 'size', srcStride: 'size', srcOffset: 'size', dstStride: 'size', dstOffset: 'size',
  },
  Softmax: { rows: 'size', d: 'size', maskRows: 'positive' },
  LstmCell: { rows: 'size', hs: 'size', g: 'size' },
  Adam: {
    lr: 'nonNegative', beta1: 'nonNegative', beta2: 'nonNegative', eps: 'nonNegative', weightDecay: 'nonNegative',
    biasCorrection1: 'real', biasCorrection2: 'real', amsgrad: 'flag', maximize: 'flag', decoupled: 'flag',
  },
  ColumnSum: { rows: 'size', cols: 'size' },
  EmbeddingBackward: { n: 'size', num: 'size', dim: 'size', paddingIdx: 'size', scaleGradByFreq: 'flag' },
} as const satisfies Record<string, Record<string, FieldKind>>;

export type ParamsName = keyof typeof PARAMS;

export interface KernelSpec {
  readonly args: readonly ArraySpec[];
  /** The params object (last argument), or absent when the sizes come from the arrays' lengths alone. */
  readonly params?: ParamsName;
  /** One line for the generated C++ and the docs; the full contract is on the Backend type. */
  readonly doc: string;
}

const CONV_X = 'n*cIn*l';
const CONV_W = 'cOut*(cIn/groups)*k';
const CONV_Y = 'n*cOut*lOut';
const BN_X = 'n*c*inner';
const CONV2D_X = 'n*cIn*inH*inW';
const CONV2D_W = 'cOut*(cIn/groups)*kH*kW';
const CONV2D_Y = 'n*cOut*outH*outW';
const POOL2D_X = 'n*c*inH*inW';
const POOL2D_Y = 'n*c*outH*outW';
/** The affine parameters of a norm: d / spatial per group (layer norm: d; group norm: the channels). */
const NORM_AFFINE = 'groups*(d/spatial)';

export const KERNELS = {
  matmul: {
    doc: 'C (m, n) = alpha * op(A) @ op(B) + beta * C',
    params: 'Matmul',
    args: [
      { name: 'a', type: 'f32', role: 'in', len: 'm*k' },
      { name: 'b', type: 'f32', role: 'in', len: 'k*n' },
      { name: 'c', type: 'f32', role: 'inout', len: 'm*n', readUnlessZero: 'beta' },
    ],
  },
  conv1dForward: {
    doc: 'y (n, cOut, lOut) = conv1d(x, w) + bias, then relu if p.relu',
    params: 'Conv1d',
    args: [
      { name: 'x', type: 'f32', role: 'in', len: CONV_X },
      { name: 'w', type: 'f32', role: 'in', len: CONV_W },
      { name: 'bias', type: 'f32', role: 'in', len: 'cOut', nullable: true },
      { name: 'y', type: 'f32', role: 'out', len: CONV_Y },
    ],
  },
  conv1dBackwardInput: {
    doc: 'gx (n, cIn, l) = d loss / d x, plus acc if given (gx may be acc)',
    params: 'Conv1d',
    args: [
      { name: 'gy', type: 'f32', role: 'in', len: CONV_Y },
      { name: 'w', type: 'f32', role: 'in', len: CONV_W },
      { name: 'gx', type: 'f32', role: 'out', len: CONV_X, inPlace: ['acc'] },
      { name: 'acc', type: 'f32', role: 'in', len: CONV_X, nullable: true },
    ],
  },
  conv1dBackwardWeight: {
    doc: 'gw (cOut, cIn/groups, k) = d loss / d w; gb (cOut) = sum of gy',
    params: 'Conv1d',
    args: [
      { name: 'x', type: 'f32', role: 'in', len: CONV_X },
      { name: 'gy', type: 'f32', role: 'in', len: CONV_Y },
      { name: 'gw', type: 'f32', role: 'out', len: CONV_W },
      { name: 'gb', type: 'f32', role: 'out', len: 'cOut', nullable: true },
    ],
  },
  conv2dForward: {
    doc: 'y (n, cOut, outH, outW) = conv2d(x, w) + bias, then relu if p.relu',
    params: 'Conv2d',
    args: [
      { name: 'x', type: 'f32', role: 'in', len: CONV2D_X },
      { name: 'w', type: 'f32', role: 'in', len: CONV2D_W },
      { name: 'bias', type: 'f32', role: 'in', len: 'cOut', nullable: true },
      { name: 'y', type: 'f32', role: 'out', len: CONV2D_Y },
    ],
  },
  conv2dBackwardInput: {
    doc: 'gx (n, cIn, inH, inW) = d loss / d x',
    params: 'Conv2d',
    args: [
      { name: 'gy', type: 'f32', role: 'in', len: CONV2D_Y },
      { name: 'w', type: 'f32', role: 'in', len: CONV2D_W },
      { name: 'gx', type: 'f32', role: 'out', len: CONV2D_X },
    ],
  },
  conv2dBackwardWeight: {
    doc: 'gw (cOut, cIn/groups, kH, kW) = d loss / d w; gb (cOut) = sum of gy',
    params: 'Conv2d',
    args: [
      { name: 'x', type: 'f32', role: 'in', len: CONV2D_X },
      { name: 'gy', type: 'f32', role: 'in', len: CONV2D_Y },
      { name: 'gw', type: 'f32', role: 'out', len: CONV2D_W },
      { name: 'gb', type: 'f32', role: 'out', len: 'cOut', nullable: true },
    ],
  },
  sgdStep: {
    doc: 'one in-place SGD update (PyTorch 1.13 semantics and rounding)',
    params: 'Sgd',
    args: [
      { name: 'param', type: 'f32', role: 'inout', len: 'any' },
      { name: 'grad', type: 'f32', role: 'in', len: '=param' },
      { name: 'buf', type: 'f32', role: 'inout', len: '=param', nullable: true, usedWhen: 'sgdUsesBuf' },
    ],
  },
  add: {
    doc: 'out = a + b elementwise in float32; out may be a or b (in place)',
    args: [
      { name: 'a', type: 'f32', role: 'in', len: 'any' },
      { name: 'b', type: 'f32', role: 'in', len: '=a' },
      { name: 'out', type: 'f32', role: 'out', len: '=a', inPlace: ['a', 'b'] },
    ],
  },
  reluForward: {
    doc: 'y = relu(x); y may be x (in place)',
    args: [
      { name: 'x', type: 'f32', role: 'in', len: 'any' },
      { name: 'y', type: 'f32', role: 'out', len: '=x', inPlace: ['x'] },
    ],
  },
  reluBackward: {
    doc: 'gx = (y > 0 or NaN) ? gy : 0; gx may be gy (in place)',
    args: [
      { name: 'y', type: 'f32', role: 'in', len: 'any' },
      { name: 'gy', type: 'f32', role: 'in', len: '=y' },
      { name: 'gx', type: 'f32', role: 'out', len: '=y', inPlace: ['gy'] },
    ],
  },
  maxPool1dForward: {
    doc: 'y (n, c, lOut) = window max of x; idx = offset of the max in its window',
    params: 'Pool1d',
    args: [
      { name: 'x', type: 'f32', role: 'in', len: 'n*c*l' },
      { name: 'y', type: 'f32', role: 'out', len: 'n*c*lOut' },
      { name: 'idx', type: 'idx', role: 'out', len: 'n*c*lOut', idxBound: 'k' },
    ],
  },
  maxPool1dBackward: {
    doc: 'gx (n, c, l) = gy summed into each window argmax',
    params: 'Pool1d',
    args: [
      { name: 'gy', type: 'f32', role: 'in', len: 'n*c*lOut' },
      { name: 'idx', type: 'idx', role: 'in', len: 'n*c*lOut', idxBound: 'k' },
      { name: 'gx', type: 'f32', role: 'out', len: 'n*c*l' },
    ],
  },
  maxPool2dForward: {
    doc: 'y (n, c, outH, outW) = window max of x; idx = flat index h * inW + w of the max in its input plane',
    params: 'Pool2d',
    args: [
      { name: 'x', type: 'f32', role: 'in', len: POOL2D_X },
      { name: 'y', type: 'f32', role: 'out', len: POOL2D_Y },
      { name: 'idx', type: 'idx', role: 'out', len: POOL2D_Y, idxBound: 'inH*inW' },
    ],
  },
  maxPool2dBackward: {
    doc: 'gx (n, c, inH, inW) = gy summed into each window argmax',
    params: 'Pool2d',
    args: [
      { name: 'gy', type: 'f32', role: 'in', len: POOL2D_Y },
      { name: 'idx', type: 'idx', role: 'in', len: POOL2D_Y, idxBound: 'inH*inW' },
      { name: 'gx', type: 'f32', role: 'out', len: POOL2D_X },
    ],
  },
  batchNormForward: {
    doc: 'y = (x - mean) * invstd * weight + bias (then relu if p.relu); training: mean, invstd = batch statistics',
    params: 'BatchNorm',
    args: [
      { name: 'x', type: 'f32', role: 'in', len: BN_X },
      { name: 'weight', type: 'f32', role: 'in', len: 'c', nullable: true },
      { name: 'bias', type: 'f32', role: 'in', len: 'c', nullable: true },
      { name: 'mean', type: 'f64', role: 'inout', len: 'c' },
      { name: 'invstd', type: 'f64', role: 'inout', len: 'c' },
      { name: 'y', type: 'f32', role: 'out', len: BN_X },
    ],
  },
  batchNormBackward: {
    doc: 'gx, gw, gb of batchNormForward (each may be null); gx may be gy (in place)',
    params: 'BatchNorm',
    args: [
      { name: 'gy', type: 'f32', role: 'in', len: BN_X },
      { name: 'x', type: 'f32', role: 'in', len: BN_X },
      { name: 'weight', type: 'f32', role: 'in', len: 'c', nullable: true },
      { name: 'mean', type: 'f64', role: 'in', len: 'c' },
      { name: 'invstd', type: 'f64', role: 'in', len: 'c' },
      { name: 'gx', type: 'f32', role: 'out', len: BN_X, nullable: true, inPlace: ['gy'] },
      { name: 'gw', type: 'f32', role: 'out', len: 'c', nullable: true },
      { name: 'gb', type: 'f32', role: 'out', len: 'c', nullable: true },
    ],
  },
  bmm: {
    doc: 'C[i] (m, n) = alpha * op(A[i or 0]) @ op(B[i or 0]) + beta * C[i] for i < batch (aBatch, bBatch: batch or 1)',
    params: 'Bmm',
    args: [
      { name: 'a', type: 'f32', role: 'in', len: 'aBatch*m*k' },
      { name: 'b', type: 'f32', role: 'in', len: 'bBatch*k*n' },
      { name: 'c', type: 'f32', role: 'inout', len: 'batch*m*n', readUnlessZero: 'beta' },
    ],
  },
  bmmHeads: {
    doc: 'bmm over outer x heads products read and written through row strides and outer / head offsets (BmmHeadsParams)',
    params: 'BmmHeads',
    args: [
      { name: 'a', type: 'f32', role: 'in', len: 'aLen' },
      { name: 'b', type: 'f32', role: 'in', len: 'bLen' },
      { name: 'c', type: 'f32', role: 'inout', len: 'cLen' },
    ],
  },
  affineNormForward: {
    doc: 'y = (x - mean) * rstd * weight + bias over rows of d (layer and group norm); writes mean, rstd per row',
    params: 'AffineNorm',
    args: [
      { name: 'x', type: 'f32', role: 'in', len: 'rows*d' },
      { name: 'weight', type: 'f32', role: 'in', len: NORM_AFFINE, nullable: true },
      { name: 'bias', type: 'f32', role: 'in', len: NORM_AFFINE, nullable: true },
      { name: 'y', type: 'f32', role: 'out', len: 'rows*d' },
      { name: 'mean', type: 'f64', role: 'out', len: 'rows' },
      { name: 'rstd', type: 'f64', role: 'out', len: 'rows' },
    ],
  },
  affineNormBackward: {
    doc: 'gx, gw, gb of affineNormForward (each may be null)',
    params: 'AffineNorm',
    args: [
      { name: 'gy', type: 'f32', role: 'in', len: 'rows*d' },
      { name: 'x', type: 'f32', role: 'in', len: 'rows*d' },
      { name: 'weight', type: 'f32', role: 'in', len: NORM_AFFINE, nullable: true },
      { name: 'mean', type: 'f64', role: 'in', len: 'rows' },
      { name: 'rstd', type: 'f64', role: 'in', len: 'rows' },
      { name: 'gx', type: 'f32', role: 'out', len: 'rows*d', nullable: true },
      { name: 'gw', type: 'f32', role: 'out', len: NORM_AFFINE, nullable: true },
      { name: 'gb', type: 'f32', role: 'out', len: NORM_AFFINE, nullable: true },
    ],
  },
  adaptiveAvgPool1dForward: {
    doc: 'y (rows, lOut) = mean of x (rows, l) over window o = [floor(o*l/lOut), ceil((o+1)*l/lOut))',
    params: 'AdaptivePool1d',
    args: [
      { name: 'x', type: 'f32', role: 'in', len: 'rows*l' },
      { name: 'y', type: 'f32', role: 'out', len: 'rows*lOut' },
    ],
  },
  adaptiveAvgPool1dBackward: {
    doc: 'gx (rows, l) = each window\'s gy / its length, summed over the windows holding each position',
    params: 'AdaptivePool1d',
    args: [
      { name: 'gy', type: 'f32', role: 'in', len: 'rows*lOut' },
      { name: 'gx', type: 'f32', role: 'out', len: 'rows*l' },
    ],
  },
  copyBlocks: {
    doc: 'dst[r*dstStride + dstOffset + i] = src[r*srcStride + srcOffset + i] for r < outer, i < blk; the rest of dst kept',
    params: 'BlockCopy',
    args: [
      { name: 'src', type: 'f32', role: 'in', len: 'outer*srcStride' },
      { name: 'dst', type: 'f32', role: 'inout', len: 'outer*dstStride' },
    ],
  },
  softmaxForward: {
    doc: 'y = softmax(x + mask row r % maskRows) over each of rows rows of d; y may be x (in place)',
    params: 'Softmax',
    args: [
      { name: 'x', type: 'f32', role: 'in', len: 'rows*d' },
      { name: 'mask', type: 'f32', role: 'in', len: 'maskRows*d', nullable: true },
      { name: 'y', type: 'f32', role: 'out', len: 'rows*d', inPlace: ['x'] },
    ],
  },
  softmaxBackward: {
    doc: 'gx = y * (gy - sum(gy * y)) over each row of d; gx may be gy (in place)',
    params: 'Softmax',
    args: [
      { name: 'y', type: 'f32', role: 'in', len: 'rows*d' },
      { name: 'gy', type: 'f32', role: 'in', len: 'rows*d' },
      { name: 'gx', type: 'f32', role: 'out', len: 'rows*d', inPlace: ['gy'] },
    ],
  },
  lstmCellForward: {
    doc: 'LSTM step pointwise: a (rows, 4 hs) gates -> activations in place; c = f cPrev + i g, h = o tanh(c)',
    params: 'LstmCell',
    args: [
      { name: 'a', type: 'f32', role: 'inout', len: 'rows*g' },
      { name: 'cPrev', type: 'f32', role: 'in', len: 'rows*hs' },
      { name: 'c', type: 'f32', role: 'out', len: 'rows*hs' },
      { name: 'h', type: 'f32', role: 'out', len: 'rows*hs' },
    ],
  },
  lstmCellBackward: {
    doc: 'LSTM step pointwise backward: da from the activations, cPrev, c, dh; dc updated in place to d cPrev',
    params: 'LstmCell',
    args: [
      { name: 'act', type: 'f32', role: 'in', len: 'rows*g' },
      { name: 'cPrev', type: 'f32', role: 'in', len: 'rows*hs' },
      { name: 'c', type: 'f32', role: 'in', len: 'rows*hs' },
      { name: 'dh', type: 'f32', role: 'in', len: 'rows*hs' },
      { name: 'dc', type: 'f32', role: 'inout', len: 'rows*hs' },
      { name: 'da', type: 'f32', role: 'out', len: 'rows*g' },
    ],
  },
  adamStep: {
    doc: 'one in-place Adam / AdamW update (PyTorch 1.13 semantics and float32 rounding)',
    params: 'Adam',
    args: [
      { name: 'param', type: 'f32', role: 'inout', len: 'any' },
      { name: 'grad', type: 'f32', role: 'in', len: '=param' },
      { name: 'expAvg', type: 'f32', role: 'inout', len: '=param' },
      { name: 'expAvgSq', type: 'f32', role: 'inout', len: '=param' },
      { name: 'maxExpAvgSq', type: 'f32', role: 'inout', len: '=param', nullable: true, usedWhen: 'adamUsesMax' },
    ],
  },
  columnSum: {
    doc: 'out (cols) = sum over the rows of x (rows, cols), each column summed in float64 in row order',
    params: 'ColumnSum',
    args: [
      { name: 'x', type: 'f32', role: 'in', len: 'rows*cols' },
      { name: 'out', type: 'f32', role: 'out', len: 'cols' },
    ],
  },
  embeddingBackward: {
    doc: 'gw (num, dim) = sum of the gy rows (n, dim) into rows idx (n), float64 in index order; row paddingIdx zero',
    params: 'EmbeddingBackward',
    args: [
      { name: 'idx', type: 'idx', role: 'in', len: 'n', idxBound: 'num' },
      { name: 'gy', type: 'f32', role: 'in', len: 'n*dim' },
      { name: 'gw', type: 'f32', role: 'out', len: 'num*dim' },
    ],
  },
} as const satisfies Record<string, KernelSpec>;

export type KernelName = keyof typeof KERNELS;

/** Every kernel name, in manifest order. */
export const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[];

/** A kernel's spec, widened (for code that walks the manifest). */
export function kernelSpec(name: KernelName): KernelSpec {
  return KERNELS[name];
}

/** The params fields of a kernel in order (empty when it takes no params object). */
export function paramFields(name: KernelName): [string, FieldKind][] {
  const p = kernelSpec(name).params;
  return p === undefined ? [] : (Object.entries(PARAMS[p]) as [string, FieldKind][]);
}

/**
 * The length a `len` formula asks for, given the params and the arrays' lengths so far (`any` and `=x`
 * read `lengths`). Used by the wasm adapter and the tests; the addon evaluates the same formulas in C++.
 */
export function formulaLength(formula: string, params: Record<string, unknown>, lengths: Record<string, number>,
  self?: number): number {
  if (formula === 'any') return self ?? 0;
  if (formula.startsWith('=')) return lengths[formula.slice(1)] ?? 0;
  let r = 1;
  for (const factor of formula.split('*')) {
    const q = /^\((\w+)\/(\w+)\)$/.exec(factor);
    r *= q ? Math.floor(Number(params[q[1]!]) / Number(params[q[2]!])) : Number(params[factor]);
  }
  return r;
}
