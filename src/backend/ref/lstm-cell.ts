/**
 * Reference LSTM step kernels (PyTorch's gate order i, f, g, o and formulas): plain loops in float64, each
 * store rounded to float32. The loops rnn-cells.ts ran before the kernels existed, so the LSTM fixtures
 * check them unchanged.
 */
import type { LstmCellParams } from '../backend.js';

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** i, f, g, o = sigmoid, sigmoid, tanh, sigmoid of a's blocks (over a); c = f cPrev + i g; h = o tanh(c). */
export function lstmCellForward(a: Float32Array, cPrev: Float32Array, c: Float32Array, h: Float32Array, p: LstmCellParams): void {
  const { rows, hs } = p;
  for (let r = 0; r < rows; r++) {
    const o4 = r * 4 * hs;
    for (let j = 0; j < hs; j++) {
      const ig = sigmoid(a[o4 + j]!);
      const fg = sigmoid(a[o4 + hs + j]!);
      const gg = Math.tanh(a[o4 + 2 * hs + j]!);
      const og = sigmoid(a[o4 + 3 * hs + j]!);
      a[o4 + j] = ig;
      a[o4 + hs + j] = fg;
      a[o4 + 2 * hs + j] = gg;
      a[o4 + 3 * hs + j] = og;
      const cv = fg * cPrev[r * hs + j]! + ig * gg;
      c[r * hs + j] = cv;
      h[r * hs + j] = og * Math.tanh(cv);
    }
  }
}

/**
 * From the saved activations act (i, f, g, o), cPrev and c, given dh and dc (the gradient reaching c from
 * the next step), writes da and updates dc in place to the gradient of cPrev.
 */
export function lstmCellBackward(
  act: Float32Array, cPrev: Float32Array, c: Float32Array, dh: Float32Array, dc: Float32Array, da: Float32Array, p: LstmCellParams,
): void {
  const { rows, hs } = p;
  for (let r = 0; r < rows; r++) {
    const o4 = r * 4 * hs;
    for (let j = 0; j < hs; j++) {
      const k = r * hs + j;
      const ig = act[o4 + j]!;
      const fg = act[o4 + hs + j]!;
      const gg = act[o4 + 2 * hs + j]!;
      const og = act[o4 + 3 * hs + j]!;
      const tc = Math.tanh(c[k]!);
      const dcv = dc[k]! + dh[k]! * og * (1 - tc * tc);
      da[o4 + j] = dcv * gg * ig * (1 - ig);
      da[o4 + hs + j] = dcv * cPrev[k]! * fg * (1 - fg);
      da[o4 + 2 * hs + j] = dcv * ig * (1 - gg * gg);
      da[o4 + 3 * hs + j] = dh[k]! * tc * og * (1 - og);
      dc[k] = dcv * fg;
    }
  }
}
