// maxPool2dForward: y = the max of each window scanned row by row, idx = its flat index h * inW + w in the
// plane, over n * c planes; exactly src/backend/ref/max-pool2d.ts. Ties keep the first maximum; a NaN wins
// (the last NaN of a window, PyTorch's `v > max || isnan(v)`); -0 and +0 tie; padding is -inf. The 2 x 2,
// stride 2, dilation 1 windows that lie inside the plane (the usual image-model pool) take branch-free
// selects over the four values in scan order; every other window takes the bounds-checked loop. Planes
// are split over the thread pool, by the memory moved (stream-work.h) or the window compares, whichever is
// larger: counting compares alone kept the CNN example's 2 x 2 pools (0.3-0.6M floats) on one thread.
#include "isa.h"
#include "kernels.h"
#include "stream-work.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/** Output (r, s) of one plane: its window's rows and columns clipped to the plane, then the scan. */
template <class Idx>
inline void window(const float* xp, float* y, Idx* idx, int64_t r, int64_t s, const nt::Pool2dArgs& p) {
  const int64_t inH = static_cast<int64_t>(p.inH), inW = static_cast<int64_t>(p.inW);
  const int64_t dh = static_cast<int64_t>(p.dilationH), dw = static_cast<int64_t>(p.dilationW);
  const int64_t h0 = r * static_cast<int64_t>(p.strideH) - static_cast<int64_t>(p.padH);
  const int64_t w0 = s * static_cast<int64_t>(p.strideW) - static_cast<int64_t>(p.padW);
  float m = -__builtin_inff();
  int64_t best = -1;
  for (int64_t i = 0; i < static_cast<int64_t>(p.kH); ++i) {
    const int64_t h = h0 + i * dh;
    if (h < 0 || h >= inH) continue;
    for (int64_t j = 0; j < static_cast<int64_t>(p.kW); ++j) {
      const int64_t w = w0 + j * dw;
      if (w < 0 || w >= inW) continue;
      const float v = xp[h * inW + w];
      if (best < 0 || v > m || v != v) {
        m = v;
        best = h * inW + w;
      }
    }
  }
  *y = m;
  *idx = static_cast<Idx>(best);
}

// Eight windows at a time as vectors (two xmm on the baseline build, one ymm on AVX2 and AVX-512).
typedef float Pool8F __attribute__((vector_size(32), aligned(4), may_alias));
typedef int32_t Pool8I __attribute__((vector_size(32), aligned(4), may_alias));
typedef uint8_t Pool8B __attribute__((vector_size(8), aligned(1), may_alias));

/** Even and odd elements of the 16 floats at p. */
static inline void deinterleave(const float* p, Pool8F* even, Pool8F* odd) {
  const Pool8F lo = *reinterpret_cast<const Pool8F*>(p), hi = *reinterpret_cast<const Pool8F*>(p + 8);
  *even = __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14);
  *odd = __builtin_shufflevector(lo, hi, 1, 3, 5, 7, 9, 11, 13, 15);
}

/**
 * Eight 2 x 2, stride 2, dilation 1 windows whose top-left corners are a[2s] (an input row) and b[2s] (the
 * next row), s < 8, the first at flat plane index `at0`: the scan order a[2s], a[2s + 1], b[2s], b[2s + 1]
 * with selects (a later value wins when greater or NaN).
 */
static inline void windows8(const float* a, const float* b, int32_t at0, int32_t inW, Pool8F* y, Pool8I* at) {
  const Pool8I lane2 = {0, 2, 4, 6, 8, 10, 12, 14};
  Pool8F v0, v1, v2, v3;
  deinterleave(a, &v0, &v1);
  deinterleave(b, &v2, &v3);
  const Pool8I t1 = (v1 > v0) | (v1 != v1);
  Pool8F m = t1 ? v1 : v0;
  Pool8I j = t1 & 1;
  const Pool8I t2 = (v2 > m) | (v2 != v2);
  m = t2 ? v2 : m;
  j = t2 ? inW : j;
  const Pool8I t3 = (v3 > m) | (v3 != v3);
  m = t3 ? v3 : m;
  j = t3 ? inW + 1 : j;
  *y = m;
  *at = j + lane2 + at0;
}

template <class Idx>
static inline void storeIdx8(Idx* idx, Pool8I at) {
  if constexpr (sizeof(Idx) == 1) *reinterpret_cast<Pool8B*>(idx) = __builtin_convertvector(at, Pool8B);
  else *reinterpret_cast<Pool8I*>(idx) = at;
}

