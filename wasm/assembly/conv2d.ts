/*
 * im2col / col2im of the conv2d kernels (not exported kernels). NCHW, contiguous row-major.
 * For one batch item and group, the columns matrix cols (K = cinG * kH * kW rows, P = outH * outW columns,
 * output position t = r * outW + s) is
 *   cols[(c * kH + i) * kW + j, t] = x[c, r * strideH - padH + i * dilationH, s * strideW - padW + j * dilationW]
 * (0 outside the image), so that conv2d is y_g (coutG x P) = W_g (coutG x K) @ cols: PyTorch's slow_conv2d
 * scheme (im2col + GEMM), the GEMM being matmul.ts.
 */

/** First output column s whose input column s * stride + off is >= 0. */
// @ts-ignore: decorator
@inline function firstInside(off: i32, stride: i32): i32 {
  return off >= 0 ? 0 : (-off + stride - 1) / stride;
}

/** One past the last output column s (at most out) whose input column s * stride + off is < len. */
// @ts-ignore: decorator
@inline function endInside(off: i32, stride: i32, len: i32, out: i32): i32 {
  return len - off <= 0 ? 0 : min(out, (len - off + stride - 1) / stride);
}

/** n zero floats at p (explicit stores: memory.fill calls cost more than short rows). */
// @ts-ignore: decorator
@inline function zeroRow(p: usize, n: i32): void {
  const z = f32x4.splat(0);
  let s = 0;
  for (; s + 4 <= n; s += 4) v128.store(p + (<usize>s << 2), z);
  for (; s < n; s++) store<f32>(p + (<usize>s << 2), 0);
}

/** True when the input planes are the columns matrix itself (1x1 kernel, stride 1, no padding). */
export function isIdentity(kH: i32, kW: i32, strideH: i32, strideW: i32, padH: i32, padW: i32): bool {
  return kH == 1 && kW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0;
}

/** cols (K x P, see the header) from the cinG input planes at xg (inH x inW each). */
export function im2col2d(
  xg: usize, cinG: i32, inH: i32, inW: i32, kH: i32, kW: i32, strideH: i32, strideW: i32, padH: i32, padW: i32,
  dilationH: i32, dilationW: i32, outH: i32, outW: i32, cols: usize,
): void {
  let dst = cols;
  const rowBytes = <usize>outW << 2;
  for (let c = 0; c < cinG; c++) {
    const plane = xg + ((<usize>(c * inH) * inW) << 2);
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++) {
        const off = j * dilationW - padW; // input column of output column s: s * strideW + off
        const lo = min(firstInside(off, strideW), outW);
        const hi = max(lo, endInside(off, strideW, inW, outW));
        for (let r = 0; r < outH; r++, dst += rowBytes) {
          const h = r * strideH - padH + i * dilationH;
          if (h < 0 || h >= inH) {
            zeroRow(dst, outW);
            continue;
          }
          const src = plane + ((<usize>(h * inW + off)) << 2); // src[s * strideW] for s in [lo, hi)
          // Explicit loops: a row is often a few floats, where memory.fill / memory.copy calls cost more
          // than the copy (64->64 3x3 on 8x8: 3x slower).
          for (let s = 0; s < lo; s++) store<f32>(dst + (<usize>s << 2), 0);
          let s = lo;
          if (strideW == 1) {
            for (; s + 4 <= hi; s += 4) v128.store(dst + (<usize>s << 2), v128.load(src + (<usize>s << 2)));
          }
          for (; s < hi; s++) store<f32>(dst + (<usize>s << 2), load<f32>(src + (<usize>(s * strideW) << 2)));
          for (s = hi; s < outW; s++) store<f32>(dst + (<usize>s << 2), 0);
        }
      }
    }
  }
}

/** The adjoint of im2col2d: the cinG planes at gxg (zeroed by the caller) += the scatter of cols (K x P). */
export function col2imAdd2d(
  cols: usize, cinG: i32, inH: i32, inW: i32, kH: i32, kW: i32, strideH: i32, strideW: i32, padH: i32, padW: i32,
  dilationH: i32, dilationW: i32, outH: i32, outW: i32, gxg: usize,
): void {
  let src = cols;
  const rowBytes = <usize>outW << 2;
  for (let c = 0; c < cinG; c++) {
    const plane = gxg + ((<usize>(c * inH) * inW) << 2);
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++) {
        const off = j * dilationW - padW;
        const lo = min(firstInside(off, strideW), outW);
        const hi = max(lo, endInside(off, strideW, inW, outW));
        for (let r = 0; r < outH; r++, src += rowBytes) {
          const h = r * strideH - padH + i * dilationH;
          if (h < 0 || h >= inH) continue;
          const dst = plane + ((<usize>(h * inW + off)) << 2); // dst[s * strideW] for s in [lo, hi)
          let s = lo;
          if (strideW == 1) {
            for (; s + 4 <= hi; s += 4) {
              const d = dst + (<usize>s << 2);
              v128.store(d, f32x4.add(v128.load(d), v128.load(src + (<usize>s << 2))));
            }
          }
          for (; s < hi; s++) {
            const d = dst + (<usize>(s * strideW) << 2);
            store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>s << 2)));
          }
        }
      }
    }
  }
}
