// im2col / col2im for the conv2d kernels (NCHW layout, per ISA, see isa.h).
//
// For one batch item and one group, the columns matrix col (K = cinG * kH * kW rows, P = outH * outW
// columns, output positions t = r * outW + s in row-major order) is
//   col[(c * kH + i) * kW + j, t] = x[c, r * strideH - padH + i * dilationH, s * strideW - padW + j * dilationW]
// (0 outside the image), so that conv2d becomes y_g (coutG, P) = w_g (coutG, K) @ col, as in PyTorch's
// slow_conv2d (im2col + GEMM). The kernels build col in blocks of output positions [t0, t0 + tb),
// stored (K, tb).
#pragma once

#include "isa.h"
#include "gemm.h"
#include "kernels.h"

namespace NT_ISA_NS {

/**
 * Output indices u in [*lo, *hi) of a length-`out` axis whose input index u * stride + off lies in
 * [0, len), clamped to [u0, u1).
 */
static inline void validRange(ptrdiff_t off, size_t stride, size_t len, size_t u0, size_t u1, size_t* lo, size_t* hi) {
  const ptrdiff_t s = static_cast<ptrdiff_t>(stride), L = static_cast<ptrdiff_t>(len);
  size_t a = off >= 0 ? 0 : static_cast<size_t>((-off + s - 1) / s);
  size_t b = L - off <= 0 ? 0 : static_cast<size_t>((L - off + s - 1) / s);
  a = a < u0 ? u0 : a;
  b = b > u1 ? u1 : b;
  *lo = a > b ? b : a;
  *hi = b < *lo ? *lo : b;
}

/**
 * Visits every (row of col, output-row run) of the positions [t0, t0 + tb) of one image, whose columns sit at
 * col[row * ld + off + (t - t0)]: f(col offset of the run's first position s0, s0, lo, hi, s1, x offset of
 * column 0 of the input row) where [lo, hi) are the run's columns inside the image (xRow unused if lo == hi).
 * Runs are an output row each (often a few floats), so the per-run work is a few compares: the valid column
 * range of a tap is computed once per tap, and the runs are walked without divisions.
 */
template <class F>
static inline void forEachTapRun(const nt::Conv2dArgs& p, size_t cinG, size_t t0, size_t tb, size_t ld, size_t off,
                                 const F& f) {
  const size_t rFirst = t0 / p.outW, sFirst = t0 - rFirst * p.outW;
  for (size_t c = 0; c < cinG; ++c)
    for (size_t i = 0; i < p.kH; ++i)
      for (size_t j = 0; j < p.kW; ++j) {
        const size_t row = (c * p.kH + i) * p.kW + j;
        const ptrdiff_t offW = static_cast<ptrdiff_t>(j * p.dilationW) - static_cast<ptrdiff_t>(p.padW);
        size_t loAll, hiAll;  // output columns whose input column is inside the image
        validRange(offW, p.strideW, p.inW, 0, p.outW, &loAll, &hiAll);
        const ptrdiff_t hOff = static_cast<ptrdiff_t>(i * p.dilationH) - static_cast<ptrdiff_t>(p.padH);
        size_t r = rFirst, s0 = sFirst, d0 = 0;
        while (d0 < tb) {
          const size_t s1 = minz(p.outW, s0 + (tb - d0));
          const ptrdiff_t h = static_cast<ptrdiff_t>(r * p.strideH) + hOff;
          const bool inside = h >= 0 && h < static_cast<ptrdiff_t>(p.inH);
          size_t lo = s1, hi = s1;
          if (inside) {
            lo = loAll < s0 ? s0 : loAll > s1 ? s1 : loAll;
            hi = hiAll > s1 ? s1 : hiAll < lo ? lo : hiAll;
          }
          // x offset of output column s: plane c, row h, column s * strideW + offW
          const ptrdiff_t xRow = inside ? static_cast<ptrdiff_t>((c * p.inH + static_cast<size_t>(h)) * p.inW) + offW : 0;
          f(row * ld + off + d0, s0, lo, hi, s1, xRow);
          d0 += s1 - s0;
          ++r;
          s0 = 0;
        }
      }
}

// Unaligned 8- and 4-float vectors for the tails of short runs (an 8-wide output row on AVX-512 would
// otherwise be copied float by float).
typedef float F8U __attribute__((vector_size(8 * sizeof(float)), aligned(4), may_alias));
typedef float F4U __attribute__((vector_size(4 * sizeof(float)), aligned(4), may_alias));

/** dst[0 .. n) = src[0 .. n) (no overlap) by whole vectors, then 8, 4 and single floats. */
static inline void copyRun(float* __restrict dst, const float* __restrict src, size_t n) {
  size_t s = 0;
  // The empty asm hides the loop's pattern from GCC, which would otherwise call memmove for these few floats.
  for (; s + kVecLen <= n; s += kVecLen) {
    storeu(dst + s, loadu(src + s));
    __asm__("" : "+r"(s));
  }
  if (kVecLen > 8 && s + 8 <= n) {
    *reinterpret_cast<F8U*>(dst + s) = *reinterpret_cast<const F8U*>(src + s);
    s += 8;
  }
  if (kVecLen > 4 && s + 4 <= n) {
    *reinterpret_cast<F4U*>(dst + s) = *reinterpret_cast<const F4U*>(src + s);
    s += 4;
  }
  // At most 3 floats are left (spelled out: a loop here would become a memmove call too).
  if (s < n) dst[s] = src[s];
  if (s + 1 < n) dst[s + 1] = src[s + 1];
  if (s + 2 < n) dst[s + 2] = src[s + 2];
}

/** dst[0 .. n) += src[0 .. n) (no overlap), vectors as in copyRun. */
static inline void addRun(float* __restrict dst, const float* __restrict src, size_t n) {
  size_t s = 0;
  for (; s + kVecLen <= n; s += kVecLen) storeu(dst + s, loadu(dst + s) + loadu(src + s));
  if (kVecLen > 8 && s + 8 <= n) {
    *reinterpret_cast<F8U*>(dst + s) = *reinterpret_cast<const F8U*>(dst + s) + *reinterpret_cast<const F8U*>(src + s);
    s += 8;
  }
  if (kVecLen > 4 && s + 4 <= n) {
    *reinterpret_cast<F4U*>(dst + s) = *reinterpret_cast<const F4U*>(dst + s) + *reinterpret_cast<const F4U*>(src + s);
    s += 4;
  }
  if (s < n) dst[s] += src[s];
  if (s + 1 < n) dst[s + 1] += src[s + 1];
  if (s + 2 < n) dst[s + 2] += src[s + 2];
}

// The whole-image paths below (a block holding all P positions of an image: every small-image block)
// work on zero-padded copies of the planes, (inH + 2 padH) x (inW + 2 padW) each, in which every tap of
// every output position lands (outH and outW are checked against the padded sizes), so a run is a plain
// copy of outW floats with no bounds work: the per-run bounds of forEachTapRun cost as much as the GEMM
// at 8x8 outputs. Padded planes of more than kPadFloats floats (all cinG of them) take the general path.
constexpr size_t kPadFloats = 256 * 1024;

/** Floats in one padded plane. */
static inline size_t paddedPlane(const nt::Conv2dArgs& p) { return (p.inH + 2 * p.padH) * (p.inW + 2 * p.padW); }

/** Visits the runs of a whole image: f(col offset of the run, padded-plane offset of its first tap). */
template <class F>
static inline void forEachWholeRun(const nt::Conv2dArgs& p, size_t cinG, size_t ld, size_t off, const F& f) {
  const size_t wp = p.inW + 2 * p.padW, plane = paddedPlane(p);
  for (size_t c = 0; c < cinG; ++c)
    for (size_t i = 0; i < p.kH; ++i)
      for (size_t j = 0; j < p.kW; ++j) {
        const size_t row = (c * p.kH + i) * p.kW + j, tap = c * plane + i * p.dilationH * wp + j * p.dilationW;
        for (size_t r = 0; r < p.outH; ++r) f(row * ld + off + r * p.outW, tap + r * p.strideH * wp);
      }
}

/**
 * The cinG planes of x into the interiors of the padded planes in buf; the borders are left as they are
 * (a caller that pads many images into one buffer zeroes them once).
 */
static inline void copyPlaneInteriors(const float* __restrict x, size_t cinG, const nt::Conv2dArgs& p,
                                      float* __restrict buf) {
  const size_t wp = p.inW + 2 * p.padW, plane = paddedPlane(p);
  for (size_t c = 0; c < cinG; ++c)
    for (size_t h = 0; h < p.inH; ++h)
      copyRun(buf + c * plane + (p.padH + h) * wp + p.padW, x + (c * p.inH + h) * p.inW, p.inW);
}

/** The cinG planes of x into buf (cinG padded planes) with zero borders. */
static inline void padPlanesInto(const float* __restrict x, size_t cinG, const nt::Conv2dArgs& p, float* __restrict buf) {
  const size_t wp = p.inW + 2 * p.padW, plane = paddedPlane(p);
  for (size_t c = 0; c < cinG; ++c) {
    float* d = buf + c * plane;
    std::memset(d, 0, p.padH * wp * sizeof(float));
    for (size_t h = 0; h < p.inH; ++h) {
      float* row = d + (p.padH + h) * wp;
      for (size_t v = 0; v < p.padW; ++v) row[v] = row[p.padW + p.inW + v] = 0.0f;
    }
    std::memset(d + (p.padH + p.inH) * wp, 0, p.padH * wp * sizeof(float));
  }
  copyPlaneInteriors(x, cinG, p, buf);
}

/**
 * The cinG planes of x as padded planes (zero borders) in scratch, or nullptr if they are too large or
 * scratch failed. Returns x itself when there is no padding.
 */
static inline const float* padPlanes(const float* __restrict x, size_t cinG, const nt::Conv2dArgs& p) {
  if (p.padH == 0 && p.padW == 0) return x;
  if (cinG * paddedPlane(p) > kPadFloats) return nullptr;
  float* buf = scratch(kScratchPad, cinG * paddedPlane(p));
  if (buf != nullptr) padPlanesInto(x, cinG, p, buf);
  return buf;
}

/** im2col2d of a whole image (t0 = 0, tb = P) through padPlanes; false (nothing written) if it cannot pad. */
static inline bool im2col2dWhole(const float* __restrict x, size_t cinG, const nt::Conv2dArgs& p,
                                 float* __restrict col, size_t ld, size_t off) {
  const float* src = padPlanes(x, cinG, p);
  if (src == nullptr) return false;
  const size_t outW = p.outW, sw = p.strideW;
  forEachWholeRun(p, cinG, ld, off, [&](size_t d, size_t s) {
    if (sw == 1) {
      copyRun(col + d, src + s, outW);
    } else {
      for (size_t v = 0; v < outW; ++v) col[d + v] = src[s + v * sw];
    }
  });
  return true;
}

/**
 * The adjoint of im2col2dWhole: the cinG gx planes of one image = the scatter of col (overwritten; summed
 * in a zeroed padded buffer whose interior is then copied out). False (nothing written) if it cannot pad.
 */
static inline bool col2im2dWhole(const float* __restrict col, size_t cinG, const nt::Conv2dArgs& p,
                                 float* __restrict gx, size_t ld, size_t off) {
  const bool padded = p.padH != 0 || p.padW != 0;
  const size_t wp = p.inW + 2 * p.padW, plane = paddedPlane(p), outW = p.outW, sw = p.strideW;
  if (padded && cinG * plane > kPadFloats) return false;
  float* buf = padded ? scratch(kScratchPad, cinG * plane) : gx;
  if (buf == nullptr) return false;
  std::memset(buf, 0, cinG * plane * sizeof(float));
  forEachWholeRun(p, cinG, ld, off, [&](size_t d, size_t s) {
    if (sw == 1) {
      addRun(buf + s, col + d, outW);
    } else {
      for (size_t v = 0; v < outW; ++v) buf[s + v * sw] += col[d + v];
    }
  });
  if (padded)
    for (size_t c = 0; c < cinG; ++c)
      for (size_t h = 0; h < p.inH; ++h)
        copyRun(gx + (c * p.inH + h) * p.inW, buf + c * plane + (p.padH + h) * wp + p.padW, p.inW);
  return true;
}

// Positions per block of gatherTransposed: 64 x rows floats of dst, within L1 up to rows = 64 or so.
constexpr size_t kGatherBlock = 64;

// Batch chunks of the weight gradients (conv2d-backward-weight.cc, conv2d-direct-weight.cc): fixed, so
// that the sums (each chunk's apart, then added in chunk order) do not depend on the thread count.
constexpr size_t kWeightChunks = 8;

typedef float F4 __attribute__((vector_size(4 * sizeof(float))));

/** Rows r0..r3 (4 floats each) transposed: column k of the 4 x 4 block into out[k * ld .. + 4). */
static inline void transpose4(F4 r0, F4 r1, F4 r2, F4 r3, float* out, size_t ld) {
  typedef int I4 __attribute__((vector_size(4 * sizeof(int))));
  const F4 t0 = __builtin_shuffle(r0, r1, I4{0, 4, 1, 5}), t1 = __builtin_shuffle(r0, r1, I4{2, 6, 3, 7});
  const F4 t2 = __builtin_shuffle(r2, r3, I4{0, 4, 1, 5}), t3 = __builtin_shuffle(r2, r3, I4{2, 6, 3, 7});
  *reinterpret_cast<F4U*>(out) = __builtin_shuffle(t0, t2, I4{0, 1, 4, 5});
  *reinterpret_cast<F4U*>(out + ld) = __builtin_shuffle(t0, t2, I4{2, 3, 6, 7});
  *reinterpret_cast<F4U*>(out + 2 * ld) = __builtin_shuffle(t1, t3, I4{0, 1, 4, 5});
  *reinterpret_cast<F4U*>(out + 3 * ld) = __builtin_shuffle(t1, t3, I4{2, 3, 6, 7});
}

/**
 * dst[i * ldd + o] = src[o * ld + i] for o < rows, i < len: rows of gy gathered transposed. Blocks of
 * kGatherBlock positions keep their dst rows in L1 across the passes over the rows, and 4 x 4 blocks go
 * through registers (unblocked scalar stores, each missing L1, cost more than the GEMM at 3 -> 16 channels).
 */
static inline void gatherTransposed(const float* __restrict src, size_t ld, size_t rows, size_t len, float* __restrict dst,
                                    size_t ldd) {
  const size_t rows4 = rows / 4 * 4;
  for (size_t ib = 0; ib < len; ib += kGatherBlock) {
    const size_t ie = minz(len, ib + kGatherBlock), ie4 = ib + (ie - ib) / 4 * 4;
    for (size_t o = 0; o < rows4; o += 4) {
      const float* s = src + o * ld;
      for (size_t i = ib; i < ie4; i += 4)
        transpose4(*reinterpret_cast<const F4U*>(s + i), *reinterpret_cast<const F4U*>(s + ld + i),
                   *reinterpret_cast<const F4U*>(s + 2 * ld + i), *reinterpret_cast<const F4U*>(s + 3 * ld + i),
                   dst + i * ldd + o, ldd);
      for (size_t i = ie4; i < ie; ++i)
        for (size_t r = o; r < o + 4; ++r) dst[i * ldd + r] = src[r * ld + i];
    }
    for (size_t r = rows4; r < rows; ++r)
      for (size_t i = ib; i < ie; ++i) dst[i * ldd + r] = src[r * ld + i];
  }
}

/**
 * Positions t0 .. t0 + tb of one image (its cinG input planes x, each inH x inW) into columns off .. off + tb
 * of col (K rows of ld floats).
 */
static inline void im2col2d(const float* __restrict x, size_t cinG, const nt::Conv2dArgs& p, size_t t0, size_t tb,
                            float* __restrict col, size_t ld, size_t off) {
  if (t0 == 0 && tb == p.outH * p.outW && im2col2dWhole(x, cinG, p, col, ld, off)) return;
  const size_t sw = p.strideW;
  forEachTapRun(p, cinG, t0, tb, ld, off, [&](size_t d, size_t s0, size_t lo, size_t hi, size_t s1, ptrdiff_t xRow) {
    float* dst = col + d - s0;  // dst[s] for s in [s0, s1)
    for (size_t s = s0; s < lo; ++s) dst[s] = 0.0f;
    const float* src = x + xRow;  // src[s * sw] for s in [lo, hi)
    if (sw == 1) {  // runs are short (an output row): vector copies, no memcpy call
      copyRun(dst + lo, src + lo, hi - lo);
    } else {
      for (size_t s = lo; s < hi; ++s) dst[s] = src[s * sw];
    }
    for (size_t s = hi; s < s1; ++s) dst[s] = 0.0f;
  });
}

/** The adjoint of im2col2d: the cinG gx planes of one image (already initialised) += the scatter of col. */
static inline void col2imAdd2d(const float* __restrict col, size_t cinG, const nt::Conv2dArgs& p, size_t t0, size_t tb,
                               float* __restrict gx, size_t ld, size_t off) {
  const size_t sw = p.strideW;
  forEachTapRun(p, cinG, t0, tb, ld, off, [&](size_t d, size_t s0, size_t lo, size_t hi, size_t, ptrdiff_t xRow) {
    const float* src = col + d - s0;
    float* dst = gx + xRow;
    if (sw == 1) {
      addRun(dst + lo, src + lo, hi - lo);
    } else {
      for (size_t s = lo; s < hi; ++s) dst[s * sw] += src[s];
    }
  });
}

/**
 * The column blocks of one group's GEMMs. Small images are batched: a block holds nb whole images (their P
 * positions side by side, so one GEMM of nb * P columns replaces nb narrow ones whose packing and edge tiles
 * dominate, e.g. 8x8 outputs); a large image is cut into blocks of at most `cols` positions. The block
 * width keeps col (K x cols floats) near kColFloats, within L2, and a batch of at least kMinBlocks images
 * gets at least kMinBlocks blocks, so that the threads have even shares: 1 -> 16 channels on 28x28 (K 9)
 * fit 18 images a block, and the batch of 32 made 2 blocks of 18 and 14 images, which 2 threads split
 * unevenly (and 3 or more could not split). Depends on the shapes only, never on threads.
 */
constexpr size_t kColFloats = 128 * 1024;
constexpr size_t kMinBlocks = 8;

struct ColBlocks {
  size_t P;       // positions per image
  size_t nb;      // images per block (1: an image is cut into posBlocks blocks)
  size_t posCols; // positions per block when nb == 1
  size_t perImage, count;  // blocks per image (nb == 1), blocks per group