/**
 * The n windows of a row pair (rows a and b = a + inW, flat plane index base at a[0]) eight at a time; the
 * last n % 8 from a copy of the rows' ends into zero-padded local buffers, so no window takes a scalar
 * compare-and-branch (the compiler's scalar code branched on the data: random activations mispredict
 * half the time, 11 ns per output at the CNN example's shapes).
 */
template <class Idx>
inline void windows2x2(const float* __restrict a, const float* __restrict b, float* __restrict y, Idx* __restrict idx,
                       size_t n, int64_t base, int64_t inW) {
  const int32_t w = static_cast<int32_t>(inW);
  size_t s = 0;
  Pool8F m;
  Pool8I at;
  for (; s + 8 <= n; s += 8) {
    windows8(a + 2 * s, b + 2 * s, static_cast<int32_t>(base + 2 * static_cast<int64_t>(s)), w, &m, &at);
    *reinterpret_cast<Pool8F*>(y + s) = m;
    storeIdx8(idx + s, at);
  }
  if (s == n) return;
  float ta[16] = {}, tb[16] = {}, ty[8];
  Idx ti[8];
  memcpy(ta, a + 2 * s, 2 * (n - s) * sizeof(float));
  memcpy(tb, b + 2 * s, 2 * (n - s) * sizeof(float));
  windows8(ta, tb, static_cast<int32_t>(base + 2 * static_cast<int64_t>(s)), w, &m, &at);
  *reinterpret_cast<Pool8F*>(ty) = m;
  storeIdx8(ti, at);
  memcpy(y + s, ty, (n - s) * sizeof(float));
  memcpy(idx + s, ti, (n - s) * sizeof(Idx));
}

template <class Idx>
void poolPlanes(const float* x, float* y, Idx* idx, const nt::Pool2dArgs& p, size_t b, size_t e) {
  const size_t plane = p.inH * p.inW, outPlane = p.outH * p.outW;
  const bool k2s2 = p.kH == 2 && p.kW == 2 && p.strideH == 2 && p.strideW == 2 && p.dilationH == 1 &&
                    p.dilationW == 1 && p.padH == 0 && p.padW == 0;
  // Windows wholly inside the plane (floor mode: all of them; ceil mode may add a clipped last row/column).
  const size_t fullH = k2s2 ? (p.inH / 2 < p.outH ? p.inH / 2 : p.outH) : 0;
  const size_t fullW = k2s2 ? (p.inW / 2 < p.outW ? p.inW / 2 : p.outW) : 0;
  const int64_t inW = static_cast<int64_t>(p.inW);
  for (size_t pl = b; pl < e; ++pl) {
    const float* xp = x + pl * plane;
    float* yp = y + pl * outPlane;
    Idx* ip = idx + pl * outPlane;
    for (size_t r = 0; r < p.outH; ++r) {
      size_t s0 = 0;
      if (r < fullH) {
        windows2x2(xp + 2 * r * p.inW, xp + (2 * r + 1) * p.inW, yp + r * p.outW, ip + r * p.outW, fullW,
                   static_cast<int64_t>(2 * r) * inW, inW);
        s0 = fullW;
      }
      for (size_t s = s0; s < p.outW; ++s)
        window(xp, yp + r * p.outW + s, ip + r * p.outW + s, static_cast<int64_t>(r), static_cast<int64_t>(s), p);
    }
  }
}

}  // namespace

bool maxPool2dForward(const float* x, float* y, void* idx, bool idx32, const nt::Pool2dArgs& p) {
  const size_t planes = p.n * p.c;
  // The larger of the window compares and the memory moved (the input planes read, the values and the
  // argmax written): big overlapping windows are bound by compares, 2 x 2 ones by memory.
  const double compares = static_cast<double>(planes) * static_cast<double>(p.outH * p.outW) * static_cast<double>(p.kH * p.kW);
  const double moved = streamWork(static_cast<double>(planes) * static_cast<double>(p.inH * p.inW + 2 * p.outH * p.outW));
  const double work = compares > moved ? compares : moved;
  nt::parallelFor(planes, work, [&](size_t b, size_t e) {
    if (idx32) poolPlanes(x, y, static_cast<int32_t*>(idx), p, b, e);
    else poolPlanes(x, y, static_cast<uint8_t*>(idx), p, b, e);
  });
  return true;
}

}  // namespace NT_ISA_NS
