/*
 * maxPool2dForward: y (n, c, outH, outW) = the max of each window of x (n, c, inH, inW) scanned row by row,
 * idx = its flat index h * inW + w in the plane (u8 when idx32 = 0, i32 when 1); exactly
 * src/backend/ref/max-pool2d.ts. Ties keep the first maximum; a NaN wins (the last NaN of a window); -0 and
 * +0 tie; padding is -inf. Plain loops with the window clipped to the plane.
 */

function poolPlanes<I>(
  x: usize, y: usize, idx: usize, planes: i32, inH: i32, inW: i32, kH: i32, kW: i32, strideH: i32, strideW: i32,
  padH: i32, padW: i32, dilationH: i32, dilationW: i32, outH: i32, outW: i32,
): void {
  let o: usize = 0;
  for (let pl = 0; pl < planes; pl++) {
    const xp = x + ((<usize>pl * inH * inW) << 2);
    for (let r = 0; r < outH; r++) {
      const h0 = r * strideH - padH;
      for (let s = 0; s < outW; s++) {
        const w0 = s * strideW - padW;
        let m: f32 = -Infinity;
        let best = -1;
        for (let i = 0; i < kH; i++) {
          const h = h0 + i * dilationH;
          if (h < 0 || h >= inH) continue;
          for (let j = 0; j < kW; j++) {
            const w = w0 + j * dilationW;
            if (w < 0 || w >= inW) continue;
            const v = load<f32>(xp + (<usize>(h * inW + w) << 2));
            if (best < 0 || v > m || v != v) {
              m = v;
              best = h * inW + w;
            }
          }
        }
        store<f32>(y + (o << 2), m);
        store<I>(idx + o * sizeof<I>(), <I>best);
        o++;
      }
    }
  }
}

export function maxPool2dForward(
  x: usize, y: usize, idx: usize, idx32: i32,
  n: i32, c: i32, inH: i32, inW: i32, kH: i32, kW: i32, strideH: i32, strideW: i32, padH: i32, padW: i32,
  dilationH: i32, dilationW: i32, outH: i32, outW: i32,
): void {
  if (idx32) poolPlanes<i32>(x, y, idx, n * c, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW);
  else poolPlanes<u8>(x, y, idx, n * c, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW);
}