  ColBlocks(const nt::Conv2dArgs& p, size_t K) {
    P = p.outH * p.outW;
    const size_t cols = K == 0 ? P : (kColFloats / K > 64 ? kColFloats / K : 64);
    nb = P == 0 || P >= cols ? 1 : minz(cols / P, (p.n + kMinBlocks - 1) / kMinBlocks);
    nb = nb == 0 ? 1 : nb;  // n == 0
    posCols = nb == 1 ? roundUp(cols, 16) : P;
    perImage = nb == 1 ? (P + posCols - 1) / posCols : 1;
    count = nb == 1 ? p.n * perImage : (p.n + nb - 1) / nb;
  }
  /** The widest block, in columns. */
  size_t maxCols() const { return nb == 1 ? minz(P, posCols) : nb * P; }
  /** Block i: images [b0, b1) and, when nb == 1, positions [t0, t0 + len) of image b0 (else all P of each). */
  void at(size_t i, size_t n, size_t* b0, size_t* b1, size_t* t0, size_t* len) const {
    if (nb == 1) {
      *b0 = i / perImage;
      *b1 = *b0 + 1;
      *t0 = (i % perImage) * posCols;
      *len = minz(posCols, P - *t0);
    } else {
      *b0 = i * nb;
      *b1 = minz(n, *b0 + nb);
      *t0 = 0;
      *len = P;
    }
  }
};

/**
 * The K = cinG * kH * kW tap offsets of p into one image's planes of a group (plane floats apart, rows wp
 * floats apart): tapOff[(c * kH + i) * kW + j] = c * plane + i * dilationH * wp + j * dilationW. size_t
 * values in the kScratchCol slot (2 floats each), read by every thread; null if scratch memory could not
 * be had.
 */
static inline const size_t* tapOffsets(const nt::Conv2dArgs& p, size_t plane, size_t wp) {
  const size_t cinG = p.cIn / p.groups, K = cinG * p.kH * p.kW;
  size_t* tapOff = reinterpret_cast<size_t*>(scratch(kScratchCol, K * (sizeof(size_t) / sizeof(float))));
  if (tapOff == nullptr) return nullptr;
  for (size_t c = 0; c < cinG; ++c)
    for (size_t i = 0; i < p.kH; ++i)
      for (size_t j = 0; j < p.kW; ++j) tapOff[(c * p.kH + i) * p.kW + j] = c * plane + i * p.dilationH * wp + j * p.dilationW;
  return tapOff;
}

/**
 * The columns of a block of whole images as an implicit GEMM operand (gemm.h's BPacker): the packed B
 * panels are written straight from the (padded) planes, so the columns are never stored whole and read
 * back by the packing (at 64 -> 64 channels on 8x8 the column block is 442 KiB: it left L1 and was read
 * and written again). Column q of the block is image q / P, position q % P; row t is the tap at plane
 * offset tapOff[t]. Images sit imgStride floats apart, plane rows wp floats apart.
 */
struct ImplicitCols {
  const float* base;
  const size_t* tapOff;  // K offsets: c * plane + i * dilationH * wp + j * dilationW
  size_t imgStride, wp, P, outW, strideH, strideW;

