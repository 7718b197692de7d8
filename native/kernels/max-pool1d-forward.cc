// maxPool1dForward: y = the max of each window, idx = its offset j in the window, over n * c rows;
// exactly src/backend/ref/max-pool1d.ts. Ties keep the first maximum; a NaN wins (the last NaN of a
// window, PyTorch's `v > max || isnan(v)`); -0 and +0 tie; padding is -inf. Windows lying inside the
// input take branch-free selects (a data-dependent branch mispredicts on real activations), with a
// k = 3, dilation 1 special case; windows touching the padding take the plain loop. Rows are split
// over the thread pool.
#include "isa.h"
#include "kernels.h"
#include "pool1d-common.h"
#include "stream-work.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/** A window touching the padding: starts at p0 (relative to the row), skips padded positions. */
template <class Idx>
inline void borderWindow(const float* xr, float* y, Idx* idx, int64_t p0, const nt::Pool1dArgs& p) {
  const int64_t l = static_cast<int64_t>(p.l), d = static_cast<int64_t>(p.dilation), k = static_cast<int64_t>(p.k);
  int64_t q = p0, j = 0;
  if (q < 0) {  // the first j with q + j * d >= 0
    j = (-q + d - 1) / d;
    q += j * d;
  }
  int64_t best = j;
  float m = -__builtin_inff();
  for (; j < k && q < l; ++j, q += d) {
    const float v = xr[q];
    if (v > m || v != v) {
      m = v;
      best = j;
    }
  }
  *y = m;
  *idx = static_cast<Idx>(best);
}

/**
 * One k = 3, dilation 1 window (a, b, c) inside the input, with selects only (no load at a computed
 * index): b beats a if greater or NaN; c wins if NaN or greater than both (the same as greater than
 * max(a, b), which is NaN, and so never exceeded, when a or b is).
 */
template <class Idx>
static inline void window3One(const float* w, float* y, Idx* idx) {
  const float a = w[0], b = w[1], c = w[2];
  const bool pb = (b > a) | (b != b);
  const bool qc = ((c > a) & (c > b)) | (c != c);
  *y = qc ? c : (pb ? b : a);
  *idx = static_cast<Idx>(qc ? 2 : (pb ? 1 : 0));
}

/**
 * n consecutive k = 3, dilation 1 windows inside the input, the first at x, with the stride S a
 * compile-time constant so the loads are a fixed pattern the compiler vectorises (contiguous for S = 1,
 * a two-way deinterleave for S = 2) into compare-and-select across lanes.
 */
template <size_t S, class Idx>
static inline void window3(const float* __restrict x, float* __restrict y, Idx* __restrict idx, size_t n) {
  for (size_t o = 0; o < n; ++o) {
    const float a = x[o * S], b = x[o * S + 1], c = x[o * S + 2];
    const bool pb = (b > a) | (b != b);
    const bool qc = ((c > a) & (c > b)) | (c != c);
    y[o] = qc ? c : (pb ? b : a);
    idx[o] = static_cast<Idx>(qc ? 2 : (pb ? 1 : 0));
  }
}

// Lanes of the explicit stride-1 loop: a full zmm on the AVX-512 build, else the ISA's float vector.
#if defined(__AVX512F__)
#define NT_POOL_LANES 16
#else
#define NT_POOL_LANES NT_VEC_LEN
#endif
constexpr size_t kPoolLanes = NT_POOL_LANES;
typedef float PoolF __attribute__((vector_size(kPoolLanes * sizeof(float)), aligned(4), may_alias));
typedef int32_t PoolI __attribute__((vector_size(kPoolLanes * sizeof(int32_t))));
typedef uint8_t PoolB __attribute__((vector_size(kPoolLanes), aligned(1), may_alias));

/**
 * window3<1> with byte offsets, written out in vectors: three shifted loads, the max as two selects and
 * the offset as a byte built from the same compare masks (no gather, no data-dependent branch). The
 * compiler's own vectorisation of window3<1> spilled its masks to the stack; this is 1.5x faster at the
 * model's stride-1 shapes, batch 32 (0.36 -> 0.23 ns per output, AVX-512 build, 1 thread). c wins when it is NaN or greater than m = (b wins ? b : a), which is the scalar
 * rule: m is NaN, and so never exceeded, exactly when a or b is.
 */
static inline void window3S1Bytes(const float* __restrict x, float* __restrict y, uint8_t* __restrict idx, size_t n) {
  size_t o = 0;
  for (; o + kPoolLanes <= n; o += kPoolLanes) {
    const PoolF a = *reinterpret_cast<const PoolF*>(x + o);
    const PoolF b = *reinterpret_cast<const PoolF*>(x + o + 1);
    const PoolF c = *reinterpret_cast<const PoolF*>(x + o + 2);
    const PoolI pb = (b > a) | (b != b);
    const PoolF m = pb ? b : a;
    const PoolI qc = (c > m) | (c != c);
    *reinterpret_cast<PoolF*>(y + o) = qc ? c : m;
    const PoolI j = (qc & 2) | (~qc & pb & 1);
    *reinterpret_cast<PoolB*>(idx + o) = __builtin_convertvector(j, PoolB);
  }
  window3<1>(x + o, y + o, idx + o, n - o);
}

