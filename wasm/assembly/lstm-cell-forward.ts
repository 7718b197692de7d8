/*
 * lstmCellForward: one LSTM time step's pointwise part (src/backend/backend.ts LstmCellParams): per row the
 * gate block a (i, f, g, o blocks of hs) becomes sigmoid, sigmoid, tanh, sigmoid of itself (in place);
 * c = f * cPrev + i * g; h = o * tanh(c). float32 f32x4 with lstm-cell.ts's sigmoid / tanh;
 * src/backend/ref/lstm-cell.ts (float64) within ~1e-6. Columns past the last multiple of 4 go one at a time
 * through lane 0 of the same vector functions. Aliasing: a, c, h overlap nothing.
 */
import { load4, sigmoid4, tanh4 } from './lstm-cell';

/** Columns at byte offset j (4 floats, or 1 when `one`) of one row; hsB = hs in bytes. */
// @ts-ignore: decorator
@inline function columns(a: usize, cPrev: usize, c: usize, h: usize, hsB: usize, j: usize, one: bool): void {
  const ig = sigmoid4(load4(a + j, one));
  const fg = sigmoid4(load4(a + hsB + j, one));
  const gg = tanh4(load4(a + 2 * hsB + j, one));
  const og = sigmoid4(load4(a + 3 * hsB + j, one));
  const cv = f32x4.add(f32x4.mul(fg, load4(cPrev + j, one)), f32x4.mul(ig, gg));
  const hv = f32x4.mul(og, tanh4(cv));
  if (one) {
    store<f32>(a + j, f32x4.extract_lane(ig, 0));
    store<f32>(a + hsB + j, f32x4.extract_lane(fg, 0));
    store<f32>(a + 2 * hsB + j, f32x4.extract_lane(gg, 0));
    store<f32>(a + 3 * hsB + j, f32x4.extract_lane(og, 0));
    store<f32>(c + j, f32x4.extract_lane(cv, 0));
    store<f32>(h + j, f32x4.extract_lane(hv, 0));
  } else {
    v128.store(a + j, ig);
    v128.store(a + hsB + j, fg);
    v128.store(a + 2 * hsB + j, gg);
    v128.store(a + 3 * hsB + j, og);
    v128.store(c + j, cv);
    v128.store(h + j, hv);
  }
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
