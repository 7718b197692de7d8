/*
 * lstmCellBackward: one LSTM time step's pointwise backward (src/backend/backend.ts LstmCellParams): with
 * tc = tanh(c), dcv = dc + dh * o * (1 - tc^2): da = (dcv g i (1 - i), dcv cPrev f (1 - f), dcv i (1 - g^2),
 * dh tc o (1 - o)); dc = dcv * f (in place). float32 f32x4; src/backend/ref/lstm-cell.ts (float64) within
 * ~1e-6. Columns past the last multiple of 4 go one at a time through lane 0. Aliasing: dc, da overlap nothing.
 */
import { load4, store4, tanh4 } from './lstm-cell';

// @ts-ignore: decorator
@inline function gradColumns(act: usize, cPrev: usize, c: usize, dh: usize, dc: usize, da: usize, hsB: usize, j: usize, one: bool): void {
  const u = f32x4.splat(1);
  const ig = load4(act + j, one);
  const fg = load4(act + hsB + j, one);
  const gg = load4(act + 2 * hsB + j, one);
  const og = load4(act + 3 * hsB + j, one);
  const tc = tanh4(load4(c + j, one));
  const d = load4(dh + j, one);
  const dcv = f32x4.add(load4(dc + j, one), f32x4.mul(f32x4.mul(d, og), f32x4.sub(u, f32x4.mul(tc, tc))));
  const di = f32x4.mul(f32x4.mul(f32x4.mul(dcv, gg), ig), f32x4.sub(u, ig));
  const df = f32x4.mul(f32x4.mul(f32x4.mul(dcv, load4(cPrev + j, one)), fg), f32x4.sub(u, fg));
  const dg = f32x4.mul(f32x4.mul(dcv, ig), f32x4.sub(u, f32x4.mul(gg, gg)));
  const dO = f32x4.mul(f32x4.mul(f32x4.mul(d, tc), og), f32x4.sub(u, og));
  const dcn = f32x4.mul(dcv, fg);
  store4(da + j, di, one);
  store4(da + hsB + j, df, one);
  store4(da + 2 * hsB + j, dg, one);
  store4(da + 3 * hsB + j, dO, one);
  store4(dc + j, dcn, one);
}

export function lstmCellBackward(act: usize, cPrev: usize, c: usize, dh: usize, dc: usize, da: usize, rows: i32, hs: i32, g: i32): void {
  const hsB = <usize>hs << 2;
  for (let r = 0; r < rows; r++) {
    const ar = act + <usize>r * 4 * hsB;
    const dar = da + <usize>r * 4 * hsB;
    const o = <usize>r * hsB;
    let j: usize = 0;
    for (; j + 16 <= hsB; j += 16) gradColumns(ar, cPrev + o, c + o, dh + o, dc + o, dar, hsB, j, false);
    for (; j < hsB; j += 4) gradColumns(ar, cPrev + o, c + o, dh + o, dc + o, dar, hsB, j, true);
  }
}
