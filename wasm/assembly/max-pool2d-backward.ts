/*
 * maxPool2dBackward: gx (n, c, inH, inW) = 0, then gx[plane + idx[o]] += gy[o] for every output o of a plane
 * in order; exactly src/backend/ref/max-pool2d.ts (the same float adds in the same order). idx is u8
 * (idx32 = 0) or i32 (idx32 = 1); the adapter's callers pass only argmaxes of maxPool2dForward, each in
 * [0, inH * inW). Aliasing: gx overlaps nothing.
 */

function unpoolPlanes<I>(gy: usize, idx: usize, gx: usize, planes: i32, plane: i32, outPlane: i32): void {
  memory.fill(gx, 0, (<usize>planes * plane) << 2);
  for (let pl = 0; pl < planes; pl++) {
    const gp = gx + ((<usize>pl * plane) << 2);
    const o0 = <usize>pl * outPlane;
    for (let o: usize = 0; o < <usize>outPlane; o++) {
      const q = gp + (<usize>load<I>(idx + (o0 + o) * sizeof<I>()) << 2);
      store<f32>(q, load<f32>(q) + load<f32>(gy + ((o0 + o) << 2)));
    }
  }
}

export function maxPool2dBackward(
  gy: usize, idx: usize, idx32: i32, gx: usize,
  n: i32, c: i32, inH: i32, inW: i32, kH: i32, kW: i32, strideH: i32, strideW: i32, padH: i32, padW: i32,
  dilationH: i32, dilationW: i32, outH: i32, outW: i32,
): void {
  if (idx32) unpoolPlanes<i32>(gy, idx, gx, n * c, inH * inW, outH * outW);
  else unpoolPlanes<u8>(gy, idx, gx, n * c, inH * inW, outH * outW);
}
