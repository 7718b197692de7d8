/*
 * lstmCellForward: one LSTM time step's pointwise part (src/backend/backend.ts LstmCellParams): per row the
 * gate block a (i, f, g, o blocks of hs) becomes sigmoid, sigmoid, tanh, sigmoid of itself (in place);
 * c = f * cPrev + i * g; h = o * tanh(c). float32 f32x4 with lstm-cell.ts's sigmoid / tanh;
 * src/backend/ref/lstm-cell.ts (float64) within ~1e-6. Columns past the last multiple of 4 go one at a time
 * through lane 0 of the same vector functions. Aliasing: a, c, h overlap nothing.
 */
import { load4, store4, sigmoid4, tanh4 } from './lstm-cell';

/** Columns at byte offset j (4 floats, or 1 when `one`) of one row; hsB = hs in bytes. */
// @ts-ignore: decorator
@inline function columns(a: usize, cPrev: usize, c: usize, h: usize, hsB: usize, j: usize, one: bool): void {
  const ig = sigmoid4(load4(a + j, one));
  const fg = sigmoid4(load4(a + hsB + j, one));
  const gg = tanh4(load4(a + 2 * hsB + j, one));
  const og = sigmoid4(load4(a + 3 * hsB + j, one));
  const cv = f32x4.add(f32x4.mul(fg, load4(cPrev + j, one)), f32x4.mul(ig, gg));
  const hv = f32x4.mul(og, tanh4(cv));
  store4(a + j, ig, one);
  store4(a + hsB + j, fg, one);
  store4(a + 2 * hsB + j, gg, one);
  store4(a + 3 * hsB + j, og, one);
  store4(c + j, cv, one);
  store4(h + j, hv, one);
}

export function lstmCellForward(a: usize, cPrev: usize, c: usize, h: usize, rows: i32, hs: i32, g: i32): void {
  const hsB = <usize>hs << 2;
  for (let r = 0; r < rows; r++) {
    const ar = a + <usize>r * 4 * hsB;
    const o = <usize>r * hsB;
    let j: usize = 0;
    for (; j + 16 <= hsB; j += 16) columns(ar, cPrev + o, c + o, h + o, hsB, j, false);
    for (; j < hsB; j += 4) columns(ar, cPrev + o, c + o, h + o, hsB, j, true);
  }
}
