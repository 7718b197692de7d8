// float64 vector helpers shared by the batchNorm kernels (per ISA, see isa.h): 4 floats are widened to
// 4 doubles (one ymm register with AVX, two xmm with SSE2) so that every sum and every per-element
// result is computed in float64 like src/backend/ref/batch-norm.ts, and rounded to float once.
#pragma once

#include "isa.h"
#include "kernels.h"

// The helpers below are always inlined, so no vector crosses a call boundary and the ABI note GCC gives
// for 32-byte vectors in the SSE2 build does not apply.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace NT_ISA_NS {

typedef float F4 __attribute__((vector_size(16)));
typedef float F4U __attribute__((vector_size(16), aligned(4), may_alias));
typedef double D4 __attribute__((vector_size(32)));

__attribute__((always_inline)) static inline D4 loadD4(const float* p) { return __builtin_convertvector(*reinterpret_cast<const F4U*>(p), D4); }
__attribute__((always_inline)) static inline void storeD4(float* p, D4 v) { *reinterpret_cast<F4U*>(p) = __builtin_convertvector(v, F4); }
__attribute__((always_inline)) static inline D4 splatD4(double s) { return D4{s, s, s, s}; }
__attribute__((always_inline)) static inline double hsum(D4 v) { return (v[0] + v[1]) + (v[2] + v[3]); }

/**
 * Float64 scratch of the calling thread for a batch-norm call: two sums per row (n * c rows), then
 * `perChannel` values per channel. nullptr if it cannot be had.
 */
static inline double* bnScratch(size_t rows, size_t c, size_t perChannel) {
  return reinterpret_cast<double*>(scratch(kScratchAcc, 2 * (2 * rows + perChannel * c)));
}

/**
 * Channel ch's total of per-row partial sums part[b * c + ch], added in batch order from +0: the order
 * the sums had when one thread walked the channel's rows, whatever the thread count.
 */
static inline double channelTotal(const double* part, size_t n, size_t c, size_t ch) {
  double t = 0;
  for (size_t b = 0; b < n; ++b) t += part[b * c + ch];
  return t;
}

}  // namespace NT_ISA_NS