/**
 * Rows [r0, r1) of a k = 3, dilation 1, stride S row set with l == S * lOut (the model's k3 s1 p1 and
 * k3 s2 p1 pools on even lengths), as one long row: flat output F = r * lOut + o reads flat inputs
 * F * S - padding + j, exactly the window of output o of row r whenever that window lies inside the row.
 * So one branch-free vector loop runs from the first row's first interior output to the last row's last
 * one, and the border outputs of every row (whose flat window crossed into a neighbouring row) are
 * overwritten afterwards by the padding-aware loop. Short rows (150-300 outputs) no longer end in scalar
 * tails per row: the vector loop sees 10^4-10^6 outputs at once. Only rows of this call are written.
 */
template <size_t S, class Idx>
static void poolRowsFlat(const float* x, float* y, Idx* idx, const nt::Pool1dArgs& p, size_t oLo, size_t oHi,
                         size_t r0, size_t r1) {
  const size_t lOut = p.lOut, pad = p.padding;
  const size_t f0 = r0 * lOut + oLo, f1 = (r1 - 1) * lOut + oHi;  // oLo * S >= pad, so f0 * S >= pad
  if constexpr (S == 1 && sizeof(Idx) == 1)
    window3S1Bytes(x + (f0 - pad), y + f0, reinterpret_cast<uint8_t*>(idx + f0), f1 - f0);
  else
    window3<S>(x + (f0 * S - pad), y + f0, idx + f0, f1 - f0);
  for (size_t r = r0; r < r1; ++r) {
    const float* xr = x + r * p.l;
    float* yr = y + r * lOut;
    Idx* ir = idx + r * lOut;
    for (size_t o = 0; o < oLo; ++o)
      borderWindow(xr, yr + o, ir + o, static_cast<int64_t>(o * S) - static_cast<int64_t>(pad), p);
    for (size_t o = oHi; o < lOut; ++o)
      borderWindow(xr, yr + o, ir + o, static_cast<int64_t>(o * S) - static_cast<int64_t>(pad), p);
  }
}

template <class Idx>
void poolRows(const float* x, float* y, Idx* idx, const nt::Pool1dArgs& p, size_t r0, size_t r1) {
  size_t oLo, oHi;
  poolInterior(p, &oLo, &oHi);
  const size_t l = p.l, k = p.k, s = p.stride, d = p.dilation, lOut = p.lOut, pad = p.padding;
  if (k == 3 && d == 1 && (s == 1 || s == 2) && l == s * lOut && oHi > oLo && r1 > r0) {
    if (s == 1) poolRowsFlat<1>(x, y, idx, p, oLo, oHi, r0, r1);
    else poolRowsFlat<2>(x, y, idx, p, oLo, oHi, r0, r1);
    return;
  }
  for (size_t r = r0; r < r1; ++r) {
    const float* xr = x + r * l;
    float* yr = y + r * lOut;
    Idx* ir = idx + r * lOut;
    for (size_t o = 0; o < oLo; ++o)
      borderWindow(xr, yr + o, ir + o, static_cast<int64_t>(o * s) - static_cast<int64_t>(pad), p);
    if (k == 3 && d == 1 && s == 1) {
      window3<1>(xr + (oLo - pad), yr + oLo, ir + oLo, oHi - oLo);
    } else if (k == 3 && d == 1 && s == 2) {
      window3<2>(xr + (oLo * 2 - pad), yr + oLo, ir + oLo, oHi - oLo);
    } else if (k == 3 && d == 1) {
      for (size_t o = oLo; o < oHi; ++o) window3One(xr + (o * s - pad), yr + o, ir + o);
    } else {
      for (size_t o = oLo; o < oHi; ++o) {
        const float* w = xr + (o * s - pad);
        float m = w[0];
        size_t j = 0;
        for (size_t t = 1; t < k; ++t) {
          const float v = w[t * d];
          const bool take = (v > m) | (v != v);
          j = take ? t : j;
          m = take ? v : m;
        }
        yr[o] = m;
        ir[o] = static_cast<Idx>(j);
      }
    }
    for (size_t o = oHi; o < lOut; ++o)
      borderWindow(xr, yr + o, ir + o, static_cast<int64_t>(o * s) - static_cast<int64_t>(pad), p);
  }
}

}  // namespace

bool maxPool1dForward(const float* x, float* y, void* idx, bool idx32, const nt::Pool1dArgs& p) {
  const size_t rows = p.n * p.c;
  // Memory-bound at small k (x read, y and the offsets written); k reads per output beyond that.
  const double idxFloats = idx32 ? 1.0 : 0.25;
  const double work = static_cast<double>(rows) *
                      (streamWork(static_cast<double>(p.l) + (1.0 + idxFloats) * static_cast<double>(p.lOut)) +
                       static_cast<double>(p.lOut) * static_cast<double>(p.k));
  nt::parallelFor(rows, work, [&](size_t b, size_t e) {
    if (idx32) poolRows(x, y, static_cast<int32_t*>(idx), p, b, e);
    else poolRows(x, y, static_cast<uint8_t*>(idx), p, b, e);
  });
  return true;
}

}  // namespace NT_ISA_NS
