// im2col / col2im for the conv1d kernels (NCL layout, per ISA, see isa.h).
//
// For one batch item and one group, the columns matrix col (K = cinG * k rows, lOut columns) is
//   col[c * k + j, t] = x[c, t * stride - padding + j * dilation]   (0 outside [0, l))
// so that conv1d becomes y_g (coutG, lOut) = w_g (coutG, K) @ col. The kernels build col in blocks
// of output positions [t0, t0 + tb), stored (K, tb).
#pragma once

#include "isa.h"
#include "kernels.h"

namespace NT_ISA_NS {

/** Output positions t in [*lo, *hi) whose input position t * stride + off lies in [0, l). */
static inline void validOutputs(ptrdiff_t off, const nt::Conv1dArgs& p, size_t* lo, size_t* hi) {
  const ptrdiff_t s = static_cast<ptrdiff_t>(p.stride), L = static_cast<ptrdiff_t>(p.l);
  size_t a = off >= 0 ? 0 : static_cast<size_t>((-off + s - 1) / s);
  size_t b = L - off <= 0 ? 0 : static_cast<size_t>((L - off + s - 1) / s);
  if (b > p.lOut) b = p.lOut;
  if (a > b) a = b;
  *lo = a;
  *hi = b;
}

static inline ptrdiff_t tapOffset(size_t j, const nt::Conv1dArgs& p) {
  return static_cast<ptrdiff_t>(j * p.dilation) - static_cast<ptrdiff_t>(p.padding);
}

/**
 * Columns t0 .. t0 + tb of col, stored (cinG * k, tb), from the cinG input rows x (each of length l).
 * Working on blocks of at most kColBlock output positions bounds the scratch memory by the weight size.
 */
static inline void im2col(const float* __restrict x, size_t cinG, const nt::Conv1dArgs& p, size_t t0, size_t tb,
                          float* __restrict col) {
  for (size_t c = 0; c < cinG; ++c) {
    const float* src = x + c * p.l;
    for (size_t j = 0; j < p.k; ++j) {
      float* dst = col + (c * p.k + j) * tb;  // dst[t - t0] for t in [t0, t0 + tb)
      const ptrdiff_t off = tapOffset(j, p);
      size_t lo, hi;
      validOutputs(off, p, &lo, &hi);
      lo = lo < t0 ? t0 : lo > t0 + tb ? t0 + tb : lo;
      hi = hi < lo ? lo : hi > t0 + tb ? t0 + tb : hi;
      for (size_t t = t0; t < lo; ++t) dst[t - t0] = 0.0f;
      if (p.stride == 1) {
        if (hi > lo) std::memcpy(dst + (lo - t0), src + (static_cast<ptrdiff_t>(lo) + off), (hi - lo) * sizeof(float));
      } else {
        for (size_t t = lo; t < hi; ++t) dst[t - t0] = src[static_cast<ptrdiff_t>(t * p.stride) + off];
      }
      for (size_t t = hi; t < t0 + tb; ++t) dst[t - t0] = 0.0f;
    }
  }
}

/** The adjoint of im2col: gx rows (cinG, l; already initialised) += scatter of col (cinG * k, tb). */
static inline void col2imAdd(const float* __restrict col, size_t cinG, const nt::Conv1dArgs& p, size_t t0, size_t tb,
                             float* __restrict gx) {
  for (size_t c = 0; c < cinG; ++c) {
    float* dst = gx + c * p.l;
    for (size_t j = 0; j < p.k; ++j) {
      const float* src = col + (c * p.k + j) * tb;  // src[t - t0] for t in [t0, t0 + tb)
      const ptrdiff_t off = tapOffset(j, p);
      size_t lo, hi;
      validOutputs(off, p, &lo, &hi);
      lo = lo < t0 ? t0 : lo > t0 + tb ? t0 + tb : lo;
      hi = hi < lo ? lo : hi > t0 + tb ? t0 + tb : hi;
      if (p.stride == 1) {
        float* d = dst + (static_cast<ptrdiff_t>(lo) + off);  // gx positions lo + off ..
        const float* s = src + (lo - t0);
        for (size_t i = 0; i < hi - lo; ++i) d[i] += s[i];
      } else {
        for (size_t t = lo; t < hi; ++t) dst[static_cast<ptrdiff_t>(t * p.stride) + off] += src[t - t0];
      }
    }
  }
}

/** Output positions per im2col block (a multiple of every SIMD tile width). */
constexpr size_t kColBlock = 1024;

/** True when the input rows are themselves the columns matrix (k = 1, stride 1, no padding). */
static inline bool im2colIsIdentity(const nt::Conv1dArgs& p) {
  return p.k == 1 && p.stride == 1 && p.padding == 0;
}

}  // namespace NT_ISA_NS
