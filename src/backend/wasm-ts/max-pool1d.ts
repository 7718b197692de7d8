import type { Pool1dParams } from '../backend.js';

/*
 * The wasm backend's maxPool1d kernels in TypeScript (the naive spec is src/backend/ref/max-pool1d.ts), over n * c rows of length l. Ties keep the first maximum and a NaN wins (the
 * last NaN of a window, as PyTorch's `val > max || isnan(val)`); -0 and +0 tie. Outputs [oLo, oHi) have
 * windows lying fully inside the input and run branch-free loops (a data-dependent branch mispredicts on
 * real activations): comparisons become 0/1 integers and the argmax is selected with masks; the value is
 * re-read at the argmax. Windows touching the padding take the plain loop.
 */

/** The outputs [oLo, oHi) of a row whose windows lie fully inside the input. */
function interiorRange(p: Pool1dParams): [number, number] {
  const { l, k, stride, padding, dilation, lOut } = p;
  const oLo = Math.min(lOut, Math.ceil(padding / stride));
  const oHi = Math.max(oLo, Math.min(lOut, Math.floor((l - 1 - (k - 1) * dilation + padding) / stride) + 1));
  return [oLo, oHi];
}

/** y = the max of each window, idx = its offset in the window. */
export function maxPool1dForward(x: Float32Array, y: Float32Array, idx: Uint8Array | Int32Array, p: Pool1dParams): void {
  const { n, c, l, k, stride, padding, dilation, lOut } = p;
  const rows = n * c;
  const [oLo, oHi] = interiorRange(p);
  for (let r = 0; r < rows; r++) {
    const xo = r * l;
    const yo = r * lOut;
    for (let o = 0; o < oLo; o++) borderWindow(x, y, idx, xo, yo + o, o * stride - padding, l, k, dilation);
    const s0 = xo + oLo * stride - padding;
    if (k === 3 && dilation === 1 && idx instanceof Uint8Array) interiorK3(x, y, idx, s0, yo + oLo, yo + oHi, stride);
    else interior(x, y, idx, s0, yo + oLo, yo + oHi, stride, k, dilation);
    for (let o = oHi; o < lOut; o++) borderWindow(x, y, idx, xo, yo + o, o * stride - padding, l, k, dilation);
  }
}

/** gx = 0, then gx[window start + idx * dilation] += gy for every output. */
export function maxPool1dBackward(gy: Float32Array, idx: Uint8Array | Int32Array, gx: Float32Array, p: Pool1dParams): void {
  const { n, c, l, stride, padding, dilation, lOut } = p;
  const rows = n * c;
  const [oLo, oHi] = interiorRange(p);
  gx.fill(0, 0, rows * l);
  for (let r = 0; r < rows; r++) {
    const xo = r * l;
    const yo = r * lOut;
    for (let o = 0; o < oLo; o++) {
      const q = o * stride - padding + idx[yo + o] * dilation;
      if (q >= 0 && q < l) gx[xo + q] += gy[yo + o];
    }
    scatterInterior(gy, gx, idx, xo + oLo * stride - padding, yo + oLo, yo + oHi, stride, dilation);
    for (let o = oHi; o < lOut; o++) {
      const q = o * stride - padding + idx[yo + o] * dilation;
      if (q >= 0 && q < l) gx[xo + q] += gy[yo + o];
    }
  }
}

/**
 * Outputs [i, e) whose windows start at s, s + stride, ... and lie inside the input; k = 3, dilation 1.
 * For window (a, b, c): p = argmax(a, b) is 1 if b > a or b is NaN; c wins if it is NaN or exceeds both a
 * and b (the same as exceeding max(a, b), which is NaN, and so never exceeded, when a or b is), which
 * keeps every comparison independent of the others. Two windows per iteration (V8 runs that markedly
 * faster).
 */
function interiorK3(xd: Float32Array, y: Float32Array, arg: Uint8Array, s: number, i: number, e: number, stride: number): void {
  for (; i + 1 < e; i += 2, s += 2 * stride) {
    const t = s + stride;
    const a0 = xd[s];
    const b0 = xd[s + 1];
    const c0 = xd[s + 2];
    const a1 = xd[t];
    const b1 = xd[t + 1];
    const c1 = xd[t + 2];
    const p0 = +(b0 > a0) | +(b0 !== b0);
    const p1 = +(b1 > a1) | +(b1 !== b1);
    const q0 = (+(c0 > a0) & +(c0 > b0)) | +(c0 !== c0);
    const q1 = (+(c1 > a1) & +(c1 > b1)) | +(c1 !== c1);
    const j0 = p0 ^ ((p0 ^ 2) & -q0);
    const j1 = p1 ^ ((p1 ^ 2) & -q1);
    y[i] = xd[s + j0];
    y[i + 1] = xd[t + j1];
    arg[i] = j0;
    arg[i + 1] = j1;
  }
  if (i < e) {
    const a = xd[s];
    const b = xd[s + 1];
    const c = xd[s + 2];
    const p = +(b > a) | +(b !== b);
    const q = (+(c > a) & +(c > b)) | +(c !== c);
    const j = p ^ ((p ^ 2) & -q);
    y[i] = xd[s + j];
    arg[i] = j;
  }
}

/** Outputs [i, e) whose windows start at s, s + stride, ... and lie inside the input; any k and dilation. */
function interior(
  xd: Float32Array, y: Float32Array, arg: Uint8Array | Int32Array, s: number, i: number, e: number, stride: number, k: number, dilation: number,
): void {
  for (; i < e; i++, s += stride) {
    let m = xd[s];
    let j = 0;
    for (let t = 1, q = s + dilation; t < k; t++, q += dilation) {
      const v = xd[q];
      const mask = -(+(v > m) | +(v !== v));
      j = (t & mask) | (j & ~mask);
      m = xd[s + j * dilation];
    }
    y[i] = m;
    arg[i] = j;
  }
}

/** Output i of the row at xo, a window starting at p0 (relative to the row) that touches the padding. */
function borderWindow(
  xd: Float32Array, y: Float32Array, arg: Uint8Array | Int32Array, xo: number, i: number, p0: number, l: number, k: number, dilation: number,
): void {
  // Skip the padded positions; start from -inf at the first real element.
  let p = p0;
  let j = 0;
  while (p < 0) {
    p += dilation;
    j++;
  }
  let best = j;
  let m = -Infinity;
  for (; j < k && p < l; j++, p += dilation) {
    const v = xd[xo + p];
    if (v > m || v !== v) {
      m = v;
      best = j;
    }
  }
  y[i] = m;
  arg[i] = best;
}

/** gx[s + arg * dilation] += g for the interior outputs [i, e) (windows at s, s + stride, ...). */
function scatterInterior(
  gd: Float32Array, gx: Float32Array, arg: Uint8Array | Int32Array, s: number, i: number, e: number, stride: number, dilation: number,
): void {
  if (dilation === 1) {
    for (; i + 1 < e; i += 2, s += 2 * stride) {
      gx[s + arg[i]] += gd[i];
      gx[s + stride + arg[i + 1]] += gd[i + 1];
    }
    if (i < e) gx[s + arg[i]] += gd[i];
  } else {
    for (; i < e; i++, s += stride) gx[s + arg[i] * dilation] += gd[i];
  }
}
