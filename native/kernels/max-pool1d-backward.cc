// maxPool1dBackward: gx = 0, then gx[o * stride - padding + idx * dilation] += gy for every output o in
// order, per row; exactly src/backend/ref/max-pool1d.ts (float adds in the same order, so bit for bit).
// The addon has checked every idx value is in [0, k), so interior windows stay inside the row; border
// windows also check the position. k = 3 rows with stride 1 (interior) or stride 2 and padding 1 (whole
// rows) run as gathers in the same add order. Rows are split over the thread pool (each row owns its gx row).
#include "isa.h"
#include "kernels.h"
#include "pool1d-common.h"
#include "stream-work.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/**
 * The interior windows [oLo, oHi) of a k = 3, dilation 1, stride 1 row, as a gather: input position q
 * takes the windows o = q + pad - 2, q + pad - 1, q + pad (offsets j = 2, 1, 0) in that order, the
 * order the scatter adds them, so the sums are bit for bit the scatter's. A window whose argmax is not q
 * adds +0, which changes nothing: a sum that starts at +0 never becomes -0. Branch-free, so the middle
 * loop vectorises.
 */
template <class Idx>
static inline void gatherK3S1(const float* __restrict g, const Idx* __restrict ir, float* __restrict gr, size_t oLo,
                              size_t oHi, size_t pad) {
  const int64_t lo = static_cast<int64_t>(oLo), hi = static_cast<int64_t>(oHi), P = static_cast<int64_t>(pad);
  auto take = [&](int64_t o, int j) -> float { return (o >= lo && o < hi && ir[o] == j) ? g[o] : 0.0f; };
  const int64_t q0 = lo - P, q1 = hi - 1 - P + 2;  // every position an interior window covers
  const int64_t c0 = lo - P + 2, c1 = hi - 1 - P;  // positions all three of whose windows are interior
  int64_t q = q0;
  for (; q < c0 && q <= q1; ++q) gr[q] = ((gr[q] + take(q + P - 2, 2)) + take(q + P - 1, 1)) + take(q + P, 0);
  for (; q <= c1; ++q) {
    const int64_t o = q + P;
    const float a = ir[o - 2] == 2 ? g[o - 2] : 0.0f;
    const float b = ir[o - 1] == 1 ? g[o - 1] : 0.0f;
    const float c = ir[o] == 0 ? g[o] : 0.0f;
    gr[q] = ((gr[q] + a) + b) + c;
  }
  for (; q <= q1; ++q) gr[q] = ((gr[q] + take(q + P - 2, 2)) + take(q + P - 1, 1)) + take(q + P, 0);
}

/**
 * A whole k = 3, stride 2, padding 1, dilation 1 row as a gather (no zero fill, no scatter): window o
 * covers 2o - 1, 2o, 2o + 1, so position 2m takes window m (offset 1) alone and 2m + 1 takes window m
 * (offset 2), then window m + 1 (offset 0): the scatter's order, so the sums are bit for bit its own
 * (+0 + v, with +0 where a window's argmax is elsewhere, which changes nothing). Windows that do not
 * exist, and argmaxes in the padding, contribute nothing, as in the scatter. Branch-free in the middle.
 */
template <class Idx>
static inline void gatherK3S2P1(const float* __restrict g, const Idx* __restrict ir, float* __restrict gr, size_t l,
                                size_t lOut) {
  auto take = [&](size_t o, unsigned j) -> float { return (o < lOut && static_cast<unsigned>(ir[o]) == j) ? g[o] : 0.0f; };
  // Middle: m + 1 < lOut and 2m + 1 < l.
  size_t mEnd = lOut == 0 ? 0 : lOut - 1;
  if (mEnd > (l - 1) / 2) mEnd = (l - 1) / 2;  // 2m + 1 < l
  size_t m = 0;
  for (; m < mEnd; ++m) {
    // Unconditional loads, then selects: no data-dependent branch.
    const float g0 = g[m], g1 = g[m + 1];
    const unsigned i0 = ir[m], i1 = ir[m + 1];
    const float a = i0 == 1 ? g0 : 0.0f;
    const float b = i0 == 2 ? g0 : 0.0f;
    const float c = i1 == 0 ? g1 : 0.0f;
    gr[2 * m] = 0.0f + a;
    gr[2 * m + 1] = (0.0f + b) + c;
  }
  for (size_t q = 2 * m; q < l; ++q) {
    const size_t mm = q / 2;
    gr[q] = (q % 2 == 0) ? 0.0f + take(mm, 1) : (0.0f + take(mm, 2)) + take(mm + 1, 0);
  }
}

/**
 * Rows [r0, r1) of a k = 3, dilation 1, stride 1, padding 1 row set (l == lOut) as one long row: flat
 * position q takes flat windows q - 1 (offset 2), q (offset 1), q + 1 (offset 0) in that order, the
 * scatter's order, so each sum is bit for bit the scatter's (+0 + v, +0 where the argmax is elsewhere).
 * Inside a row those are exactly its windows; at a row's first and last position one of them belongs to
 * the neighbouring row, so those two positions of every row are recomputed with the row's own windows
 * only (a border window whose offset points into the padding adds nothing, as in the scatter). l >= 2.
 */
