/*
 * Workspace sizes, in floats, of the kernels that take one: `<kernel>Workspace(...)` takes the kernel's
 * scalar arguments (its params fields in manifest order) and is exported beside the kernel, so the
 * adapter (src/backend/wasm.ts) never recomputes a layout. Each formula matches the layout its kernel's
 * header states. Computed in f64 so that huge sizes are reported, not wrapped.
 */
import { NR } from './gemm';
import { rowFloats } from './direct';
import { DIRECT_MAX_K } from './conv2d-backward-weight';

function roundUp4(v: f64): f64 {
  return Math.ceil(v / 4) * 4;
}

/**
 * The direct conv workspace for `rows` input rows producing `outLen` positions (direct.ts buildRows): a
 * row pointer table of rows*k entries (rounded up to 4) followed by the zero-padded phase or tap rows.
 */
function directFloats(rows: f64, k: f64, stride: f64, dilation: f64, outLen: f64): f64 {
  return roundUp4(rows * k) + rows * rowFloats(outLen, k, stride, dilation);
}

export function matmulWorkspace(m: f64, n: f64, k: f64, transA: i32, transB: i32, alpha: f64, beta: f64): f64 {
  return k * <f64>NR;
}

/** bmm runs matmul once per product, one after another: one matmul workspace serves them all. */
export function bmmWorkspace(
  batch: f64, aBatch: f64, bBatch: f64, m: f64, n: f64, k: f64, transA: i32, transB: i32, alpha: f64, beta: f64,
): f64 {
  return k * <f64>NR;
}

/** affineNormBackward: the float64 sums of gw and gb, 2 * groups * (d / spatial) doubles = 4 * that many floats. */
export function affineNormBackwardWorkspace(rows: f64, d: f64, groups: f64, spatial: f64, eps: f64): f64 {
  return 4 * groups * Math.floor(d / spatial);
}

export function conv1dForwardWorkspace(
  n: f64, cIn: f64, cOut: f64, l: f64, k: f64, stride: f64, padding: f64, dilation: f64, groups: f64, lOut: f64,
): f64 {
  // The packed weights, then the direct workspace.
  return roundUp4(cOut * (cIn / groups) * k) + directFloats(cIn / groups, k, stride, dilation, lOut);
}

export function conv1dBackwardInputWorkspace(
  n: f64, cIn: f64, cOut: f64, l: f64, k: f64, stride: f64, padding: f64, dilation: f64, groups: f64, lOut: f64,
): f64 {
  const cinG = cIn / groups, coutG = cOut / groups;
  // The input-gradient contribution of one (b, g), for acc, then:
  const fused = roundUp4(cinG * l);
  // Stride 1: packed weights, then the direct workspace over coutG gy rows producing l positions.
  if (stride == 1) return fused + roundUp4(cOut * cinG * k) + directFloats(coutG, k, stride, dilation, l);
  // Otherwise: cols (cinG*k x lOut, rounded up to 4) then one packed gy panel (coutG x NR).
  return fused + roundUp4(cinG * k * lOut) + coutG * <f64>NR;
}

export function conv1dBackwardWeightWorkspace(
  n: f64, cIn: f64, cOut: f64, l: f64, k: f64, stride: f64, padding: f64, dilation: f64, groups: f64, lOut: f64,
): f64 {
  const cinG = cIn / groups;
  // f32x4 partial sums (4 floats per weight of one group), then the direct workspace.
  return 4 * (cOut / groups) * cinG * k + directFloats(cinG, k, stride, dilation, lOut);
}

/** n rounded up to the panel width NR. */
function roundUpNR(n: f64): f64 {
  return Math.ceil(n / <f64>NR) * <f64>NR;
}

/**
 * conv2d-forward.ts and conv2d-backward-input.ts: the packed weights (cOut * K floats, rounded up to 4), cols
 * (K * P floats, rounded up to 4; none for a 1x1 stride-1 unpadded conv), then the packed B of conv2d-gemm.ts,
 * the larger of the two kernels' (cols as (K, P), gy as (coutG, P)).
 */
function conv2dFloats(
  cIn: f64, cOut: f64, kH: f64, kW: f64, strideH: f64, strideW: f64, padH: f64, padW: f64, groups: f64, outH: f64, outW: f64,
): f64 {
  const identity = kH == 1 && kW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0;
  const K = (cIn / groups) * kH * kW, P = outH * outW;
  const packed = roundUpNR(P) * Math.max(K, cOut / groups);
  return roundUp4(cOut * K) + (identity ? 0 : roundUp4(K * P)) + packed;
}

export function conv2dForwardWorkspace(
  n: f64, cIn: f64, cOut: f64, inH: f64, inW: f64, kH: f64, kW: f64, strideH: f64, strideW: f64, padH: f64,
  padW: f64, dilationH: f64, dilationW: f64, groups: f64, outH: f64, outW: f64,
): f64 {
  return conv2dFloats(cIn, cOut, kH, kW, strideH, strideW, padH, padW, groups, outH, outW);
}

export function conv2dBackwardInputWorkspace(
  n: f64, cIn: f64, cOut: f64, inH: f64, inW: f64, kH: f64, kW: f64, strideH: f64, strideW: f64, padH: f64,
  padW: f64, dilationH: f64, dilationW: f64, groups: f64, outH: f64, outW: f64,
): f64 {
  return conv2dFloats(cIn, cOut, kH, kW, strideH, strideW, padH, padW, groups, outH, outW);
}

export function conv2dBackwardWeightWorkspace(
  n: f64, cIn: f64, cOut: f64, inH: f64, inW: f64, kH: f64, kW: f64, strideH: f64, strideW: f64, padH: f64,
  padW: f64, dilationH: f64, dilationW: f64, groups: f64, outH: f64, outW: f64,
): f64 {
  const identity = kH == 1 && kW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0;
  const K = (cIn / groups) * kH * kW, P = outH * outW;
  // The direct path (K <= DIRECT_MAX_K): partial sums, row table, cols.
  if (K <= <f64>DIRECT_MAX_K) return 4 * (cOut / groups) * K + roundUp4(K) + K * P;
  return roundUp4(cOut * K) + (identity ? 0 : roundUp4(K * P)) + roundUpNR(cOut / groups) * P;
}