  // One output-row run of a panel: panel column d, source offset src (before the tap), len floats.
  struct Run {
    size_t d, src, len;
  };

  static void pack(const void* ctx, size_t t0, size_t kc, size_t c0, size_t cols, size_t padded, size_t nr, float* bp) {
    const ImplicitCols& s = *static_cast<const ImplicitCols*>(ctx);
    Run runs[kGemmMaxPanelCols];
    size_t nRuns = 0;
    size_t img = c0 / s.P, pos = c0 - img * s.P, r = pos / s.outW, col = pos - r * s.outW;
    for (size_t d = 0; d < cols;) {
      const size_t len = minz(s.outW - col, cols - d);
      runs[nRuns++] = Run{d, img * s.imgStride + r * s.strideH * s.wp + col * s.strideW, len};
      d += len;
      col += len;
      if (col == s.outW) {
        col = 0;
        if (++r * s.outW == s.P) r = 0, ++img;
      }
    }
    for (size_t t = 0; t < kc; ++t) {
      float* dst = bp + t * nr;
      const float* src = s.base + s.tapOff[t0 + t];
      for (size_t i = 0; i < nRuns; ++i) {
        const Run& u = runs[i];
        if (s.strideW == 1) {
          copyRun(dst + u.d, src + u.src, u.len);
        } else {
          for (size_t v = 0; v < u.len; ++v) dst[u.d + v] = src[u.src + v * s.strideW];
        }
      }
      for (size_t c = cols; c < padded; ++c) dst[c] = 0.0f;
    }
  }
};

/**
 * Sets up the ImplicitCols of images [b0, b1) of group g (their planes padded into scratch when there is
 * padding, tapOff in kScratchCol); false if the padded planes would pass kPadFloats or scratch failed.
 */
static inline bool implicitCols(const float* x, const nt::Conv2dArgs& p, size_t g, size_t b0, size_t b1,
                                ImplicitCols* out) {
  const size_t cinG = p.cIn / p.groups, planeIn = p.inH * p.inW;
  const bool padded = p.padH != 0 || p.padW != 0;
  const size_t plane = padded ? paddedPlane(p) : planeIn, wp = padded ? p.inW + 2 * p.padW : p.inW;
  const float* first = x + (b0 * p.cIn + g * cinG) * planeIn;
  if (padded) {
    if ((b1 - b0) * cinG * plane > kPadFloats) return false;
    float* buf = scratch(kScratchPad, (b1 - b0) * cinG * plane);
    if (buf == nullptr) return false;
    for (size_t b = b0; b < b1; ++b) padPlanesInto(first + (b - b0) * p.cIn * planeIn, cinG, p, buf + (b - b0) * cinG * plane);
    out->base = buf;
    out->imgStride = cinG * plane;
  } else {
    out->base = first;
    out->imgStride = p.cIn * planeIn;
  }
  const size_t* tapOff = tapOffsets(p, plane, wp);
  if (tapOff == nullptr) return false;
  out->tapOff = tapOff;
  out->wp = wp;
  out->P = p.outH * p.outW;
  out->outW = p.outW;
  out->strideH = p.strideH;
  out->strideW = p.strideW;
  return true;
}

/** A GEMM entry point: gemm (one thread) or gemmThreaded (the pool), see gemm.h. */
typedef bool (*GemmFn)(size_t, size_t, size_t, float, MatRef, MatRef, float, float*, size_t);
/** A GEMM entry point with a packed B: gemmPacked or gemmPackedThreaded. */
typedef bool (*GemmPackedFn)(size_t, size_t, size_t, float, MatRef, const float*, const BPacker&, float, float*, size_t);

/** The GEMM entry points of one task: on the calling thread, or on the pool. */
struct GemmFns {
  GemmFn mm;
  GemmPackedFn packed;
};

/**
 * The groups' A operands (m, k each, group g at a.p + g * gStride) packed ahead by gemmPackA into
 * kScratchPackW, gemmPackedASize(m, k) floats apart; nullptr (pack per GEMM instead) if m is past what
 * gemm packs at once or scratch failed.
 */
static inline const float* packGroupsA(size_t groups, size_t m, size_t k, MatRef a, size_t gStride) {
  const size_t size = gemmPackedASize(m, k);
  float* ap = size == 0 ? nullptr : scratch(kScratchPackW, groups * size);
  if (ap == nullptr) return nullptr;
  for (size_t g = 0; g < groups; ++g) gemmPackA(m, k, MatRef{a.p + g * gStride, a.rs, a.cs}, ap + g * size);
  return ap;
}

}  // namespace NT_ISA_NS
