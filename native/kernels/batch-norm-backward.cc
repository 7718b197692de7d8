// batchNormBackward: per channel, float64 sums sum = sum gy and dot = sum gy * (x - mean); gw = dot * invstd,
// gb = sum; gx = training ? (gy - (x - mean) * k - sum / count) * s : gy * s with k = dot * invstd^2 / count
// and s = invstd * weight, in float64 rounded once, like src/backend/ref/batch-norm.ts. gx may be gy itself
// (a channel's sums are complete before its gx is written, element i from element i), so gy and gx carry no
// __restrict. Channels are split over the thread pool.
#include "isa.h"
#include "kernels.h"
#include "batch-norm-common.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/** Adds sum g and sum g * (x - m) over [0, len) to *sum and *dot. */
inline void gradSums(const float* g, const float* x, size_t len, double m, double* sum, double* dot) {
  const D4 mv = splatD4(m);
  D4 s0 = splatD4(0), s1 = s0, d0 = s0, d1 = s0;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    const D4 g0 = loadD4(g + i), g1 = loadD4(g + i + 4);
    s0 += g0;
    d0 += g0 * (loadD4(x + i) - mv);
    s1 += g1;
    d1 += g1 * (loadD4(x + i + 4) - mv);
  }
  double ss = hsum(s0 + s1), dd = hsum(d0 + d1);
  for (; i < len; ++i) {
    const double gv = g[i];
    ss += gv;
    dd += gv * (static_cast<double>(x[i]) - m);
  }
  *sum += ss;
  *dot += dd;
}

/** gx = (g - (x - m) * k - gm) * s over [0, len). */
inline void gradInput(const float* g, const float* x, float* gx, size_t len, double m, double k, double gm, double s) {
  const D4 mv = splatD4(m), kv = splatD4(k), gmv = splatD4(gm), sv = splatD4(s);
  size_t i = 0;
  for (; i + 4 <= len; i += 4) storeD4(gx + i, (loadD4(g + i) - (loadD4(x + i) - mv) * kv - gmv) * sv);
  for (; i < len; ++i)
    gx[i] = static_cast<float>((static_cast<double>(g[i]) - (static_cast<double>(x[i]) - m) * k - gm) * s);
}

/** gx = g * s over [0, len). */
inline void scaleInto(const float* g, float* gx, size_t len, double s) {
  const D4 sv = splatD4(s);
  size_t i = 0;
  for (; i + 4 <= len; i += 4) storeD4(gx + i, loadD4(g + i) * sv);
  for (; i < len; ++i) gx[i] = static_cast<float>(static_cast<double>(g[i]) * s);
}

}  // namespace

bool batchNormBackward(const float* gy, const float* x, const float* weight, const double* mean,
                       const double* invstd, float* gx, float* gw, float* gb, const nt::BatchNormArgs& p) {
  const size_t n = p.n, c = p.c, inner = p.inner, rowStride = c * inner;
  const double count = static_cast<double>(n) * static_cast<double>(inner);
  const double work = 5.0 * count * static_cast<double>(c);
  // Blocks of channels, batch item by batch item (address order), as batchNormForward; every sum of a
  // block is complete before any of its gx is written.
  nt::parallelFor(c, work, [&](size_t c0, size_t c1) {
    for (size_t cb = c0; cb < c1; cb += kBnChannelBlock) {
      const size_t ce = minz(c1, cb + kBnChannelBlock);
      double sum[kBnChannelBlock] = {}, dot[kBnChannelBlock] = {};
      for (size_t b = 0; b < n; ++b)
        for (size_t ch = cb; ch < ce; ++ch) {
          const size_t o = b * rowStride + ch * inner;
          gradSums(gy + o, x + o, inner, mean[ch], &sum[ch - cb], &dot[ch - cb]);
        }
      double k[kBnChannelBlock], gm[kBnChannelBlock], s[kBnChannelBlock];
      for (size_t ch = cb; ch < ce; ++ch) {
        const double is = invstd[ch];
        if (gw) gw[ch] = static_cast<float>(dot[ch - cb] * is);
        if (gb) gb[ch] = static_cast<float>(sum[ch - cb]);
        s[ch - cb] = is * (weight ? static_cast<double>(weight[ch]) : 1.0);
        k[ch - cb] = (dot[ch - cb] * is * is) / count;
        gm[ch - cb] = sum[ch - cb] / count;
      }
      if (!gx) continue;
      for (size_t b = 0; b < n; ++b)
        for (size_t ch = cb; ch < ce; ++ch) {
          const size_t o = b * rowStride + ch * inner, i = ch - cb;
          if (p.training) gradInput(gy + o, x + o, gx + o, inner, mean[ch], k[i], gm[i], s[i]);
          else scaleInto(gy + o, gx + o, inner, s[i]);
        }
    }
  });
  return true;
}

}  // namespace NT_ISA_NS
