/*
 * Workspace sizes, in floats, of the kernels that take one: `<kernel>Workspace(...)` takes the kernel's
 * scalar arguments (its params fields in manifest order) and is exported beside the kernel, so the
 * adapter (src/backend/wasm.ts) never recomputes a layout. Each formula matches the layout its kernel's
 * header states. Computed in f64 so that huge sizes are reported, not wrapped.
 */
import { NR } from './gemm';
import { rowFloats } from './direct';

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

export function conv1dForwardWorkspace(
  n: f64, cIn: f64, cOut: f64, l: f64, k: f64, stride: f64, padding: f64, dilation: f64, groups: f64, lOut: f64,
): f64 {
  return directFloats(cIn / groups, k, stride, dilation, lOut);
}

export function conv1dBackwardInputWorkspace(
  n: f64, cIn: f64, cOut: f64, l: f64, k: f64, stride: f64, padding: f64, dilation: f64, groups: f64, lOut: f64,
): f64 {
  const cinG = cIn / groups, coutG = cOut / groups;
  // Stride 1: packed weights, then the direct workspace over coutG gy rows producing l positions.
  if (stride == 1) return roundUp4(cOut * cinG * k) + directFloats(coutG, k, stride, dilation, l);
  // Otherwise: cols (cinG*k x lOut, rounded up to 4) then one packed gy panel (coutG x NR).
  return roundUp4(cinG * k * lOut) + coutG * <f64>NR;
}

export function conv1dBackwardWeightWorkspace(
  n: f64, cIn: f64, cOut: f64, l: f64, k: f64, stride: f64, padding: f64, dilation: f64, groups: f64, lOut: f64,
): f64 {
  const cinG = cIn / groups;
  // 1x1 stride-1 unpadded: one packed panel of x^T (lOut x NR).
  if (k == 1 && stride == 1 && padding == 0) return lOut * <f64>NR;
  // Otherwise f32x4 partial sums (4 floats per weight of one group), then the direct workspace.
  return 4 * (cOut / groups) * cinG * k + directFloats(cinG, k, stride, dilation, lOut);
}
