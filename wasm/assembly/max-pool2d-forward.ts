/*
 * maxPool2dForward: y (n, c, outH, outW) = the max of each window of x (n, c, inH, inW) scanned row by row,
 * idx = its flat index h * inW + w in the plane (u8 when idx32 = 0, i32 when 1); exactly
 * src/backend/ref/max-pool2d.ts. Ties keep the first maximum; a NaN wins (the last NaN of a window); -0 and
 * +0 tie; padding is -inf. Plain loops with the window clipped to the plane; 2x2 windows at stride 2 without
 * padding or dilation (nn.MaxPool2d(2), whose windows all lie inside the plane) four outputs at a time in f32x4
 * lanes (pool2x2), each lane taking the same four candidates in the same order under the same rule.
 */

/** The max of the (clipped) window at (h0, w0) of the plane at xp and its flat index, stored at output o. */
// @ts-ignore: decorator
@inline function window<I>(
  xp: usize, y: usize, idx: usize, o: usize, inH: i32, inW: i32, kH: i32, kW: i32, dilationH: i32, dilationW: i32,
  h0: i32, w0: i32,
): void {
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
}

/** The scan's rule in every lane: candidate v (index vi) replaces (m, mi) when v > m or v is NaN. */
// @ts-ignore: decorator
@inline function takeIf(m: v128, v: v128): v128 {
  return v128.or(f32x4.gt(v, m), f32x4.ne(v, v));
}

/** True when every window is 2x2 at stride 2 and lies inside the plane (no padding, dilation 1). */
function is2x2(
  inH: i32, inW: i32, kH: i32, kW: i32, strideH: i32, strideW: i32, padH: i32, padW: i32, dilationH: i32,
  dilationW: i32, outH: i32, outW: i32,
): bool {
  return kH == 2 && kW == 2 && strideH == 2 && strideW == 2 && padH == 0 && padW == 0 && dilationH == 1 &&
    dilationW == 1 && 2 * outH <= inH && 2 * outW <= inW;
}

/**
 * 2x2 windows at stride 2 inside the plane: four windows per step, candidates (2r, 2s), (2r, 2s + 1),
 * (2r + 1, 2s), (2r + 1, 2s + 1) in scan order, the first taken as is (it is inside the plane); the last
 * outW % 4 windows of a row through window().
 */
function pool2x2<I>(x: usize, y: usize, idx: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32): void {
  const rowB = <usize>inW << 2;
  const step = i32x4.splat(1);
  const down = i32x4.splat(inW);
  let o: usize = 0;
  for (let pl = 0; pl < planes; pl++) {
    const xp = x + ((<usize>pl * inH * inW) << 2);
    for (let r = 0; r < outH; r++) {
      const top = xp + <usize>(2 * r) * rowB;
      let s = 0;
      for (; s + 4 <= outW; s += 4, o += 4) {
        const p0 = top + (<usize>s << 3);
        const t0 = v128.load(p0), t1 = v128.load(p0, 16);
        const b0 = v128.load(p0 + rowB), b1 = v128.load(p0 + rowB, 16);
        let m = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6);
        let mi = i32x4.add(i32x4.splat(2 * r * inW + 2 * s), i32x4(0, 2, 4, 6));
        let v = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7);
        let vi = i32x4.add(mi, step);
        let t = takeIf(m, v);
        m = v128.bitselect(v, m, t);
        mi = v128.bitselect(vi, mi, t);
        v = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
        vi = i32x4.sub(i32x4.add(vi, down), step);
        t = takeIf(m, v);
        m = v128.bitselect(v, m, t);
        mi = v128.bitselect(vi, mi, t);
        v = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
        vi = i32x4.add(vi, step);
        t = takeIf(m, v);
        m = v128.bitselect(v, m, t);
        mi = v128.bitselect(vi, mi, t);
        v128.store(y + (o << 2), m);
        if (sizeof<I>() == 4) v128.store(idx + (o << 2), mi);
        else v128.store32_lane(idx + o, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(mi, mi), mi), 0);
      }
      for (; s < outW; s++, o++) window<I>(xp, y, idx, o, inH, inW, 2, 2, 1, 1, 2 * r, 2 * s);
    }
  }
}

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
        window<I>(xp, y, idx, o, inH, inW, kH, kW, dilationH, dilationW, h0, w0);
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
  if (is2x2(inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW)) {
    if (idx32) pool2x2<i32>(x, y, idx, n * c, inH, inW, outH, outW);
    else pool2x2<u8>(x, y, idx, n * c, inH, inW, outH, outW);
    return;
  }
  if (idx32) poolPlanes<i32>(x, y, idx, n * c, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW);
  else poolPlanes<u8>(x, y, idx, n * c, inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW);
}