template <class Idx>
static void gatherK3S1P1Flat(const float* __restrict gy, const Idx* __restrict idx, float* __restrict gx, size_t l,
                             size_t r0, size_t r1) {
  const size_t q0 = r0 * l + 1, q1 = r1 * l - 1;  // flat windows q - 1 and q + 1 lie in [r0 * l, r1 * l)
  for (size_t q = q0; q < q1; ++q) {
    const float a = idx[q - 1] == 2 ? gy[q - 1] : 0.0f;
    const float b = idx[q] == 1 ? gy[q] : 0.0f;
    const float c = idx[q + 1] == 0 ? gy[q + 1] : 0.0f;
    gx[q] = ((0.0f + a) + b) + c;
  }
  for (size_t r = r0; r < r1; ++r) {
    const float* g = gy + r * l;
    const Idx* ir = idx + r * l;
    float* gr = gx + r * l;
    gr[0] = (0.0f + (ir[0] == 1 ? g[0] : 0.0f)) + (ir[1] == 0 ? g[1] : 0.0f);
    gr[l - 1] = (0.0f + (ir[l - 2] == 2 ? g[l - 2] : 0.0f)) + (ir[l - 1] == 1 ? g[l - 1] : 0.0f);
  }
}

/**
 * Rows [r0, r1) of a k = 3, stride 2, padding 1, dilation 1 row set with l == 2 * lOut, as one long row
 * (the gather of gatherK3S2P1 over flat window numbers): inside a row, flat window m + 1 is the row's
 * next window; after a row's last window it is the next row's first, whose offset 0 lies in the padding,
 * so the last odd position of every row is recomputed with its one window alone.
 */
template <class Idx>
static void gatherK3S2P1Flat(const float* __restrict gy, const Idx* __restrict idx, float* __restrict gx, size_t lOut,
                             size_t r0, size_t r1) {
  const size_t m1 = r1 * lOut - 1;
  for (size_t m = r0 * lOut; m < m1; ++m) {
    const float g0 = gy[m], g1 = gy[m + 1];
    const unsigned i0 = idx[m], i1 = idx[m + 1];
    gx[2 * m] = 0.0f + (i0 == 1 ? g0 : 0.0f);
    gx[2 * m + 1] = (0.0f + (i0 == 2 ? g0 : 0.0f)) + (i1 == 0 ? g1 : 0.0f);
  }
  for (size_t r = r0; r < r1; ++r) {
    const size_t m = r * lOut + lOut - 1;
    const unsigned i0 = idx[m];
    gx[2 * m] = 0.0f + (i0 == 1 ? gy[m] : 0.0f);
    gx[2 * m + 1] = 0.0f + (i0 == 2 ? gy[m] : 0.0f);
  }
}

template <class Idx>
void scatterRows(const float* gy, const Idx* idx, float* gx, const nt::Pool1dArgs& p, size_t r0, size_t r1) {
  size_t oLo, oHi;
  poolInterior(p, &oLo, &oHi);
  const size_t l = p.l, s = p.stride, d = p.dilation, lOut = p.lOut, pad = p.padding;
  const int64_t L = static_cast<int64_t>(l);
  if (p.k == 3 && d == 1 && s == 1 && pad == 1 && l == lOut && l >= 2) {
    if (r1 > r0) gatherK3S1P1Flat(gy, idx, gx, l, r0, r1);
    return;
  }
  if (p.k == 3 && d == 1 && s == 2 && pad == 1 && l == 2 * lOut && lOut >= 1) {
    if (r1 > r0) gatherK3S2P1Flat(gy, idx, gx, lOut, r0, r1);
    return;
  }
  if (p.k == 3 && d == 1 && s == 2 && pad == 1) {
    for (size_t r = r0; r < r1; ++r) gatherK3S2P1(gy + r * lOut, idx + r * lOut, gx + r * l, l, lOut);
    return;
  }
  if (r1 > r0) memset(gx + r0 * l, 0, (r1 - r0) * l * sizeof(float));
  for (size_t r = r0; r < r1; ++r) {
    float* gr = gx + r * l;
    const float* g = gy + r * lOut;
    const Idx* ir = idx + r * lOut;
    for (size_t o = 0; o < oLo; ++o) {
      const int64_t q = static_cast<int64_t>(o * s) - static_cast<int64_t>(pad) + static_cast<int64_t>(ir[o]) *
                        static_cast<int64_t>(d);
      if (q >= 0 && q < L) gr[q] += g[o];
    }
    if (p.k == 3 && d == 1 && s == 1 && oHi > oLo) gatherK3S1(g, ir, gr, oLo, oHi, pad);
    else
      for (size_t o = oLo; o < oHi; ++o) gr[o * s - pad + static_cast<size_t>(ir[o]) * d] += g[o];
    for (size_t o = oHi; o < lOut; ++o) {
      const int64_t q = static_cast<int64_t>(o * s) - static_cast<int64_t>(pad) + static_cast<int64_t>(ir[o]) *
                        static_cast<int64_t>(d);
      if (q >= 0 && q < L) gr[q] += g[o];
    }
  }
}

}  // namespace

bool maxPool1dBackward(const float* gy, const void* idx, bool idx32, float* gx, const nt::Pool1dArgs& p) {
  const size_t rows = p.n * p.c;
  const double idxFloats = idx32 ? 1.0 : 0.25;  // gy and the offsets read, gx written
  const double work = static_cast<double>(rows) *
                      streamWork(static_cast<double>(p.l) + (1.0 + idxFloats) * static_cast<double>(p.lOut));
  nt::parallelFor(rows, work, [&](size_t b, size_t e) {
    if (idx32) scatterRows(gy, static_cast<const int32_t*>(idx), gx, p, b, e);
    else scatterRows(gy, static_cast<const uint8_t*>(idx), gx, p, b, e);
  });
  return true;
}

}  // namespace NT_ISA_NS
