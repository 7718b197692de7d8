// adaptiveAvgPool1dForward / adaptiveAvgPool1dBackward over rows of length l pooled to lOut windows,
// window o = [floor(o * l / lOut), ceil((o + 1) * l / lOut)): exactly src/backend/ref/adaptive-avg-pool1d.ts
// (the same float64 sums in the same order, so bit for bit).
//
// Forward: each window's float64 sum is one dependent chain of adds (its order is the contract), so a
// row alone is latency-bound; kRowBlock rows run side by side (independent chains the core overlaps).
// Backward without overlap (lOut divides l, e.g. global pooling): a vectorised fill of gy / length per
// window. With overlap: zero the row, then add each window's share in window order (float64 add,
// rounded to float32 each time, as the ref). Rows are split over the thread pool above a crossover.
#include "isa.h"
#include "kernels.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/** Rows summed side by side by the forward (independent float64 add chains). */
constexpr size_t kRowBlock = 8;

/**
 * Work units per element for the thread pool's cut (nt::kParallelMinWork, ~6 us of one thread): about 16
 * elements of a memory-bound pooling pass cost what the pool's unit (one flop) does in a GEMM.
 */
constexpr double kWorkPerElement = 16.0;

static inline size_t windowStart(size_t o, size_t l, size_t lOut) { return o * l / lOut; }
static inline size_t windowEnd(size_t o, size_t l, size_t lOut) { return ((o + 1) * l + lOut - 1) / lOut; }

/** Rows [r0, r0 + R) of the forward, R <= kRowBlock, every window's R sums side by side. */
template <size_t R>
static inline void forwardRows(const float* __restrict x, float* __restrict y, size_t r0, size_t l, size_t lOut) {
  for (size_t o = 0; o < lOut; ++o) {
    const size_t lo = windowStart(o, l, lOut), hi = windowEnd(o, l, lOut);
    double s[R];
    for (size_t j = 0; j < R; ++j) s[j] = 0.0;
    for (size_t q = lo; q < hi; ++q) {
      for (size_t j = 0; j < R; ++j) s[j] += static_cast<double>(x[(r0 + j) * l + q]);
    }
    const double len = static_cast<double>(hi - lo);
    for (size_t j = 0; j < R; ++j) y[(r0 + j) * lOut + o] = static_cast<float>(s[j] / len);
  }
}

static void forwardRange(const float* x, float* y, size_t l, size_t lOut, size_t r0, size_t r1) {
  size_t r = r0;
  for (; r + kRowBlock <= r1; r += kRowBlock) forwardRows<kRowBlock>(x, y, r, l, lOut);
  for (; r < r1; ++r) forwardRows<1>(x, y, r, l, lOut);
}

/** One row of the backward. */
static inline void backwardRow(const float* __restrict g, float* __restrict gr, size_t l, size_t lOut) {
  if (l % lOut == 0) {
    // Each position lies in one window: gx = fround(+0 + v) = fround(v) + 0 (-0 becomes +0).
    const size_t w = l / lOut;
    for (size_t o = 0; o < lOut; ++o) {
      const float v = static_cast<float>(static_cast<double>(g[o]) / static_cast<double>(w)) + 0.0f;
      float* dst = gr + o * w;
      for (size_t q = 0; q < w; ++q) dst[q] = v;
    }
    return;
  }
  memset(gr, 0, l * sizeof(float));
  for (size_t o = 0; o < lOut; ++o) {
    const size_t lo = windowStart(o, l, lOut), hi = windowEnd(o, l, lOut);
    const double v = static_cast<double>(g[o]) / static_cast<double>(hi - lo);
    for (size_t q = lo; q < hi; ++q) gr[q] = static_cast<float>(static_cast<double>(gr[q]) + v);
  }
}

}  // namespace

bool adaptiveAvgPool1dForward(const float* x, float* y, const nt::AdaptivePool1dArgs& p) {
  const size_t l = p.l, lOut = p.lOut;
  nt::parallelFor(p.rows, kWorkPerElement * static_cast<double>(p.rows) * static_cast<double>(l + lOut),
                  [&](size_t b, size_t e) { forwardRange(x, y, l, lOut, b, e); });
  return true;
}

bool adaptiveAvgPool1dBackward(const float* gy, float* gx, const nt::AdaptivePool1dArgs& p) {
  const size_t l = p.l, lOut = p.lOut;
  nt::parallelFor(p.rows, kWorkPerElement * static_cast<double>(p.rows) * static_cast<double>(l + lOut),
                  [&](size_t b, size_t e) {
                    for (size_t r = b; r < e; ++r) backwardRow(gy + r * lOut, gx + r * l, l, lOut);
                  });
  return true;
}

}  // namespace NT_ISA_NS
